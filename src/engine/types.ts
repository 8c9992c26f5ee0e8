// The Step contract. The engine knows nothing about AWS: it orders steps by their
// dependencies, runs independent branches concurrently, checkpoints after every mutation and
// reports events. Each step knows how to find, create, converge and delete one resource.

export type StepRecord = Record<string, unknown>;

/** One field that differs between the live resource and what the inputs ask for. */
export interface Change {
  field: string;
  from: unknown;
  to: unknown;
  /** AWS cannot change this in place: the resource must be replaced. */
  replace?: boolean;
}

/** What `read` found. */
export interface Live<R extends StepRecord = StepRecord> {
  record: R;
  /** Differences from the desired configuration; empty when in sync. */
  changes: Change[];
  /** Found by name and ownership tag rather than by the id recorded in state. */
  adopted?: boolean;
  /**
   * Other copies carrying the stack's ownership tag (a create retried after a lost answer).
   * Each record must be enough for `delete`. plan shows them as deletions, execute and destroy
   * delete them, status reports the step as duplicate.
   */
  extras?: R[];
}

export interface StepContext<C> {
  /** The application's context (clients, names, inputs): opaque to the engine. */
  app: C;
  /** The record of a dependency: this run's when it ran, else what state recorded. */
  get<R extends StepRecord = StepRecord>(key: string): R | undefined;
  /** Dependencies created or updated in this run (for steps that must follow, like a deployment). */
  changedDeps: readonly string[];
  /** Save partial ids mid-create, so a crash after the first mutating call can resume. */
  checkpoint(partial: StepRecord): Promise<void>;
  /** A progress note for the UI (e.g. "waiting for the IAM role to propagate"). */
  note(message: string): void;
  /**
   * The rest of a create that the step's dependents do not need (a new function turning Active,
   * a policy attached to a new role): dependents start as soon as create returns; the step is done,
   * and the run ends, only once this work is. Absent (unit harnesses): the step runs it inline.
   */
  defer?(work: () => Promise<void>): void;
}

export interface Step<C, R extends StepRecord = StepRecord> {
  key: string;
  title: string;
  dependsOn: readonly string[];
  /** Deleting this dependency deletes this resource too (destroy skips its own call). */
  deletedWith?: string;
  /**
   * AWS deletes it while its dependents still exist (a role that a function names): destroy
   * deletes it alongside them instead of after them.
   */
  deleteAlongsideDependents?: boolean;
  /** False to leave the step out for these inputs (e.g. --no-user). */
  enabled?(app: C): boolean;
  /** Find the live resource: by recorded id, else by name plus ownership tag. Absent: undefined. */
  read(ctx: StepContext<C>, recorded: R | undefined): Promise<Live<R> | undefined>;
  create(ctx: StepContext<C>): Promise<R>;
  /** Converge a live resource to the inputs. Without it, differences are only reported. */
  update?(ctx: StepContext<C>, live: Live<R>): Promise<R>;
  /** Delete; a resource already gone counts as deleted. */
  delete(ctx: StepContext<C>, record: R): Promise<void>;
}

/** 'deleted': a step switched off for these inputs (e.g. --no-user) whose recorded resource was removed. */
export type ApplyAction = 'created' | 'adopted' | 'updated' | 'unchanged' | 'deleted';
/** What a dry run (`plan`) predicts; each maps to one ApplyAction (replace -> updated). */
export type PlanAction = 'create' | 'adopt' | 'update' | 'replace' | 'delete' | 'no change';
export type DestroyAction = 'deleted' | 'absent' | 'not owned';

export type EngineEvent =
  | { type: 'start'; key: string; title: string; phase: 'apply' | 'destroy' | 'read' }
  | { type: 'note'; key: string; title: string; message: string }
  | { type: 'done'; key: string; title: string; action: ApplyAction | DestroyAction | PlanAction | 'skipped'; changes?: Change[] }
  | { type: 'failed'; key: string; title: string; error: unknown };

export interface StepResult<R extends StepRecord = StepRecord> {
  key: string;
  action: string;
  record?: R;
  changes?: Change[];
  error?: unknown;
}

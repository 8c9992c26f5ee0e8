// The Step contract and the engine's API. The engine knows nothing about AWS: it orders steps by
// their dependencies, runs independent branches concurrently, checkpoints after every mutation
// and reports events. Each step knows how to find, create, converge and delete one resource.
//
// The API (src/engine/index.ts):
//   plan(o)                -> Plan: one wave of reads, then each step's action, changes, extra
//                             copies and why a read was reused, repeated or skipped. No writes.
//   execute(o, plan, opts) -> the plan applied: replacements refused first (ReplaceNeeded), then
//                             retired steps deleted, the graph converged, extra copies deleted.
//   apply(o, opts)         =  execute(o, await plan(o), opts)
//   readAll(o)             -> per step ok / missing / drifted / duplicate / error (status).
//   destroy(o)             -> the same graph with its edges reversed; cascades cost no request.
// Failures are StepFailed (errors.ts), whose cause is the step's error or NotOwned / ReplaceNeeded.
import type { NotOwned } from './errors.js';

export type StepRecord = Record<string, unknown>;

/** One field that differs between the live resource and what the inputs ask for. */
export interface Change {
  field: string;
  from: unknown;
  to: unknown;
  /** AWS cannot change this in place: the resource must be replaced. */
  replace?: boolean;
  /** For a replacement: what replacing means for this resource (said by the step). */
  reason?: string;
}

/** What `read` found. */
export interface Live<R extends StepRecord = StepRecord> {
  /** The copy to keep: the one recorded in state when it still exists, else the one adopted. */
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
  /**
   * The record of a dependency: this run's when it ran, else what state recorded, with that step's
   * type. By its Step only: a lookup by key string would make the type the caller's claim.
   */
  get<R extends StepRecord>(dep: Step<C, R>): R | undefined;
  /**
   * The record of a dependency that must exist by now (in create, update, or a delete that
   * needs it): the engine runs a step only after its dependencies, so a missing one is a
   * MissingDependency error, not a crash on `undefined`.
   */
  need<R extends StepRecord>(dep: Step<C, R>): R;
  /** Dependencies created or updated in this run (for steps that must follow, like a deployment). */
  changedDeps: readonly string[];
  /** Save partial ids mid-create, so a crash after the first mutating call can resume. */
  checkpoint(partial: StepRecord): Promise<void>;
  /** Something to tell the user (e.g. "waiting for the IAM role to propagate"); becomes a note event. */
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
  /** What this step's requests need as input: pure data, read by the scheduler only. */
  dependsOn: readonly string[];
  /** Deleting this dependency deletes this resource too (destroy skips its own call). */
  deletedWith?: string;
  /**
   * AWS deletes it while its dependents still exist (a role that a function names): destroy
   * deletes it alongside them instead of after them.
   */
  deleteAlongsideDependents?: boolean;
  /** The resource's name as the user knows it (shown in plans), e.g. "hello-world-lambda-role". */
  displayName?(app: C): string | undefined;
  /** Find the live resource: by recorded id, else by name plus ownership tag. Absent: undefined. */
  read(ctx: StepContext<C>, recorded: R | undefined): Promise<Live<R> | undefined>;
  create(ctx: StepContext<C>): Promise<R>;
  /** Converge a live resource to the inputs. Without it, differences are only reported. */
  update?(ctx: StepContext<C>, live: Live<R>): Promise<R>;
  /** Delete; a resource already gone counts as deleted. */
  delete(ctx: StepContext<C>, record: R): Promise<void>;
}

/** A step of any record type: a graph holds steps whose records differ. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- existential: each step's record type is its own
export type AnyStep<C> = Step<C, any>;

export interface EngineOptions<C> {
  /** This run's graph (computed by the app from its inputs: a switched-off step is not in it). */
  steps: readonly AnyStep<C>[];
  app: C;
  /** Records from the state file, per step key. */
  recorded: Readonly<Record<string, StepRecord | undefined>>;
  /** Persist (or with undefined, forget) one step's record. Called after every mutation. */
  save(key: string, record: StepRecord | undefined): Promise<void>;
  /**
   * A step for a key recorded in state but not in `steps` (switched off, or a removed route), so
   * that plan shows it deleted, execute deletes it and destroy includes it. Undefined: a record
   * of no known step, left as it is.
   */
  retired?(key: string, record: StepRecord): AnyStep<C> | undefined;
  onEvent?(e: EngineEvent): void;
  /**
   * Awaited alongside the first wave of reads and before anything else: what must hold before the
   * first write (the account check, whose STS call goes out with the reads). A rejection ends the run.
   */
  ready?: Promise<void>;
  /** At most this many steps at work at once (default 16: a whole stack's reads go out in one wave). */
  concurrency?: number;
}

/** What plan predicts for a step; execute reports the matching ApplyAction (replace -> updated). */
export type PlanAction = 'create' | 'adopt' | 'update' | 'replace' | 'delete' | 'no change';
/** 'deleted': a retired step (switched off, or no longer in the graph) whose recorded resource was removed. */
export type ApplyAction = 'created' | 'adopted' | 'updated' | 'unchanged' | 'deleted';
export type DestroyAction = 'deleted' | 'absent' | 'not owned';
export type ResultAction = ApplyAction | DestroyAction | PlanAction | 'failed' | 'skipped';

/** Why a step's read in a later pass was not the first wave's. */
export type SkipReason =
  /** Its container (the deletedWith chain) is created in this run: nothing can be inside it yet. */
  | 'container-created'
  /** The first read found nothing and no dependency record it looked at has changed since. */
  | 'found-nothing-before';

export type ReadBasis =
  /** The first wave's read holds: every dependency keeps its recorded id and is unchanged. */
  | { kind: 'wave' }
  /** Read again because these dependencies are created, updated or replaced in this run. */
  | { kind: 'reread'; changed: string[] }
  /** Not read again, for this reason: it is known to be absent. */
  | { kind: 'skipped'; reason: SkipReason };

export interface PlannedStep<R extends StepRecord = StepRecord> {
  key: string;
  title: string;
  /** The step's displayName for these inputs. */
  name?: string;
  action: PlanAction;
  /** 'graph': in this run's graph; 'retired': recorded in state only, to be deleted. */
  origin: 'graph' | 'retired';
  /** What the read found (undefined: nothing). */
  live?: Live<R>;
  changes: Change[];
  /** Extra tagged copies, to be deleted. */
  extras: R[];
  read: ReadBasis;
}

export interface Plan {
  /** The graph's steps in the order given, then retired steps, dependents first. */
  steps: PlannedStep[];
  /** Replacements planned (execute refuses them unless allowReplace). */
  replacements: { key: string; title: string; change: Change }[];
  /** The first wave's reads, for the executor. */
  readonly wave: ReadonlyMap<string, WaveRead>;
}

export interface WaveRead {
  live?: Live;
  error?: unknown;
  /** The dependency records the read looked at, as it saw them. */
  saw: Map<string, StepRecord | undefined>;
}

export type EngineEvent =
  | { type: 'start'; key: string; title: string; phase: 'apply' | 'destroy' | 'read' }
  | { type: 'note'; key: string; title: string; message: string }
  /** `extra`: the deletion was of an extra copy (this record), not of the step's resource. */
  | { type: 'done'; key: string; title: string; action: ResultAction; changes?: Change[]; extra?: StepRecord }
  | { type: 'failed'; key: string; title: string; error: unknown };

export interface StepResult<R extends StepRecord = StepRecord> {
  key: string;
  action: ResultAction;
  record?: R;
  changes?: Change[];
  /** Extra copies deleted (execute, destroy). */
  extras?: R[];
  error?: unknown;
}

export interface ApplyResult {
  results: StepResult[];
}

export type ReadState = 'ok' | 'missing' | 'drifted' | 'duplicate' | 'error';
export interface ReadResult {
  key: string;
  title: string;
  state: ReadState;
  record?: StepRecord;
  changes?: Change[];
  /** With state 'duplicate': the extra copies found. */
  extras?: StepRecord[];
  error?: unknown;
}

export interface DestroyResult {
  results: StepResult[];
  /** Keys whose resource (or every copy of it) was deleted in this run. */
  deleted: string[];
  /** Keys whose resource may still exist and is ours (failed or not reached): state must stay. */
  remaining: string[];
  /** Foreign resources with the stack's names, left alone (they are not the stack's to delete). */
  leftAlone: { key: string; title: string; error: NotOwned }[];
}

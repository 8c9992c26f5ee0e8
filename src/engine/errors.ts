// The engine's typed errors. They carry data, never words for a command line: which step, which
// change, which foreign resource. The command layer turns them into messages, hints and exit codes.
import type { Change, StepResult } from './types.js';

/** Base of every error the engine (or a step, through the engine's contract) raises on purpose. */
export class EngineError extends Error {
  constructor(
    /** Stable code, e.g. 'REPLACE_NEEDED', 'CONFLICT', 'STEP_FAILED'. */
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EngineError';
  }
}

/** What a step's resource is, for errors that name one. */
export interface ResourceRef {
  /** Kind of resource in words, e.g. "IAM role", "user pool". */
  kind: string;
  /** Its name (the one the stack derives), e.g. "hello-world-lambda-role". */
  name: string;
  /** Where it was found (region), when the step knows. */
  region?: string;
}

/**
 * A resource with the stack's name exists but does not carry the stack's ownership tag. Thrown by
 * a step's `read`. `plan` stops on it before any write; `destroy` leaves the resource alone.
 */
export class NotOwned extends EngineError {
  constructor(
    readonly resource: ResourceRef,
    /** The stack the resource would have to belong to. */
    readonly stackName: string,
    /** The tag key looked at, and the value found there (undefined: no such tag). */
    readonly tag: { key: string; value?: string },
  ) {
    const why = tag.value === undefined ? `it has no ${tag.key} tag` : `its ${tag.key} tag says "${tag.value}"`;
    super(
      'CONFLICT',
      `A ${resource.kind} named "${resource.name}" already exists${resource.region ? ` in ${resource.region}` : ''}, but it was not created by cognito-scope-setup for stack "${stackName}" (${why}). It was left untouched.`,
    );
    this.name = 'NotOwned';
  }
}

export interface Replacement {
  key: string;
  title: string;
  change: Change;
}

/** AWS cannot change these fields in place; the executor was not allowed to replace. Nothing was changed by it. */
export class ReplaceNeeded extends EngineError {
  constructor(readonly replacements: readonly Replacement[]) {
    const what = replacements.map((r) => `${r.title}: ${r.change.field} ${JSON.stringify(r.change.from)} -> ${JSON.stringify(r.change.to)}`);
    super('REPLACE_NEEDED', `${what.join('; ')}: AWS cannot change ${what.length > 1 ? 'these' : 'this'} in place, the resource must be replaced`);
    this.name = 'ReplaceNeeded';
  }
}

/** A step asked for the record of a dependency that has none (a bug in the graph, or a state edited by hand). */
export class MissingDependency extends EngineError {
  constructor(
    readonly key: string,
    readonly dependency: string,
  ) {
    super('MISSING_DEPENDENCY', `step ${key} needs the record of ${dependency}, and there is none`);
    this.name = 'MissingDependency';
  }
}

/**
 * A run stopped at a step. `cause` is what the step (or the engine) threw; `results` has one entry
 * per step of the run: what was done, 'failed' (with its error), 'not owned', or 'skipped'.
 */
export class StepFailed extends EngineError {
  constructor(
    readonly failedKey: string,
    override readonly cause: unknown,
    readonly results: StepResult[],
  ) {
    super('STEP_FAILED', `step ${failedKey} failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'StepFailed';
  }

  /** Every foreign resource this run found (a plan stops on all of them at once). */
  get conflicts(): { key: string; error: NotOwned }[] {
    return this.results.filter((r) => r.error instanceof NotOwned).map((r) => ({ key: r.key, error: r.error as NotOwned }));
  }
}

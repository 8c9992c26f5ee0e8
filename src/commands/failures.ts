// Engine failures as the user reads them: which step, what AWS said (explained), and how to go
// on. The engine's errors carry data only; the flag names and commands to run are chosen here.
import { ReplaceNeeded, type StepFailed } from '../engine/index.js';
import { CliError } from '../errors.js';
import type { GlobalOpts, Session } from './context.js';
import { commandLine } from './command-line.js';
import { explain } from './explain.js';
import { RunStopped } from './outcome.js';

export const isReplaceNeeded = (cause: unknown): boolean => cause instanceof ReplaceNeeded;

function explained(e: StepFailed, g: GlobalOpts, session: Session) {
  const cause = explain(e.cause, { endpoint: session.endpoint, profile: g.profile, region: session.state.region });
  const message = cause instanceof Error ? cause.message : String(cause);
  const hint = cause instanceof CliError && cause.hint ? cause.hint : (cause as { hint?: string })?.hint;
  return { cause, message, hint, code: cause instanceof CliError ? cause.code : undefined };
}

/** Every foreign resource a run stopped on, for the JSON document; and its message naming each one. */
function conflictsOf(e: StepFailed, message: string) {
  const conflicts = e.conflicts.map((c) => ({ step: c.key, kind: c.error.resource.kind, name: c.error.resource.name, ...(c.error.resource.region ? { region: c.error.resource.region } : {}) }));
  const all = conflicts.length > 1 ? e.conflicts.map((c) => c.error.message).join(' ') : message;
  return { conflicts, all };
}

/** A step failed while changing things (init, destroy): exit 1, with the line that resumes. */
export function stepFailed(e: StepFailed, g: GlobalOpts, session: Session, command: string): RunStopped {
  const { message: first, hint: oneHint, code } = explained(e, g, session);
  const { conflicts: found, all: message } = conflictsOf(e, first);
  const hint = found.length > 1 ? 'Choose another stack name with --stack, or delete or rename those resources yourself.' : oneHint;
  const stack = session.state.stack;
  const replace = isReplaceNeeded(e.cause);
  // Foreign resources are found by the reads, before any write: each one is named.
  const conflicts = e.conflicts;
  const where = { stack, region: g.region, state: g.state, profile: g.profile };
  const resume = replace
    ? `Nothing was changed. To replace, run the same command with --allow-replace (see it first with: ${commandLine('plan', where)} and the same flags).`
    : conflicts.length && command === 'init'
      ? 'Nothing was created or changed.'
      : `Run the same command again to resume: ${commandLine(command, where)}`;
  const headline = [`error: ${e.failedKey} failed: ${first}`, ...conflicts.slice(1).map((c) => `error: ${c.key} failed: ${c.error.message}`)].join('\n');
  return new RunStopped(
    code ?? (replace ? 'REPLACE_NEEDED' : 'STEP_FAILED'),
    message,
    // The replacement line already says what the hint would.
    { stack, step: e.failedKey, headline, resume, steps: e.results.map((r) => ({ key: r.key, action: r.action })), hintShown: !replace, ...(found.length ? { conflicts: found } : {}) },
    hint,
    1,
    { cause: e.cause },
  );
}

/** A read failed (plan): exit 1, nothing was changed. */
export function readFailed(e: StepFailed, g: GlobalOpts, session: Session): RunStopped {
  const { message: first, hint: oneHint, code } = explained(e, g, session);
  const { conflicts, all: message } = conflictsOf(e, first);
  const hint = conflicts.length > 1 ? 'Choose another stack name with --stack, or delete or rename those resources yourself.' : oneHint;
  const headline = [`error: could not read ${e.failedKey}: ${first}`, ...e.conflicts.slice(1).map((c) => `error: ${c.key}: ${c.error.message}`)].join('\n');
  return new RunStopped(code ?? 'READ_FAILED', message, { stack: session.state.stack, step: e.failedKey, headline, ...(conflicts.length ? { conflicts } : {}) }, hint, 1, { cause: e.cause });
}

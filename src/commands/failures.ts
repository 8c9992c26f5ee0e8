// Engine failures as the user reads them: which step, what AWS said (explained), and how to go
// on. The engine's errors carry data only; the flag names and commands to run are chosen here.
import { explainAwsError } from '../aws/errors.js';
import { ReplaceNeeded, type StepFailed } from '../engine/index.js';
import { CliError } from '../errors.js';
import type { GlobalOpts, Session } from './context.js';
import { explainEngineError } from './engine-errors.js';
import { RunStopped } from './outcome.js';

export const isReplaceNeeded = (cause: unknown): boolean => cause instanceof ReplaceNeeded;

function explained(e: StepFailed, g: GlobalOpts, session: Session) {
  const cause = explainAwsError(explainEngineError(e.cause), { endpoint: session.endpoint, profile: g.profile, region: session.state.region });
  const message = cause instanceof Error ? cause.message : String(cause);
  const hint = cause instanceof CliError && cause.hint ? cause.hint : (cause as { hint?: string })?.hint;
  return { cause, message, hint, code: cause instanceof CliError ? cause.code : undefined };
}

/** A step failed while changing things (init, destroy): exit 1, with the line that resumes. */
export function stepFailed(e: StepFailed, g: GlobalOpts, session: Session, command: string): RunStopped {
  const { message, hint, code } = explained(e, g, session);
  const stack = session.state.stack;
  const replace = isReplaceNeeded(e.cause);
  // Foreign resources are found by the reads, before any write: each one is named.
  const conflicts = e.conflicts;
  const resume = replace
    ? `Nothing was changed. To replace, run the same command with --allow-replace (see it first with: npx cognito-scope-setup plan --stack ${stack} and the same flags).`
    : conflicts.length && command === 'init'
      ? 'Nothing was created or changed.'
      : `Run the same command again to resume: npx cognito-scope-setup ${command} --stack ${stack}`;
  const headline = [`error: ${e.failedKey} failed: ${message}`, ...conflicts.slice(1).map((c) => `error: ${c.key} failed: ${c.error.message}`)].join('\n');
  return new RunStopped(
    code ?? (replace ? 'REPLACE_NEEDED' : 'STEP_FAILED'),
    message,
    // The replacement line already says what the hint would.
    { stack, step: e.failedKey, headline, resume, steps: e.results.map((r) => ({ key: r.key, action: r.action })), hintShown: !replace },
    hint,
    1,
    { cause: e.cause },
  );
}

/** A read failed (plan): exit 1, nothing was changed. */
export function readFailed(e: StepFailed, g: GlobalOpts, session: Session): RunStopped {
  const { message, hint, code } = explained(e, g, session);
  return new RunStopped(code ?? 'READ_FAILED', message, { stack: session.state.stack, step: e.failedKey, headline: `error: could not read ${e.failedKey}: ${message}` }, hint, 1, { cause: e.cause });
}

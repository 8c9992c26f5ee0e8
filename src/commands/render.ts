// Human summaries and the failure report shared by the commands.
import { explainAwsError } from '../aws/errors.js';
import type { EngineFailure } from '../engine/engine.js';
import { CliError } from '../errors.js';
import type { State } from '../state/schema.js';
import { printJson, type Io } from '../ui/output.js';
import type { GlobalOpts, Outputs, Session } from './context.js';

/** A step failed: say which, what AWS said, and how to resume. Exit 1. */
export function failureResult(io: Io, g: GlobalOpts, session: Session, e: EngineFailure, command: string): number {
  const ctx = { endpoint: session.endpoint, profile: g.profile, region: session.state.region };
  const cause = explainAwsError(e.cause, ctx);
  const message = cause instanceof Error ? cause.message : String(cause);
  const hint = cause instanceof CliError && cause.hint ? cause.hint : (cause as { hint?: string })?.hint;
  const replaceNeeded = (e.cause as { code?: string })?.code === 'REPLACE_NEEDED';
  const resume = replaceNeeded
    ? `Nothing was changed. To replace, run the same command with --allow-replace (see it first with: npx cognito-scope-setup plan --stack ${session.state.stack} and the same flags).`
    : `Run the same command again to resume: npx cognito-scope-setup ${command} --stack ${session.state.stack}`;
  const step = e.results.find((r) => r.key === e.failedKey);
  io.stderr.write(`error: ${e.failedKey} failed: ${message}\n`);
  // The replacement line below already says what the hint would.
  if (hint && !replaceNeeded) io.stderr.write(`hint: ${hint}\n`);
  io.stderr.write(`${resume}\n`);
  if (g.verbose && cause instanceof Error && cause.stack) io.stderr.write(`${(e.cause as Error)?.stack ?? cause.stack}\n`);
  if (g.json) {
    printJson(io, {
      stack: session.state.stack,
      error: { code: cause instanceof CliError ? cause.code : replaceNeeded ? 'REPLACE_NEEDED' : 'STEP_FAILED', step: step?.key, message, hint, resume },
      steps: e.results.map((r) => ({ key: r.key, action: r.action })),
    });
  }
  return 1;
}

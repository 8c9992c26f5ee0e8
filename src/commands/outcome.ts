// THE ONE ERROR RENDERER. Every failure of every command ends here (cli.ts main), commander's
// parse errors included: one or more "error:" lines and a "hint:" on stderr, and under --json
// exactly one JSON document on stdout:
//   {"error": {"code", "message", "hint", ["step", "resume", "conflicts"]}, ["stack", "steps": [{"key","action"}]]}
// The exit code comes from the error (exit-codes.ts); nothing else exits.
import { CliError, UsageError } from '../errors.js';
import { explain } from './explain.js';
import { EXIT } from './exit-codes.js';

export interface StepReport {
  key: string;
  action: string;
}

/**
 * A run that stopped part-way (a step failed, a read failed, a signal): which step, how to go on,
 * and what each step did. `headline` replaces "error: <message>" on stderr.
 */
export class RunStopped extends CliError {
  constructor(
    code: string,
    message: string,
    readonly report: {
      stack: string;
      step?: string;
      /** Replaces "error: <message>" on stderr. */
      headline?: string;
      /** How to go on (in the JSON document; on stderr too unless `after` says otherwise). */
      resume?: string;
      /** stderr lines after the error and hint (default: the resume line). */
      after?: string[];
      steps?: StepReport[];
      /** false: the hint goes only into the JSON document (the lines after say it already). */
      hintShown?: boolean;
      /** Every foreign resource with the stack's names that stopped the run (all of them, not the first). */
      conflicts?: { step: string; kind: string; name: string; region?: string }[];
    },
    hint?: string,
    exitCode: number = EXIT.FAILED,
    options?: { cause?: unknown },
  ) {
    super(code, message, hint, exitCode, options);
    this.name = 'RunStopped';
  }
}

const DEFAULT_HINT = 'run again with --verbose for details';
const USAGE_HINT = 'run with --help for usage';

export interface ErrorSink {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Commander's own parse errors (unknown option, unknown command, bad choice): it already wrote the line. */
export function renderParseError(io: ErrorSink, message: string, json: boolean): number {
  if (json) writeDoc(io, { error: { code: 'USAGE', message: message.replace(/^error: /, ''), hint: USAGE_HINT } });
  return EXIT.USAGE;
}

export function renderError(io: ErrorSink, e: unknown, o: { json?: boolean; verbose?: boolean }): number {
  const say = (s: string) => io.stderr.write(s + '\n');
  let verbose = o.verbose === true;
  // The typed errors of the engine, the steps and the state, in the command line's words.
  e = explain(e);
  // Ctrl-C at a prompt (inquirer's ExitPromptError): prompts come before any change.
  if ((e as Error)?.name === 'ExitPromptError' || (e as Error)?.name === 'AbortPromptError') {
    e = new CliError('CANCELLED', 'Cancelled (Ctrl-C) at a prompt: nothing was created, changed or deleted.', undefined, EXIT.SIGINT);
    verbose = false;
  }
  const err = e instanceof CliError ? e : undefined;
  const message = err?.message ?? (e as Error)?.message ?? String(e);
  const hint = err ? (err.hint ?? (err instanceof UsageError ? USAGE_HINT : undefined)) : DEFAULT_HINT;
  if (e instanceof UsageError) {
    for (const p of e.problems) say(`error: ${p}`);
    if (e.hint) say(`hint: ${e.hint}`);
  } else if (e instanceof RunStopped) {
    say(e.report.headline ?? `error: ${message}`);
    if (e.hint && e.report.hintShown !== false) say(`hint: ${e.hint}`);
    for (const line of e.report.after ?? (e.report.resume ? [e.report.resume] : [])) say(line);
  } else {
    say(`error: ${message}`);
    if (err?.hint) say(`hint: ${err.hint}`);
    else if (!err && !verbose) say(`hint: ${DEFAULT_HINT}`);
  }
  if (verbose) {
    const cause = (e as { cause?: unknown })?.cause;
    const stack = (cause instanceof Error ? cause.stack : undefined) ?? (e instanceof Error ? e.stack : undefined);
    if (stack) say(stack);
  }
  if (o.json) {
    const r = e instanceof RunStopped ? e.report : undefined;
    writeDoc(io, {
      ...(r ? { stack: r.stack } : {}),
      error: {
        code: err?.code ?? 'ERROR',
        message,
        hint: hint ?? null,
        ...(r?.step ? { step: r.step } : {}),
        ...(r?.resume ? { resume: r.resume } : {}),
        ...(r?.conflicts?.length ? { conflicts: r.conflicts } : {}),
      },
      ...(r?.steps ? { steps: r.steps } : {}),
    });
  }
  return err?.exitCode ?? EXIT.FAILED;
}

function writeDoc(io: ErrorSink, doc: unknown): void {
  io.stdout.write(JSON.stringify(doc, null, 2) + '\n');
}

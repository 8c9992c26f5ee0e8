// Ctrl-C, SIGTERM (a CI cancel) and SIGHUP (a closed terminal) while AWS resources are being
// changed. The first signal lets the calls in flight finish (each is recorded in the state file
// as soon as it returns) and starts no new one; the run then saves the state, releases the lock,
// says how to resume and exits 130 / 143 / 129. A second signal stops at once: the state file is
// still whole (atomic writes), and a resource created in that last moment is found again by its
// name and ownership tag on the next run.
import type { AnyStep, EngineEvent } from '../engine/types.js';
import { CliError } from '../errors.js';
import { commandLine } from './command-line.js';
import { exitCodeOfSignal, STOP_SIGNALS, type StopSignal } from './exit-codes.js';
import { renderError, RunStopped, type ErrorSink } from './outcome.js';

const nameOf = (s: StopSignal) => (s === 'SIGINT' ? 'Ctrl-C' : s);

export class Interrupted extends CliError {
  constructor(readonly signal: StopSignal = 'SIGINT') {
    super('INTERRUPTED', `Interrupted (${nameOf(signal)}): no new AWS call was started.`, undefined, exitCodeOfSignal(signal));
    this.name = 'Interrupted';
  }
}

/** A step that a signal kept from starting is reported as skipped, not as failed. */
export function skippedNotFailed(e: EngineEvent): EngineEvent {
  return e.type === 'failed' && e.error instanceof Interrupted ? { type: 'done', key: e.key, title: e.title, action: 'skipped' } : e;
}

export interface InterruptGuard {
  readonly requested: boolean;
  /** The signal that stopped the run, once one came. */
  readonly signal: StopSignal | undefined;
  /** The same steps, refusing to start a read, create, update or delete once a signal came. */
  wrap<C>(steps: readonly AnyStep<C>[]): AnyStep<C>[];
  dispose(): void;
}

type Proc = NodeJS.EventEmitter & { kill(pid: number, sig: string): void; pid: number };

export function guardInterrupts(say: (line: string) => void, proc: Proc = process): InterruptGuard {
  let signal: StopSignal | undefined;
  const handlers = new Map<StopSignal, () => void>();
  const dispose = () => {
    for (const [s, h] of handlers) proc.removeListener(s, h);
    handlers.clear();
  };
  for (const s of STOP_SIGNALS) {
    const h = () => {
      if (!signal) {
        signal = s;
        say(`${nameOf(s)}: finishing the AWS calls already in flight, then stopping (press Ctrl-C again to stop at once).`);
        return;
      }
      say('Stopping now. The state file holds every call that completed; run the same command again to resume.');
      dispose();
      proc.kill(proc.pid, s);
    };
    handlers.set(s, h);
    proc.on(s, h);
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- wraps a step operation of any signature
  type Operation = (...a: any[]) => Promise<unknown>;
  const gate = <F extends Operation>(step: object, fn: F): F =>
    ((...args: Parameters<F>) => {
      if (signal) return Promise.reject(new Interrupted(signal));
      return fn.apply(step, args);
    }) as F;
  return {
    get requested() {
      return signal !== undefined;
    },
    get signal() {
      return signal;
    },
    wrap: (steps) =>
      steps.map((s) => ({
        ...s,
        read: gate(s, s.read),
        create: gate(s, s.create),
        delete: gate(s, s.delete),
        ...(s.update ? { update: gate(s, s.update) } : {}),
      })),
    dispose,
  };
}

export interface InterruptInfo {
  stack: string;
  stateFile: string;
  results: { key: string; action: string }[];
  signal?: StopSignal;
  /** The command to run again (default init). */
  command?: string;
  /** --state and --profile as given, for the commands shown. */
  state?: string;
  profile?: string;
}

/** After the engine stopped for a signal: what was done, where it is recorded, how to resume. */
export function interruptedError(info: InterruptInfo): RunStopped {
  const signal = info.signal ?? 'SIGINT';
  const isDone = (r: { action: string }) => !['skipped', 'failed'].includes(r.action);
  const done = info.results.filter(isDone).map((r) => r.key);
  const notDone = info.results.filter((r) => !isDone(r)).map((r) => r.key);
  const where = { stack: info.stack, state: info.state, profile: info.profile };
  const resume = commandLine(info.command ?? 'init', where);
  const message = `Interrupted (${nameOf(signal)}): ${done.length} of ${info.results.length} steps done, ${notDone.length} not done. Everything created so far is recorded in ${info.stateFile}.`;
  // The counts, step by step: the progress lines show only the steps that started.
  const list = [...(done.length ? [`  done (${done.length}): ${done.join(', ')}`] : []), ...(notDone.length ? [`  not done (${notDone.length}): ${notDone.join(', ')}`] : [])];
  return new RunStopped(
    'INTERRUPTED',
    message,
    {
      stack: info.stack,
      headline: message,
      resume,
      after: [...list, `Resume with: ${resume}   (or remove what was created: ${commandLine('destroy', where)})`],
      steps: info.results.map((r) => ({ key: r.key, action: r.action })),
      hintShown: false,
    },
    `Run ${resume} to resume.`,
    exitCodeOfSignal(signal),
  );
}

/** Render the interrupted run (stderr, and with --json its one document); returns the exit code. */
export function interruptedResult(io: ErrorSink, json: boolean | undefined, info: InterruptInfo): number {
  return renderError(io, interruptedError(info), { json });
}

// Ctrl-C while AWS resources are being created. The first SIGINT lets the calls in flight finish
// (each is recorded in the state file as soon as it returns) and starts no new one; the run then
// says how to resume and exits 130. A second SIGINT stops at once: the state file is still
// whole (atomic writes), and a resource created in that last moment is found again by its name
// and ownership tag on the next run.
import type { EngineEvent, Step } from '../engine/types.js';
import { CliError } from '../errors.js';

export class Interrupted extends CliError {
  constructor() {
    super('INTERRUPTED', 'Interrupted (Ctrl-C): no new AWS call was started.', undefined, 130);
    this.name = 'Interrupted';
  }
}

/** A step that Ctrl-C kept from starting is reported as skipped, not as failed. */
export function skippedNotFailed(e: EngineEvent): EngineEvent {
  return e.type === 'failed' && e.error instanceof Interrupted ? { type: 'done', key: e.key, title: e.title, action: 'skipped' } : e;
}

export interface InterruptGuard {
  readonly requested: boolean;
  /** The same steps, refusing to start a read, create or update once Ctrl-C was pressed. */
  wrap<C>(steps: readonly Step<C, any>[]): Step<C, any>[];
  dispose(): void;
}

export function guardInterrupts(say: (line: string) => void, proc: NodeJS.EventEmitter & { kill(pid: number, sig: string): void; pid: number } = process): InterruptGuard {
  let requested = false;
  const onSigint = () => {
    if (!requested) {
      requested = true;
      say('Ctrl-C: finishing the AWS calls already in flight, then stopping (press Ctrl-C again to stop at once).');
      return;
    }
    say('Stopping now. The state file holds every call that completed; run init again to resume.');
    proc.removeListener('SIGINT', onSigint);
    proc.kill(proc.pid, 'SIGINT');
  };
  proc.on('SIGINT', onSigint);
  const gate = <F extends (...a: any[]) => Promise<any>>(step: object, fn: F): F =>
    ((...args: any[]) => {
      if (requested) return Promise.reject(new Interrupted());
      return fn.apply(step, args);
    }) as F;
  return {
    get requested() {
      return requested;
    },
    wrap: (steps) =>
      steps.map((s) => ({
        ...s,
        read: gate(s, s.read),
        create: gate(s, s.create),
        ...(s.update ? { update: gate(s, s.update) } : {}),
      })),
    dispose: () => {
      proc.removeListener('SIGINT', onSigint);
    },
  };
}

/** After the engine stopped for Ctrl-C: what was done, where it is recorded, how to resume. Exit 130. */
export function interruptedResult(
  io: { stderr: NodeJS.WritableStream; stdout: NodeJS.WritableStream },
  json: boolean | undefined,
  info: { stack: string; stateFile: string; results: { key: string; action: string }[] },
): number {
  const done = info.results.filter((r) => !['skipped', 'failed'].includes(r.action)).length;
  const notDone = info.results.length - done;
  const resume = `npx cognito-scope-setup init${info.stack === 'hello-world' ? '' : ` --stack ${info.stack}`}`;
  const message = `Interrupted (Ctrl-C): ${done} of ${info.results.length} steps done, ${notDone} not done. Everything created so far is recorded in ${info.stateFile}.`;
  io.stderr.write(`${message}\nResume with: ${resume}   (or remove what was created: npx cognito-scope-setup destroy${info.stack === 'hello-world' ? '' : ` --stack ${info.stack}`})\n`);
  if (json) {
    io.stdout.write(JSON.stringify({ stack: info.stack, error: { code: 'INTERRUPTED', message, resume }, steps: info.results.map((r) => ({ key: r.key, action: r.action })) }, null, 2) + '\n');
  }
  return 130;
}

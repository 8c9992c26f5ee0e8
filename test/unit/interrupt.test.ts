// Ctrl-C during provisioning: the calls in flight finish and are recorded, no new call starts,
// the run says how to resume (exit 130); a second Ctrl-C stops at once.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { guardInterrupts, Interrupted, interruptedResult, skippedNotFailed } from '../../src/commands/interrupt.js';
import { apply, StepFailed } from '../../src/engine/index.js';
import type { Step, StepRecord } from '../../src/engine/types.js';

function fakeProcess() {
  const proc = Object.assign(new EventEmitter(), { pid: 4242, kills: [] as [number, string][], kill(pid: number, sig: string) {
    proc.kills.push([pid, sig]);
  } });
  return proc;
}

describe('the interrupt guard', () => {
  it('first Ctrl-C: no new step starts; the second re-raises SIGINT to stop at once', async () => {
    const proc = fakeProcess();
    const said: string[] = [];
    const guard = guardInterrupts((l) => said.push(l), proc);
    const calls: string[] = [];
    const s: Step<unknown> = {
      key: 'a',
      title: 'A',
      dependsOn: [],
      read: async () => (calls.push('read'), undefined),
      create: async () => (calls.push('create'), { id: '1' }),
      delete: async () => undefined,
    };
    const [w] = guard.wrap([s]);
    const ctx = {} as never;
    await w!.read(ctx, undefined);
    expect(guard.requested).toBe(false);
    proc.emit('SIGINT');
    expect(guard.requested).toBe(true);
    expect(said.join()).toMatch(/finishing the AWS calls already in flight/);
    await expect(w!.create(ctx)).rejects.toBeInstanceOf(Interrupted);
    expect(calls).toEqual(['read']);
    expect(proc.kills).toEqual([]);
    proc.emit('SIGINT');
    expect(proc.kills).toEqual([[4242, 'SIGINT']]);
    expect(proc.listenerCount('SIGINT')).toBe(0);
    guard.dispose();
  });

  it('dispose removes the handler', () => {
    const proc = fakeProcess();
    const guard = guardInterrupts(() => undefined, proc);
    expect(proc.listenerCount('SIGINT')).toBe(1);
    guard.dispose();
    expect(proc.listenerCount('SIGINT')).toBe(0);
  });

  it('with the engine: the step in flight completes and is saved, its dependents never start', async () => {
    const proc = fakeProcess();
    const guard = guardInterrupts(() => undefined, proc);
    const created: string[] = [];
    const mk = (key: string, dependsOn: string[], onCreate?: () => void): Step<unknown> => ({
      key,
      title: key,
      dependsOn,
      read: async () => undefined,
      create: async () => {
        onCreate?.();
        await new Promise((r) => setTimeout(r, 10));
        created.push(key);
        return { id: `${key}-id` };
      },
      delete: async () => undefined,
    });
    // Ctrl-C arrives while "b" is being created: b finishes, c (which needs b) never starts.
    const steps = [mk('a', []), mk('b', ['a'], () => proc.emit('SIGINT')), mk('c', ['b'])];
    const saved: Record<string, StepRecord | undefined> = {};
    const err = await apply({ steps: guard.wrap(steps), app: {}, recorded: {}, save: async (k, r) => void (saved[k] = r) }).catch((e) => e);
    expect(err).toBeInstanceOf(StepFailed);
    expect((err as StepFailed).cause).toBeInstanceOf(Interrupted);
    expect(created).toEqual(['a', 'b']);
    expect(Object.keys(saved).sort()).toEqual(['a', 'b']);
    expect((err as StepFailed).results.map((r) => [r.key, r.action])).toEqual([
      ['a', 'created'],
      ['b', 'created'],
      ['c', 'failed'],
    ]);
    guard.dispose();
  });

  it('a step Ctrl-C kept from starting shows as skipped, not failed', () => {
    expect(skippedNotFailed({ type: 'failed', key: 'c', title: 'C', error: new Interrupted() })).toEqual({ type: 'done', key: 'c', title: 'C', action: 'skipped' });
    const real = { type: 'failed', key: 'c', title: 'C', error: new Error('boom') } as const;
    expect(skippedNotFailed(real)).toBe(real);
  });

  it('the report says what was done, where it is recorded and how to resume; exit 130', () => {
    let err = '';
    let out = '';
    const stderr = new PassThrough().on('data', (d) => (err += d));
    const stdout = new PassThrough().on('data', (d) => (out += d));
    const results = [{ key: 'a', action: 'created' }, { key: 'b', action: 'unchanged' }, { key: 'c', action: 'failed' }, { key: 'd', action: 'skipped' }];
    expect(interruptedResult({ stderr, stdout }, true, { stack: 'demo', stateFile: '/x/demo.json', results })).toBe(130);
    expect(err).toContain('2 of 4 steps done, 2 not done');
    // The counts match the lines printed: every step, done or not, is named once.
    expect(err).toContain('  done (2): a, b\n');
    expect(err).toContain('  not done (2): c, d\n');
    expect(err).toContain('/x/demo.json');
    expect(err).toContain('Resume with: npx cognito-scope-setup init --stack demo');
    const doc = JSON.parse(out);
    expect(doc.error).toMatchObject({ code: 'INTERRUPTED', resume: 'npx cognito-scope-setup init --stack demo' });
    expect(doc.steps).toHaveLength(4);
  });
});

// What keeps a run short, pinned down with fake steps: which reads the engine skips (and which it
// must not), reads in one wave, destroy's reads before its deletions, the function's quick wait.
// The figures themselves come from `npm run bench`, never from timed assertions.
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apply, destroy, readAll } from '../../src/engine/index.js';
import type { Step, StepRecord } from '../../src/engine/types.js';
import { FIRST_LOOK_MS, waitUntilReady } from '../../src/steps/function.js';
import { depByKey } from './engine/dep-by-key.js';

/** A fake cloud that logs calls and counts how many run at once. */
class Cloud {
  live = new Map<string, StepRecord>();
  calls: string[] = [];
  running = 0;
  maxRunning = 0;
  seq = 0;
  async op(name: string) {
    this.calls.push(name);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    await new Promise((r) => setTimeout(r, 5));
    this.running--;
  }
  count(prefix: string) {
    return this.calls.filter((c) => c === prefix).length;
  }
}

type Lookup = 'name' | 'parent';

/**
 * A step found by its name (like the Lambda function: its read needs no dependency) or inside a
 * parent (like a domain or a client: without the parent's id there is nothing to look up).
 */
function step(c: Cloud, key: string, dependsOn: string[], lookup: Lookup, extra: Partial<Step<Cloud>> = {}): Step<Cloud> {
  return {
    key,
    title: key,
    dependsOn,
    async read(ctx) {
      if (lookup === 'parent') {
        const parent = ctx.get(depByKey(dependsOn[0]!));
        if (!parent) return undefined;
        await c.op(`read:${key}`);
        const r = c.live.get(key);
        return r && r.parent === parent.id ? { record: r, changes: [] } : undefined;
      }
      await c.op(`read:${key}`);
      const r = c.live.get(key);
      return r ? { record: r, changes: [] } : undefined;
    },
    async create(ctx) {
      await c.op(`create:${key}`);
      const r: StepRecord = { id: `${key}-${++c.seq}`, ...(lookup === 'parent' ? { parent: ctx.get(depByKey(dependsOn[0]!))?.id } : {}) };
      c.live.set(key, r);
      return r;
    },
    async delete(_ctx, rec) {
      await c.op(`delete:${key}`);
      if (c.live.get(key)?.id === rec.id) c.live.delete(key);
    },
    ...extra,
  };
}

function options(c: Cloud, steps: Step<Cloud>[], recorded: Record<string, StepRecord> = {}) {
  const saved: Record<string, StepRecord> = { ...recorded };
  return {
    saved,
    o: {
      steps,
      app: c,
      recorded,
      save: async (k: string, r: StepRecord | undefined) => {
        if (r === undefined) delete saved[k];
        else saved[k] = r;
      },
    },
  };
}

describe('apply: reads it can skip on a new stack', () => {
  it('does not read again a step whose first read found nothing and looked at no dependency', async () => {
    const c = new Cloud();
    const { o } = options(c, [step(c, 'role', [], 'name'), step(c, 'fn', ['role'], 'name')]);
    const { results } = await apply(o);
    expect(results.map((r) => r.action)).toEqual(['created', 'created']);
    expect(c.count('read:fn')).toBe(1);
  });

  it('reads again a step whose first read looked at a dependency that this run created', async () => {
    const c = new Cloud();
    // The domain is looked up through its pool, but is not deleted with it: a new pool's id
    // changes what the read would find, so it must be read again.
    const { o } = options(c, [step(c, 'pool', [], 'name'), step(c, 'domain', ['pool'], 'parent')]);
    await apply(o);
    expect(c.calls.filter((x) => x.startsWith('read:domain'))).toEqual(['read:domain']);
    expect(c.calls.indexOf('read:domain')).toBeGreaterThan(c.calls.indexOf('create:pool'));
  });

  it('does not read a step that lives in a container (deletedWith) created in this run', async () => {
    const c = new Cloud();
    const { o } = options(c, [step(c, 'api', [], 'name'), step(c, 'method', ['api'], 'parent', { deletedWith: 'api' })]);
    const { results } = await apply(o);
    expect(results.map((r) => r.action)).toEqual(['created', 'created']);
    expect(c.count('read:method')).toBe(0);
  });

  it('still reads the children of a container that was adopted, and adopts them', async () => {
    const c = new Cloud();
    // A lost state file: the API and its method exist, found again by name.
    c.live.set('api', { id: 'api-7' });
    c.live.set('method', { id: 'method-8', parent: 'api-7' });
    const { o } = options(c, [step(c, 'api', [], 'name'), step(c, 'method', ['api'], 'parent', { deletedWith: 'api' })]);
    const { results } = await apply(o);
    expect(results.map((r) => r.action)).toEqual(['adopted', 'adopted']);
    expect(c.count('create:method')).toBe(0);
  });

  it('still reads a child again when its container was replaced by a new one', async () => {
    const c = new Cloud();
    // Recorded ids point to an API that is gone: a new API is created and the recorded method
    // (inside the old API) is not looked for under the new one's id; nothing is adopted wrongly.
    const recorded = { api: { id: 'api-old' }, method: { id: 'method-old', parent: 'api-old' } };
    const { o } = options(c, [step(c, 'api', [], 'name'), step(c, 'method', ['api'], 'parent', { deletedWith: 'api' })], recorded);
    const { results } = await apply(o);
    expect(results.map((r) => r.action)).toEqual(['created', 'created']);
    expect((c.live.get('method') as StepRecord).parent).toBe(c.live.get('api')!.id);
  });
});

describe('deferred work (StepContext.defer)', () => {
  it('does not hold the dependents back; the step is done, and the run ends, only once it is', async () => {
    const c = new Cloud();
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const role = step(c, 'role', [], 'name', {
      async create(ctx) {
        await c.op('create:role');
        ctx.defer!(async () => {
          await slow;
          c.calls.push('attach:role');
        });
        return { id: 'role-1' };
      },
    });
    const events: string[] = [];
    const { o } = options(c, [role, step(c, 'fn', ['role'], 'name')]);
    const run = apply({ ...o, onEvent: (e) => e.type === 'done' && events.push(e.key) });
    await vi.waitFor(() => expect(c.calls).toContain('create:fn'));
    let ended = false;
    void run.then(() => (ended = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(ended).toBe(false);
    release();
    const { results } = await run;
    expect(results.map((r) => [r.key, r.action])).toEqual([['role', 'created'], ['fn', 'created']]);
    expect(c.calls.indexOf('create:fn')).toBeLessThan(c.calls.indexOf('attach:role'));
    expect(events).toEqual(['fn', 'role']);
  });

  it('a failure of deferred work fails the run, under its step', async () => {
    const c = new Cloud();
    const role = step(c, 'role', [], 'name', {
      async create(ctx) {
        ctx.defer!(async () => {
          throw new Error('attach refused');
        });
        return { id: 'role-1' };
      },
    });
    const { o } = options(c, [role, step(c, 'fn', ['role'], 'name')]);
    const err = await apply(o).catch((e) => e);
    expect(err).toMatchObject({ name: 'StepFailed', failedKey: 'role', cause: { message: 'attach refused' } });
    expect(err.results.map((r: { key: string; action: string }) => [r.key, r.action])).toEqual([['role', 'failed'], ['fn', 'created']]);
  });
});

describe('reads in one wave', () => {
  const wide = (c: Cloud) => Array.from({ length: 14 }, (_, i) => step(c, `s${i}`, [], 'name'));

  it('status reads a 14-step stack all at once', async () => {
    const c = new Cloud();
    for (let i = 0; i < 14; i++) c.live.set(`s${i}`, { id: `s${i}` });
    const { o } = options(c, wide(c), Object.fromEntries([...c.live].map(([k, v]) => [k, v])));
    const results = await readAll(o);
    expect(results.every((r) => r.state === 'ok')).toBe(true);
    expect(c.maxRunning).toBe(14);
  });

  it('a no-op init reads everything in one wave and reads nothing twice', async () => {
    const c = new Cloud();
    for (let i = 0; i < 14; i++) c.live.set(`s${i}`, { id: `s${i}` });
    const { o } = options(c, wide(c), Object.fromEntries([...c.live].map(([k, v]) => [k, v])));
    const { results } = await apply(o);
    expect(results.every((r) => r.action === 'unchanged')).toBe(true);
    expect(c.maxRunning).toBe(14);
    expect(c.calls).toHaveLength(14);
  });
});

describe('destroy', () => {
  it('sends every read before the first delete, and still deletes dependents first', async () => {
    const c = new Cloud();
    const steps = [step(c, 'role', [], 'name'), step(c, 'fn', ['role'], 'name'), step(c, 'pool', [], 'name'), step(c, 'domain', ['pool'], 'parent')];
    const { o } = options(c, steps);
    await apply(o);
    c.calls = [];
    const { o: o2 } = options(c, steps, Object.fromEntries([...c.live]));
    const { results } = await destroy(o2);
    expect(results.map((r) => r.action)).toEqual(['deleted', 'deleted', 'deleted', 'deleted']);
    const firstDelete = c.calls.findIndex((x) => x.startsWith('delete:'));
    expect(c.calls.slice(0, firstDelete).sort()).toEqual(['read:domain', 'read:fn', 'read:pool', 'read:role']);
    expect(c.calls.indexOf('delete:role')).toBeGreaterThan(c.calls.indexOf('delete:fn'));
    expect(c.calls.indexOf('delete:pool')).toBeGreaterThan(c.calls.indexOf('delete:domain'));
  });
});

describe('destroy: a step deleted alongside its dependents', () => {
  it('does not wait for them (a role that a function names)', async () => {
    const c = new Cloud();
    const steps = [step(c, 'role', [], 'name', { deleteAlongsideDependents: true }), step(c, 'fn', ['role'], 'name'), step(c, 'pool', [], 'name'), step(c, 'domain', ['pool'], 'parent')];
    const { o } = options(c, steps);
    await apply(o);
    c.calls = [];
    c.maxRunning = 0;
    const { o: o2 } = options(c, steps, Object.fromEntries([...c.live]));
    const { results } = await destroy(o2);
    expect(results.map((r) => r.action)).toEqual(['deleted', 'deleted', 'deleted', 'deleted']);
    const deletes = c.calls.filter((x) => x.startsWith('delete:'));
    // role and fn go in the same wave; the pool still follows its domain.
    expect(deletes.slice(0, 3).sort()).toEqual(['delete:domain', 'delete:fn', 'delete:role']);
    expect(deletes[3]).toBe('delete:pool');
  });
});

describe('waiting for a new Lambda function', () => {
  const lambdaMock = mockClient(LambdaClient);
  afterEach(() => {
    lambdaMock.reset();
    vi.useRealTimers();
  });

  it('looks at 200 ms, then each look 1.1 times as late, and returns as soon as the function is Active', async () => {
    vi.useFakeTimers();
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce({ Configuration: { State: 'Pending' } })
      .resolvesOnce({ Configuration: { State: 'Pending' } })
      .resolves({ Configuration: { State: 'Active' } });
    const start = Date.now();
    const done = waitUntilReady(new LambdaClient({ region: 'us-east-1' }), 'fn', 'active', { since: start });
    await vi.runAllTimersAsync();
    await done;
    expect(lambdaMock.commandCalls(GetFunctionCommand)).toHaveLength(3);
    expect(Date.now() - start).toBe(242); // 200, 220, 242
  });

  // The schedule against a fake clock and a function that turns Active at a chosen moment W after
  // the create: the wait ends by 1.1 W (FIRST_LOOK_MS / 1.1 <= W <= 5 min; earlier, at the first
  // look), each look's round trip included, and the looks stay inside a fifth of GetFunction's 100
  // requests per second.
  it.each([
    [0, 170],
    [0, 480],
    [0, 500],
    [0, 2_000],
    [0, 61_000],
    [50, 500],
    [50, 4_321],
    [120, 1_000],
    [120, 250_000],
    [0, 510],
    [50, 510],
  ])('round trip %i ms, Active after %i ms: seen by 1.1 W, looks within the quota', async (rttMs, activeAfter) => {
    vi.useFakeTimers();
    const start = Date.now();
    const sent: number[] = [];
    lambdaMock.on(GetFunctionCommand).callsFake(async () => {
      sent.push(Date.now() - start);
      // The whole round trip before AWS looks (the bench's proxy does this): the strictest case.
      await new Promise((r) => setTimeout(r, rttMs));
      return { Configuration: { State: Date.now() - start >= activeAfter ? 'Active' : 'Pending' } };
    });
    // When the wait ended (not when the last timer ran: a look still in flight then ends later).
    let took = Infinity;
    const done = waitUntilReady(new LambdaClient({ region: 'us-east-1' }), 'fn', 'active', { since: start }).then(() => (took = Date.now() - start));
    await vi.runAllTimersAsync();
    await done;
    expect(took).toBeGreaterThanOrEqual(activeAfter);
    // Before the first look's answer (its round trip unknown yet, so not sent ahead), nothing can be seen.
    expect(took).toBeLessThanOrEqual(Math.max(1.1 * activeAfter, FIRST_LOOK_MS + Math.max(rttMs, 1)));
    for (let i = 0; i < sent.length; i++) expect(sent.filter((t) => t >= sent[i]! && t < sent[i]! + 1000).length, `looks in the second after ${sent[i]} ms`).toBeLessThanOrEqual(20);
  });

  it('cancels the looks still in flight once the function is Active (no round trip left to wait for, nothing resent)', async () => {
    vi.useFakeTimers();
    const start = Date.now();
    const rttMs = 120;
    const signals: { at: number; signal: AbortSignal; answered: boolean }[] = [];
    lambdaMock.on(GetFunctionCommand).callsFake(async () => {
      await new Promise((r) => setTimeout(r, rttMs));
      return { Configuration: { State: Date.now() - start >= 500 ? 'Active' : 'Pending' } };
    });
    const client = new LambdaClient({ region: 'us-east-1' });
    const send = client.send.bind(client);
    // The options each look was sent with (aws-sdk-client-mock does not pass them to callsFake).
    client.send = ((command: never, options?: { abortSignal?: AbortSignal }) => {
      const entry = { at: Date.now() - start, signal: options!.abortSignal!, answered: false };
      signals.push(entry);
      return send(command, options as never).then((r: unknown) => ((entry.answered = true), r));
    }) as typeof client.send;
    let endedAt = Infinity;
    let inFlight: typeof signals = [];
    let answered: typeof signals = [];
    const done = waitUntilReady(client, 'fn', 'active', { since: start }).then(() => {
      endedAt = Date.now() - start;
      inFlight = signals.filter((s) => !s.answered);
      answered = signals.filter((s) => s.answered);
    });
    await vi.runAllTimersAsync();
    await done;
    expect(signals.every((s) => s.signal instanceof AbortSignal)).toBe(true);
    // Looks closer together than the round trip overlap: some were in flight when the answer came.
    expect(inFlight.length).toBeGreaterThan(0);
    expect(inFlight.every((s) => s.signal.aborted)).toBe(true);
    expect(answered.every((s) => !s.signal.aborted)).toBe(true);
    expect(signals.filter((s) => s.at > endedAt)).toEqual([]);
  });

  it('looks about 77 times in 5 minutes', async () => {
    vi.useFakeTimers();
    lambdaMock.on(GetFunctionCommand).resolves({ Configuration: { State: 'Pending' } });
    const p = waitUntilReady(new LambdaClient({ region: 'us-east-1' }), 'fn', 'active', { since: Date.now() });
    const caught = p.catch((e) => e);
    await vi.runAllTimersAsync();
    expect(await caught).toMatchObject({ code: 'LAMBDA_NOT_READY' });
    const n = lambdaMock.commandCalls(GetFunctionCommand).length;
    expect(n).toBeGreaterThan(70);
    expect(n).toBeLessThan(85);
  });

  it('fails with the reason when the function cannot be made ready', async () => {
    lambdaMock.on(GetFunctionCommand).resolves({ Configuration: { State: 'Failed', StateReason: 'The role is broken' } });
    await expect(waitUntilReady(new LambdaClient({ region: 'us-east-1' }), 'fn', 'active')).rejects.toMatchObject({ code: 'LAMBDA_FAILED', message: expect.stringContaining('The role is broken') });
  });

  it('after an update, waits for LastUpdateStatus Successful', async () => {
    lambdaMock
      .on(GetFunctionCommand)
      .resolvesOnce({ Configuration: { State: 'Active', LastUpdateStatus: 'InProgress' } })
      .resolves({ Configuration: { State: 'Active', LastUpdateStatus: 'Successful' } });
    await waitUntilReady(new LambdaClient({ region: 'us-east-1' }), 'fn', 'updated');
    expect(lambdaMock.commandCalls(GetFunctionCommand)).toHaveLength(2);
  });

  it('gives up after the time allowed', async () => {
    vi.useFakeTimers();
    lambdaMock.on(GetFunctionCommand).resolves({ Configuration: { State: 'Pending' } });
    const p = waitUntilReady(new LambdaClient({ region: 'us-east-1' }), 'fn', 'active', { maxWaitMs: 5_000 });
    const caught = p.catch((e) => e);
    await vi.runAllTimersAsync();
    expect(await caught).toMatchObject({ code: 'LAMBDA_NOT_READY' });
  });
});

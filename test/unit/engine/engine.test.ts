import { describe, expect, it } from 'vitest';
import { apply, depth, destroy, NotOwned, plan, readAll, StepFailed } from '../../../src/engine/index.js';
import type { EngineEvent, Step, StepRecord } from '../../../src/engine/types.js';
import { depByKey } from './dep-by-key.js';

/** A fake cloud: resources by key, a call log, optional failures and delays. */
class FakeCloud {
  live = new Map<string, StepRecord>();
  calls: string[] = [];
  running = 0;
  maxRunning = 0;
  failOnce = new Set<string>();
  delayMs = 5;
  idSeq = 0;
  async op(name: string) {
    this.calls.push(name);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    await new Promise((r) => setTimeout(r, this.delayMs));
    this.running--;
    if (this.failOnce.has(name)) {
      this.failOnce.delete(name);
      throw new Error(`injected failure in ${name}`);
    }
  }
}

function step(cloud: FakeCloud, key: string, dependsOn: string[] = [], extra: Partial<Step<FakeCloud>> = {}): Step<FakeCloud> {
  return {
    key,
    title: key,
    dependsOn,
    async read(ctx) {
      await cloud.op(`read:${key}`);
      const r = cloud.live.get(key);
      if (!r) return undefined;
      // A child whose parent was recreated no longer exists under it.
      for (const d of dependsOn) if (r[`dep:${d}`] !== ctx.get(depByKey(d))?.id) return undefined;
      return { record: r, changes: r.want === 'drift' ? [{ field: 'x', from: 1, to: 2 }] : [] };
    },
    async create(ctx) {
      await cloud.op(`create:${key}`);
      const r: StepRecord = { id: `${key}-${++cloud.idSeq}` };
      for (const d of dependsOn) r[`dep:${d}`] = ctx.get(depByKey(d))?.id;
      cloud.live.set(key, r);
      return r;
    },
    async update(_ctx, live) {
      await cloud.op(`update:${key}`);
      const r = { ...live.record, want: undefined };
      cloud.live.set(key, r);
      return r;
    },
    async delete(_ctx, rec) {
      await cloud.op(`delete:${key}`);
      if (cloud.live.get(key)?.id === rec.id) cloud.live.delete(key);
    },
    ...extra,
  };
}

// role -> fn ; api ; pool -> client ; (api, pool) -> auth ; (auth, fn) -> method -> deploy
function graph(c: FakeCloud): Step<FakeCloud>[] {
  return [
    step(c, 'role'),
    step(c, 'fn', ['role']),
    step(c, 'api'),
    step(c, 'pool'),
    step(c, 'client', ['pool'], { deletedWith: 'pool' }),
    step(c, 'auth', ['api', 'pool'], { deletedWith: 'api' }),
    step(c, 'method', ['api', 'auth', 'fn'], { deletedWith: 'api' }),
    step(c, 'deploy', ['api', 'method'], { deletedWith: 'api' }),
  ];
}

function run(c: FakeCloud, recorded: Record<string, StepRecord> = {}) {
  const saved: Record<string, StepRecord> = { ...recorded };
  const events: EngineEvent[] = [];
  const saves: string[] = [];
  const opts = {
    steps: graph(c),
    app: c,
    recorded,
    save: async (k: string, r: StepRecord | undefined) => {
      saves.push(k);
      if (r) saved[k] = r;
      else delete saved[k];
    },
    onEvent: (e: EngineEvent) => events.push(e),
  };
  return { opts, saved, events, saves };
}

const mutating = (calls: string[]) => calls.filter((c) => !c.startsWith('read:'));

describe('engine apply', () => {
  it('creates every step after its dependencies and checkpoints each', async () => {
    const c = new FakeCloud();
    const { opts, saved, saves } = run(c);
    const { results } = await apply(opts);
    expect(results.map((r) => r.action)).toEqual(Array(8).fill('created'));
    const order = mutating(c.calls);
    const before = (a: string, b: string) => expect(order.indexOf(`create:${a}`)).toBeLessThan(order.indexOf(`create:${b}`));
    before('role', 'fn');
    before('pool', 'client');
    before('api', 'auth');
    before('pool', 'auth');
    before('auth', 'method');
    before('fn', 'method');
    before('method', 'deploy');
    expect(Object.keys(saved).sort()).toEqual(['api', 'auth', 'client', 'deploy', 'fn', 'method', 'pool', 'role']);
    expect(saves).toHaveLength(8);
  });

  it('runs independent branches concurrently', async () => {
    const c = new FakeCloud();
    c.delayMs = 20;
    await apply(run(c).opts);
    expect(c.maxRunning).toBeGreaterThanOrEqual(3);
  });

  it('a second apply on a complete stack reads once per step and mutates nothing', async () => {
    const c = new FakeCloud();
    const first = run(c);
    await apply(first.opts);
    c.calls = [];
    const second = run(c, first.saved);
    const { results } = await apply(second.opts);
    expect(results.every((r) => r.action === 'unchanged')).toBe(true);
    expect(mutating(c.calls)).toEqual([]);
    expect(c.calls).toHaveLength(8);
    expect(second.saves).toEqual([]);
  });

  it('resumes after a failed step: finished steps are kept, the rest created, nothing twice', async () => {
    const c = new FakeCloud();
    c.failOnce.add('create:method');
    const first = run(c);
    const err = await apply(first.opts).catch((e) => e);
    expect(err).toBeInstanceOf(StepFailed);
    expect(err.failedKey).toBe('method');
    expect(err.results.find((r: { key: string }) => r.key === 'deploy')?.action).toBe('skipped');
    expect(first.saved.method).toBeUndefined();
    expect(first.saved.auth).toBeDefined();
    c.calls = [];
    const second = run(c, first.saved);
    const { results } = await apply(second.opts);
    const byKey = Object.fromEntries(results.map((r) => [r.key, r.action]));
    expect(byKey).toMatchObject({ role: 'unchanged', auth: 'unchanged', method: 'created', deploy: 'created' });
    expect(mutating(c.calls).sort()).toEqual(['create:deploy', 'create:method']);
  });

  it('adopts a resource that exists but was never recorded (crash between create and save)', async () => {
    const c = new FakeCloud();
    c.live.set('role', { id: 'role-x' });
    const { results } = await apply(run(c).opts);
    expect(results.find((r) => r.key === 'role')?.action).toBe('adopted');
    expect(c.calls).not.toContain('create:role');
  });

  it('recreates children when a parent was deleted out of band', async () => {
    const c = new FakeCloud();
    const first = run(c);
    await apply(first.opts);
    c.live.delete('api');
    c.calls = [];
    const { results } = await apply(run(c, first.saved).opts);
    const byKey = Object.fromEntries(results.map((r) => [r.key, r.action]));
    expect(byKey).toMatchObject({ api: 'created', auth: 'created', method: 'created', deploy: 'created', role: 'unchanged', fn: 'unchanged' });
  });

  it('converges drift with update and tells dependents what changed', async () => {
    const c = new FakeCloud();
    const first = run(c);
    await apply(first.opts);
    c.live.set('method', { ...c.live.get('method')!, want: 'drift' });
    let seen: readonly string[] = [];
    const second = run(c, first.saved);
    const deploy = second.opts.steps.find((s) => s.key === 'deploy')!;
    const read = deploy.read;
    deploy.read = async (ctx, rec) => {
      seen = ctx.changedDeps;
      return read(ctx, rec);
    };
    const { results } = await apply(second.opts);
    expect(results.find((r) => r.key === 'method')?.action).toBe('updated');
    expect(seen).toEqual(['method']);
  });

  it('dry run reports create/update/no change and mutates nothing', async () => {
    const c = new FakeCloud();
    const first = run(c);
    await apply(first.opts);
    c.live.set('fn', { ...c.live.get('fn')!, want: 'drift' });
    c.live.delete('deploy');
    c.calls = [];
    const { steps } = await plan(run(c, first.saved).opts);
    expect(mutating(c.calls)).toEqual([]);
    const byKey = Object.fromEntries(steps.map((r) => [r.key, r.action]));
    expect(byKey).toMatchObject({ fn: 'update', deploy: 'create', role: 'no change' });
  });

  it('refuses a replacement without allowReplace', async () => {
    const c = new FakeCloud();
    const steps = [step(c, 'a', [], { read: async () => ({ record: { id: 'a' }, changes: [{ field: 'prefix', from: 'x', to: 'y', replace: true }] }) })];
    const err = await apply({ steps, app: c, recorded: { a: { id: 'a' } }, save: async () => {} }).catch((e) => e);
    expect(err).toBeInstanceOf(StepFailed);
    expect(String(err.cause.message)).toMatch(/replaced/);
  });

  it('rejects cycles and unknown dependencies', async () => {
    const c = new FakeCloud();
    await expect(apply({ steps: [step(c, 'a', ['b']), step(c, 'b', ['a'])], app: c, recorded: {}, save: async () => {} })).rejects.toThrow(/cycle/);
    await expect(apply({ steps: [step(c, 'a', ['zz'])], app: c, recorded: {}, save: async () => {} })).rejects.toThrow(/unknown/);
  });
});

describe('engine readAll', () => {
  it('reads every step concurrently and reports ok / missing / drifted', async () => {
    const c = new FakeCloud();
    const first = run(c);
    await apply(first.opts);
    c.live.delete('client');
    c.live.set('role', { ...c.live.get('role')!, want: 'drift' });
    c.calls = [];
    c.delayMs = 20;
    const r = await readAll(run(c, first.saved).opts);
    const byKey = Object.fromEntries(r.map((x) => [x.key, x.state]));
    expect(byKey).toMatchObject({ client: 'missing', role: 'drifted', api: 'ok', deploy: 'ok' });
    expect(mutating(c.calls)).toEqual([]);
    expect(c.maxRunning).toBeGreaterThanOrEqual(8);
  });
});

describe('engine destroy', () => {
  it('deletes in reverse order, skipping calls for resources deleted with their parent', async () => {
    const c = new FakeCloud();
    const first = run(c);
    await apply(first.opts);
    c.calls = [];
    const d = run(c, first.saved);
    const { results } = await destroy(d.opts);
    expect(results.every((r) => r.action === 'deleted')).toBe(true);
    const del = mutating(c.calls);
    expect(del.sort()).toEqual(['delete:api', 'delete:fn', 'delete:pool', 'delete:role']);
    expect(c.calls.indexOf('delete:fn')).toBeLessThan(c.calls.indexOf('delete:role'));
    expect(d.saved).toEqual({});
  });

  it('treats resources already gone as absent', async () => {
    const c = new FakeCloud();
    const first = run(c);
    await apply(first.opts);
    c.live.delete('role');
    c.live.delete('fn');
    const { results } = await destroy(run(c, first.saved).opts);
    const byKey = Object.fromEntries(results.map((r) => [r.key, r.action]));
    expect(byKey).toMatchObject({ role: 'absent', fn: 'absent', api: 'deleted' });
  });

  it('leaves a resource that is not ours alone', async () => {
    const c = new FakeCloud();
    const steps = [
      step(c, 'a', [], { read: async () => { throw new NotOwned({ kind: 'thing', name: 'a' }, 'demo', { key: 'owner' }); } }),
      step(c, 'b'),
    ];
    c.live.set('b', { id: 'b1' });
    const { results } = await destroy({ steps, app: c, recorded: {}, save: async () => {} });
    expect(results.map((r) => r.action)).toEqual(['not owned', 'deleted']);
    expect(c.calls).not.toContain('delete:a');
  });
});

describe('graph depth', () => {
  it('is the longest dependency chain', () => {
    expect(depth(graph(new FakeCloud()))).toBe(4);
  });
});

describe('engine destroy without a state file', () => {
  it('finds a parent by name first, so its independently deleted child is found and deleted before it', async () => {
    const c = new FakeCloud();
    // pool and its domain exist, nothing recorded (the state file was lost).
    c.live.set('pool', { id: 'pool-1' });
    c.live.set('domain', { id: 'dom-1', 'dep:pool': 'pool-1' });
    const steps = [step(c, 'pool'), step(c, 'domain', ['pool'])];
    const { results } = await destroy({ steps, app: c, recorded: {}, save: async () => {} });
    expect(results.map((r) => r.action)).toEqual(['deleted', 'deleted']);
    expect(c.calls.indexOf('delete:domain')).toBeLessThan(c.calls.indexOf('delete:pool'));
    expect(c.live.size).toBe(0);
  });
});

// The engine with fake steps: extra tagged copies (Live.extras), steps retired from the graph
// (a removed route, a switched-off user), foreign resources found by the first wave, and the
// plan's named reasons for reads it reused, repeated or skipped.
import { describe, expect, it } from 'vitest';
import { apply, destroy, execute, NotOwned, plan, readAll, StepFailed } from '../../../src/engine/index.js';
import type { EngineEvent, EngineOptions, Step, StepRecord } from '../../../src/engine/types.js';
import { depByKey } from './dep-by-key.js';

/** Resources by key; a key may hold several copies (the first is the one a read keeps). */
class Cloud {
  copies = new Map<string, StepRecord[]>();
  foreign = new Set<string>();
  calls: string[] = [];
  seq = 0;
  writes = () => this.calls.filter((c) => !c.startsWith('read:'));
}

function fake(c: Cloud, key: string, dependsOn: string[] = [], extra: Partial<Step<Cloud>> = {}): Step<Cloud> {
  return {
    key,
    title: `T-${key}`,
    dependsOn,
    displayName: () => `name-${key}`,
    async read(ctx, recorded) {
      c.calls.push(`read:${key}`);
      if (c.foreign.has(key)) throw new NotOwned({ kind: 'thing', name: `name-${key}` }, 'demo', { key: 'owner' });
      const container = extra.deletedWith;
      const all = (c.copies.get(key) ?? []).filter((r) => !container || r.in === ctx.get(depByKey(container))?.id);
      if (!all.length) return undefined;
      const kept = all.find((r) => r.id === recorded?.id) ?? all[0]!;
      const extras = all.filter((r) => r !== kept);
      return { record: kept, changes: [], ...(extras.length ? { extras } : {}) };
    },
    async create(ctx) {
      c.calls.push(`create:${key}`);
      const container = extra.deletedWith;
      const r: StepRecord = { id: `${key}-${++c.seq}`, ...(container ? { in: ctx.get(depByKey(container))?.id } : {}) };
      c.copies.set(key, [...(c.copies.get(key) ?? []), r]);
      return r;
    },
    async delete(_ctx, rec) {
      c.calls.push(`delete:${key}:${String(rec.id)}`);
      c.copies.set(key, (c.copies.get(key) ?? []).filter((r) => r.id !== rec.id));
      // A container takes what lives in it along.
      for (const [k, list] of c.copies) c.copies.set(k, list.filter((r) => r.in !== rec.id));
    },
    ...extra,
  };
}

function options(c: Cloud, steps: Step<Cloud>[], recorded: Record<string, StepRecord> = {}, retired: Step<Cloud>[] = []) {
  const saved: Record<string, StepRecord> = { ...recorded };
  const events: EngineEvent[] = [];
  const o: EngineOptions<Cloud> = {
    steps,
    app: c,
    recorded,
    retired: (key) => retired.find((s) => s.key === key),
    save: async (k, r) => {
      if (r === undefined) delete saved[k];
      else saved[k] = r;
    },
    onEvent: (e) => events.push(e),
  };
  return { o, saved, events };
}

describe('extra tagged copies', () => {
  const twoPools = () => {
    const c = new Cloud();
    c.copies.set('pool', [{ id: 'pool-a' }, { id: 'pool-b' }]);
    return c;
  };

  it('status reports the step as duplicate, with the extra copies', async () => {
    const c = twoPools();
    const { o } = options(c, [fake(c, 'pool')], { pool: { id: 'pool-a' } });
    const [r] = await readAll(o);
    expect(r).toMatchObject({ key: 'pool', state: 'duplicate', record: { id: 'pool-a' }, extras: [{ id: 'pool-b' }] });
  });

  it('plan shows them as deletions and sends nothing; init keeps the recorded copy and deletes the others', async () => {
    const c = twoPools();
    c.copies.get('pool')!.reverse(); // the recorded copy is not the first one listed
    const { o, saved, events } = options(c, [fake(c, 'pool'), fake(c, 'client', ['pool'], { deletedWith: 'pool' })], { pool: { id: 'pool-a' } });
    const p = await plan(o);
    expect(c.writes()).toEqual([]);
    expect(p.steps.find((s) => s.key === 'pool')).toMatchObject({ action: 'no change', extras: [{ id: 'pool-b' }], name: 'name-pool' });
    const { results } = await execute(o, p);
    expect(c.writes()).toEqual(['create:client', 'delete:pool:pool-b']);
    expect(c.copies.get('pool')).toEqual([{ id: 'pool-a' }]);
    expect(results.find((r) => r.key === 'pool')).toMatchObject({ action: 'unchanged', extras: [{ id: 'pool-b' }] });
    expect(saved.pool).toEqual({ id: 'pool-a' });
    // The extra copy goes after everything points at the kept one.
    expect(events.findIndex((e) => e.type === 'done' && e.extra)).toBeGreaterThan(events.findIndex((e) => e.type === 'done' && e.key === 'client'));
  });

  it('destroy deletes every copy, and only then reports nothing remaining', async () => {
    const c = twoPools();
    const { o, saved } = options(c, [fake(c, 'pool')], { pool: { id: 'pool-a' } });
    const r = await destroy(o);
    expect(c.writes().sort()).toEqual(['delete:pool:pool-a', 'delete:pool:pool-b']);
    expect(c.copies.get('pool')).toEqual([]);
    expect(r).toMatchObject({ deleted: ['pool'], remaining: [], leftAlone: [] });
    expect(saved).toEqual({});
  });

  it('a copy that cannot be deleted fails destroy: it is not reported as gone', async () => {
    const c = twoPools();
    const pool = fake(c, 'pool');
    const del = pool.delete;
    pool.delete = async (ctx, rec) => {
      if (rec.id === 'pool-b') throw new Error('boom');
      return del(ctx, rec);
    };
    const err = await destroy(options(c, [pool], { pool: { id: 'pool-a' } }).o).catch((e) => e);
    expect(err).toBeInstanceOf(StepFailed);
    expect(err.results).toEqual([expect.objectContaining({ key: 'pool', action: 'failed' })]);
  });
});

describe('steps retired from the graph (a removed route, a switched-off step)', () => {
  // api <- resource:/a <- method:/a (a method lives in its resource), and the same for /b.
  const route = (c: Cloud, path: string) => [fake(c, `resource:${path}`, ['api']), fake(c, `method:${path}`, ['api', `resource:${path}`], { deletedWith: `resource:${path}` })];
  const deployment = (c: Cloud) => fake(c, 'deployment', ['api']);

  it('plan shows a recorded step no longer in the graph as a deletion; init deletes it (cascade: no call for what lives inside) and forgets it', async () => {
    const c = new Cloud();
    const first = options(c, [fake(c, 'api'), ...route(c, '/a'), ...route(c, '/b'), deployment(c)]);
    await apply(first.o);
    c.calls = [];
    // The next run's graph has only /a: /b's steps come back through the resolver.
    const retired = route(c, '/b');
    const { o, saved } = options(c, [fake(c, 'api'), ...route(c, '/a'), deployment(c)], first.saved, retired);
    const p = await plan(o);
    expect(c.writes()).toEqual([]);
    expect(p.steps.filter((s) => s.origin === 'retired').map((s) => [s.key, s.action])).toEqual([
      ['method:/b', 'delete'],
      ['resource:/b', 'delete'],
    ]);
    const { results } = await execute(o, p);
    expect(c.writes()).toEqual([`delete:resource:/b:${String(first.saved['resource:/b']!.id)}`]);
    expect(Object.fromEntries(results.map((r) => [r.key, r.action]))).toMatchObject({ 'method:/b': 'deleted', 'resource:/b': 'deleted', 'method:/a': 'unchanged' });
    expect(Object.keys(saved).sort()).toEqual(['api', 'deployment', 'method:/a', 'resource:/a']);
    expect(c.copies.get('method:/b')).toEqual([]);
  });

  it('retired steps go before the graph converges, so a step after them (a redeploy) sees them gone', async () => {
    const c = new Cloud();
    const first = options(c, [fake(c, 'api'), ...route(c, '/b'), deployment(c)]);
    await apply(first.o);
    c.calls = [];
    const dep = deployment(c);
    let methodsAtDeploy: StepRecord[] | undefined;
    dep.read = async () => ({ record: { id: 'd' }, changes: [{ field: 'routes', from: 1, to: 0 }] });
    dep.update = async () => {
      methodsAtDeploy = [...(c.copies.get('method:/b') ?? [])];
      return { id: 'd' };
    };
    await apply(options(c, [fake(c, 'api'), dep], first.saved, route(c, '/b')).o);
    expect(methodsAtDeploy).toEqual([]);
  });

  it('destroy includes retired steps', async () => {
    const c = new Cloud();
    const first = options(c, [fake(c, 'api'), ...route(c, '/b')]);
    await apply(first.o);
    const r = await destroy(options(c, [fake(c, 'api')], first.saved, route(c, '/b')).o);
    expect(r.deleted.sort()).toEqual(['api', 'method:/b', 'resource:/b']);
    expect(r.remaining).toEqual([]);
  });

  it('a record no step can be rebuilt for is left as it is', async () => {
    const c = new Cloud();
    const { o, saved } = options(c, [fake(c, 'api')], { mystery: { id: 'm' } });
    const p = await plan(o);
    expect(p.steps.map((s) => s.key)).toEqual(['api']);
    await execute(o, p);
    expect(saved.mystery).toEqual({ id: 'm' });
  });
});

describe('foreign resources found by the first wave', () => {
  it('stop the run before any write, naming every one', async () => {
    const c = new Cloud();
    c.foreign.add('role').add('pool');
    const { o, events } = options(c, [fake(c, 'role'), fake(c, 'fn', ['role']), fake(c, 'api'), fake(c, 'pool')]);
    const err = await apply(o).catch((e) => e);
    expect(err).toBeInstanceOf(StepFailed);
    expect(err.cause).toBeInstanceOf(NotOwned);
    expect((err as StepFailed).conflicts.map((x) => [x.key, x.error.resource.name])).toEqual([
      ['role', 'name-role'],
      ['pool', 'name-pool'],
    ]);
    expect(Object.fromEntries((err as StepFailed).results.map((r) => [r.key, r.action]))).toEqual({ role: 'not owned', fn: 'skipped', api: 'skipped', pool: 'not owned' });
    expect(c.writes()).toEqual([]);
    expect(events.filter((e) => e.type === 'start')).toEqual([]);
  });

  it('destroy leaves them alone, and they do not count as remaining', async () => {
    const c = new Cloud();
    c.foreign.add('role');
    c.copies.set('api', [{ id: 'api-1' }]);
    const r = await destroy(options(c, [fake(c, 'role'), fake(c, 'fn', ['role']), fake(c, 'api')], { api: { id: 'api-1' } }).o);
    expect(Object.fromEntries(r.results.map((x) => [x.key, x.action]))).toEqual({ role: 'not owned', fn: 'absent', api: 'deleted' });
    expect(r.remaining).toEqual([]);
    expect(r.leftAlone.map((x) => [x.key, x.title, x.error.resource.name])).toEqual([['role', 'T-role', 'name-role']]);
    expect(c.writes()).toEqual(['delete:api:api-1']);
  });
});

describe('the plan names why a read was reused, repeated or skipped', () => {
  it('on a new stack: reads inside a new container and reads that found nothing are skipped, with their reason', async () => {
    const c = new Cloud();
    const p = await plan(options(c, [fake(c, 'api'), fake(c, 'method', ['api'], { deletedWith: 'api' }), fake(c, 'fn'), fake(c, 'perm', ['fn'])]).o);
    expect(Object.fromEntries(p.steps.map((s) => [s.key, [s.action, s.read]]))).toEqual({
      api: ['create', { kind: 'wave' }],
      method: ['create', { kind: 'skipped', reason: 'container-created' }],
      fn: ['create', { kind: 'wave' }],
      perm: ['create', { kind: 'skipped', reason: 'found-nothing-before' }],
    });
  });

  it('a step found live whose dependency is created is read again, naming that dependency', async () => {
    const c = new Cloud();
    c.copies.set('perm', [{ id: 'perm-1' }]);
    const p = await plan(options(c, [fake(c, 'fn'), fake(c, 'perm', ['fn'])], { fn: { id: 'gone' }, perm: { id: 'perm-1' } }).o);
    expect(p.steps.find((s) => s.key === 'perm')?.read).toEqual({ kind: 'reread', changed: ['fn'] });
    expect(c.calls.filter((x) => x === 'read:perm')).toHaveLength(2);
  });
});

// Changing a running stack (issue 7), without AWS: the engine's plan predicts exactly what
// execute then does, replacements are refused before anything changes, switched-off steps are
// deleted. (The method step and `list`: test/unit/changes.test.ts.)
import { describe, expect, it } from 'vitest';
import { INIT_ACTION_OF, type PlanStepAction } from '../../../src/commands/plan.js';
import { apply, plan, StepFailed } from '../../../src/engine/index.js';
import type { Step, StepRecord } from '../../../src/engine/types.js';
import { depByKey } from './dep-by-key.js';

// ---------------------------------------------------------------------------------------------
// A fake cloud whose steps behave like the real ones: a child lives inside its container
// (deletedWith) and disappears with it; other dependencies are references (an ARN, an id) that
// show up as a change when they differ, or when the dependency has no record yet (a plan).
class Cloud {
  live = new Map<string, { id: string; refs: Record<string, string | undefined>; drift?: boolean; replace?: boolean }>();
  calls: string[] = [];
  seq = 0;
  writes = () => this.calls.filter((c) => !c.startsWith('read:'));
}

function fake(cloud: Cloud, key: string, dependsOn: string[] = [], extra: Partial<Step<Cloud>> = {}): Step<Cloud> {
  const container = extra.deletedWith;
  return {
    key,
    title: key,
    dependsOn,
    async read(ctx) {
      cloud.calls.push(`read:${key}`);
      const r = cloud.live.get(key);
      if (!r) return undefined;
      if (container && r.refs[container] !== ctx.get(depByKey(container))?.id) return undefined;
      const changes = [];
      for (const d of dependsOn) {
        if (d === container) continue;
        const want = ctx.get(depByKey(d))?.id ?? `(new ${d})`;
        if (r.refs[d] !== want) changes.push({ field: d, from: r.refs[d], to: want });
      }
      if (r.drift) changes.push({ field: 'x', from: 1, to: 2 });
      if (r.replace) changes.push({ field: 'name', from: 'a', to: 'b', replace: true });
      return { record: { id: r.id }, changes };
    },
    async create(ctx) {
      cloud.calls.push(`create:${key}`);
      const r = { id: `${key}-${++cloud.seq}`, refs: Object.fromEntries(dependsOn.map((d) => [d, ctx.get(depByKey(d))?.id as string | undefined])) };
      cloud.live.set(key, r);
      return { id: r.id };
    },
    async update(ctx, live) {
      cloud.calls.push(`update:${key}`);
      const old = cloud.live.get(key)!;
      const id = live.changes.some((c) => c.replace) ? `${key}-${++cloud.seq}` : old.id;
      cloud.live.set(key, { id, refs: Object.fromEntries(dependsOn.map((d) => [d, ctx.get(depByKey(d))?.id as string | undefined])) });
      return { id };
    },
    async delete(_ctx, rec) {
      cloud.calls.push(`delete:${key}`);
      if (cloud.live.get(key)?.id === rec.id) cloud.live.delete(key);
    },
    ...extra,
  };
}

/** The shape of the real graph: role -> fn; api; pool -> client, user; (api, pool) -> auth; (api, auth, fn) -> method -> deploy. */
function graph(c: Cloud): Step<Cloud>[] {
  return [
    fake(c, 'role'),
    fake(c, 'fn', ['role']),
    fake(c, 'api'),
    fake(c, 'pool'),
    fake(c, 'client', ['pool'], { deletedWith: 'pool' }),
    fake(c, 'auth', ['api', 'pool'], { deletedWith: 'api' }),
    fake(c, 'method', ['api', 'auth', 'fn'], { deletedWith: 'api' }),
    fake(c, 'deploy', ['api', 'method'], { deletedWith: 'api' }),
    fake(c, 'user', ['pool'], { deletedWith: 'pool' }),
  ];
}

/** Without the user, the graph has no user step; a recorded one is retired (rebuilt by `retired`). */
function engine(c: Cloud, recorded: Record<string, StepRecord>, withUser = true) {
  const saved: Record<string, StepRecord> = { ...recorded };
  const all = graph(c);
  return {
    saved,
    opts: {
      steps: all.filter((s) => withUser || s.key !== 'user'),
      retired: (key: string) => all.find((s) => s.key === key),
      app: c,
      recorded,
      save: async (k: string, r: StepRecord | undefined) => {
        if (r) saved[k] = r;
        else delete saved[k];
      },
    },
  };
}

async function created(): Promise<{ c: Cloud; recorded: Record<string, StepRecord> }> {
  const c = new Cloud();
  const e = engine(c, {});
  await apply(e.opts);
  c.calls = [];
  return { c, recorded: e.saved };
}

/** Plan, check it sent nothing, apply, and return both action maps. */
async function planThenApply(c: Cloud, recorded: Record<string, StepRecord>, withUser = true) {
  const p = await plan(engine(c, recorded, withUser).opts);
  expect(c.writes()).toEqual([]);
  const applied = await apply(engine(c, recorded, withUser).opts, { allowReplace: true });
  const planned = Object.fromEntries(p.steps.map((r) => [r.key, r.action]));
  const did = Object.fromEntries(applied.results.map((r) => [r.key, r.action]));
  return { planned, did, predicted: Object.fromEntries(Object.entries(planned).map(([k, a]) => [k, INIT_ACTION_OF[a as PlanStepAction]])) };
}

describe('plan predicts exactly what init then does', () => {
  it('in sync: every step no change, then unchanged', async () => {
    const { c, recorded } = await created();
    const { planned, did, predicted } = await planThenApply(c, recorded);
    expect(new Set(Object.values(planned))).toEqual(new Set(['no change']));
    expect(did).toEqual(predicted);
  });

  it('drift on a method: update there, and the deployment that follows it', async () => {
    const { c, recorded } = await created();
    c.live.get('method')!.drift = true;
    const { planned, did, predicted } = await planThenApply(c, recorded);
    expect(planned).toMatchObject({ method: 'update', deploy: 'no change' });
    expect(did).toEqual(predicted);
  });

  it('a container deleted out of band: it and everything inside it are created', async () => {
    const { c, recorded } = await created();
    c.live.delete('api');
    const { planned, did, predicted } = await planThenApply(c, recorded);
    expect(planned).toMatchObject({ api: 'create', auth: 'create', method: 'create', deploy: 'create', fn: 'no change' });
    expect(did).toEqual(predicted);
  });

  it('a referenced dependency recreated: its dependents are read and shown as update, not create', async () => {
    const { c, recorded } = await created();
    c.live.delete('pool');
    const { planned, did, predicted } = await planThenApply(c, recorded);
    // The authorizer lives in the API, not the pool: it stays and points at the new pool.
    expect(planned).toMatchObject({ pool: 'create', client: 'create', user: 'create', auth: 'update', method: 'no change' });
    expect(did).toEqual(predicted);
  });

  it('a replaced step: the steps that reference it see no record yet and are updated too', async () => {
    const { c, recorded } = await created();
    c.live.get('auth')!.replace = true;
    const { planned, did, predicted } = await planThenApply(c, recorded);
    expect(planned).toMatchObject({ auth: 'replace', method: 'update' });
    expect(did).toEqual(predicted);
  });

  it('a switched-off step with a recorded resource: delete, then deleted and forgotten', async () => {
    const { c, recorded } = await created();
    const { planned, did, predicted } = await planThenApply(c, recorded, false);
    expect(planned.user).toBe('delete');
    expect(did).toEqual(predicted);
    expect(c.live.has('user')).toBe(false);
    // Already gone: nothing to delete, and the record is dropped.
    const again = engine(c, { ...recorded }, false);
    const r = await apply(again.opts);
    expect(r.results.find((x) => x.key === 'user')?.action).toBe('unchanged');
    expect(again.saved.user).toBeUndefined();
  });
});

describe('replacements need allowReplace', () => {
  it('are refused before any mutating call, even when other steps only drifted', async () => {
    const { c, recorded } = await created();
    c.live.get('fn')!.drift = true;
    c.live.get('auth')!.replace = true;
    const err = await apply(engine(c, recorded).opts).catch((e) => e);
    expect(err).toBeInstanceOf(StepFailed);
    expect(err.failedKey).toBe('auth');
    expect(err.cause.code).toBe('REPLACE_NEEDED');
    expect(err.cause.message).toMatch(/auth: name "a" -> "b"/);
    expect(err.results.find((r: { key: string }) => r.key === 'fn').action).toBe('skipped');
    expect(c.writes()).toEqual([]);
  });
});

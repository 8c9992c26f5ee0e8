// destroy: the same graph (plus retired steps) with its edges reversed. A step deleted with its
// container (an API's methods, a pool's clients) costs no call; it is forgotten when the container
// goes. Every read goes out before the first delete: deleting a step's dependents does not change
// what its own read finds, so the chain of deletions costs no read per link. A dependency with no
// record (the state file was lost, or a crash came before the save) is read first, so that its
// dependents look under the live one: without a recorded pool, the domain must still be found and
// deleted before the pool. Every copy a read finds is deleted; a foreign resource is left alone.
import { NotOwned } from './errors.js';
import { destroyGraph } from './graph.js';
import { limitOf, makeCtx, readCtx, Stop, stepsOf, walk, type AnyStep } from './read.js';
import type { DestroyAction, DestroyResult, EngineOptions, Live, StepRecord, StepResult } from './types.js';

export async function destroy<C>(o: EngineOptions<C>): Promise<DestroyResult> {
  const { graph, retired } = stepsOf(o);
  const steps = [...graph, ...retired];
  const keys = steps.map((s) => s.key);
  const byKey = new Map(steps.map((s) => [s.key, s]));
  const g = destroyGraph(steps);
  const roots = new Set(g.roots);
  const done = new Map<string, StepResult>();

  const firstRead = new Map<string, Promise<Live | undefined>>();
  const liveRecords = new Map<string, StepRecord>();
  const recordOf = (k: string) => o.recorded[k] ?? liveRecords.get(k);
  const readFirst = (s: AnyStep<C>): Promise<Live | undefined> => {
    let p = firstRead.get(s.key);
    if (p) return p;
    const unrecorded = s.dependsOn.filter((d) => o.recorded[d] === undefined && roots.has(d));
    p = Promise.all(unrecorded.map((d) => readFirst(byKey.get(d)!).catch(() => undefined))).then(async () => {
      const live = await s.read(readCtx(o, s, recordOf, []), o.recorded[s.key]);
      if (live) liveRecords.set(s.key, live.record);
      return live;
    });
    p.catch(() => undefined); // awaited (and handled) by the step's work
    firstRead.set(s.key, p);
    return p;
  };
  for (const k of g.roots) void readFirst(byKey.get(k)!);
  await o.ready;

  const finish = (key: string, action: DestroyAction, extra: Partial<StepResult> = {}) => {
    done.set(key, { key, action, ...extra });
    o.onEvent?.({ type: 'done', key, title: byKey.get(key)!.title, action });
  };
  const work = async (key: string) => {
    const step = byKey.get(key)!;
    o.onEvent?.({ type: 'start', key, title: step.title, phase: 'destroy' });
    const inside = g.cascaded(key);
    try {
      let live: Live | undefined;
      try {
        live = await firstRead.get(key)!;
      } catch (e) {
        if (!(e instanceof NotOwned)) throw e;
        // Not ours, and neither is anything inside it; a record of ours in it stays recorded.
        finish(key, 'not owned', { error: e });
        for (const k of inside) finish(k, o.recorded[k] !== undefined ? 'not owned' : 'absent');
        return;
      }
      const ctx = makeCtx(o, step, recordOf, []);
      const copies = live ? [live.record, ...(live.extras ?? [])] : [];
      for (const r of copies) await step.delete(ctx, r);
      const action: DestroyAction = live ? 'deleted' : 'absent';
      // Everything cascaded from this step is gone with it (forgotten in the same state write).
      await Promise.all([key, ...inside].map((k) => o.save(k, undefined)));
      finish(key, action, live?.extras?.length ? { extras: live.extras } : {});
      for (const k of inside) finish(k, o.recorded[k] !== undefined && action === 'deleted' ? 'deleted' : 'absent');
    } catch (error) {
      o.onEvent?.({ type: 'failed', key, title: step.title, error });
      throw new Stop(key, error);
    }
  };
  await walk(g.roots, g.waitsFor, work, limitOf(o), keys, done);

  const results = keys.map((k) => done.get(k) ?? { key: k, action: 'skipped' as const });
  return {
    results,
    deleted: results.filter((r) => r.action === 'deleted').map((r) => r.key),
    remaining: results.filter((r) => r.action === 'failed' || r.action === 'skipped').map((r) => r.key),
    leftAlone: results.flatMap((r) => (r.error instanceof NotOwned ? [{ key: r.key, title: byKey.get(r.key)!.title, error: r.error }] : [])),
  };
}

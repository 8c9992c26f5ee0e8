// The executor: applies a plan. Replacements the plan shows are refused before any write unless
// allowed; then retired steps are deleted (dependents first, a step inside a container deleted in
// the same run costs no call); then the graph is walked in dependency order, branches in
// parallel: a step reuses its first read while its dependencies keep their ids, is read again
// when they changed, or is known absent for a named reason (see readBasis). Every mutation is
// checkpointed through `save` as soon as it returns. Last, the extra copies reads found are deleted.
import { ReplaceNeeded, StepFailed } from './errors.js';
import { destroyGraph, runGraph } from './graph.js';
import { plan } from './plan.js';
import { limitOf, makeCtx, readBasis, Stop, stepsOf, stopped, walk, withAdopted, type AnyStep, type View } from './read.js';
import type { ApplyAction, ApplyResult, EngineEvent, EngineOptions, Live, Plan, StepContext, StepRecord, StepResult } from './types.js';

export interface ExecuteOptions {
  /** Allow replacing resources that AWS cannot change in place. */
  allowReplace?: boolean;
}

/** plan, then execute it. */
export async function apply<C>(o: EngineOptions<C>, opts: ExecuteOptions = {}): Promise<ApplyResult> {
  return execute(o, await plan(o), opts);
}

export async function execute<C>(o: EngineOptions<C>, p: Plan, opts: ExecuteOptions = {}): Promise<ApplyResult> {
  const { graph, retired } = stepsOf(o);
  const all = [...graph, ...retired];
  const keys = all.map((s) => s.key);
  const byKey = new Map(all.map((s) => [s.key, s]));
  const emit = (e: EngineEvent) => o.onEvent?.(e);
  const done = new Map<string, StepResult>();
  const failures = new Map<string, unknown>();
  const fail = (key: string, error: unknown): never => {
    if (!failures.has(key)) failures.set(key, error);
    emit({ type: 'failed', key, title: byKey.get(key)!.title, error });
    throw new Stop(key, error);
  };

  // Replacements that the plan shows are refused before anything is changed.
  if (!opts.allowReplace && p.replacements.length) {
    const { key, title } = p.replacements[0]!;
    const error = new ReplaceNeeded(p.replacements);
    emit({ type: 'failed', key, title, error });
    throw new StepFailed(key, error, stopped(keys, done, new Map([[key, error]])));
  }

  const final = new Map<string, StepRecord | undefined>();
  const actions = new Map<string, ApplyAction>();
  const view: View = {
    record: (k) => (final.has(k) ? final.get(k) : o.recorded[k]),
    changed: (k) => actions.get(k) === 'created' || actions.get(k) === 'updated',
    created: (k) => actions.get(k) === 'created',
  };
  const ctxFor = (step: AnyStep<C>) => makeCtx(o, step, view.record, step.dependsOn.filter(view.changed));
  const planned = new Map(p.steps.map((s) => [s.key, s]));

  // 1. Retired steps, on their own destroy graph: a step deleted with a retired container is
  // forgotten with it.
  const rg = destroyGraph(retired);
  const removeRetired = async (key: string) => {
    const step = byKey.get(key)!;
    emit({ type: 'start', key, title: step.title, phase: 'destroy' });
    const live = planned.get(key)?.live;
    try {
      if (live) for (const r of [live.record, ...(live.extras ?? [])]) await step.delete(ctxFor(step), r);
      const inside = rg.cascaded(key);
      await Promise.all([key, ...inside].map((k) => o.save(k, undefined)));
      for (const k of [key, ...inside]) {
        const gone = k === key ? live : planned.get(k)?.live;
        const action: ApplyAction = gone && live ? 'deleted' : 'unchanged';
        done.set(k, { key: k, action, ...(gone ? { record: gone.record } : {}) });
        emit({ type: 'done', key: k, title: byKey.get(k)!.title, action });
      }
    } catch (error) {
      fail(key, error);
    }
  };
  await walk(rg.roots, rg.waitsFor, removeRetired, limitOf(o), keys, done);

  // 2. The graph. Work a step defers (StepContext.defer) starts at once; its dependents do not
  // wait for it, the run does (also after a failure: nothing is left in flight).
  const extras: { step: AnyStep<C>; record: StepRecord }[] = [];
  const deferred: Promise<void>[] = [];
  const work = async (key: string) => {
    const step = byKey.get(key)!;
    emit({ type: 'start', key, title: step.title, phase: 'apply' });
    const tasks: Promise<void>[] = [];
    const ctx: StepContext<C> = {
      ...ctxFor(step),
      defer: (w) => {
        const p = w();
        p.catch(() => undefined); // handled once create has returned
        tasks.push(p);
      },
    };
    try {
      const first = p.wave.get(key);
      const basis = readBasis(step, first, view, o, byKey);
      let live: Live | undefined;
      if (basis.kind === 'wave') {
        if (first?.error) throw first.error;
        live = first?.live;
      } else if (basis.kind === 'reread') live = withAdopted(await step.read(ctx, o.recorded[key]), o.recorded[key]);

      let action: ApplyAction;
      let record: StepRecord;
      if (!live) {
        action = 'created';
        record = await step.create(ctx);
      } else if (live.changes.length === 0) {
        action = live.adopted ? 'adopted' : 'unchanged';
        record = live.record;
      } else {
        const replace = live.changes.filter((c) => c.replace);
        // A replacement only this later read shows (its dependency changed): refused the same way.
        if (replace.length && !opts.allowReplace) throw new ReplaceNeeded(replace.map((change) => ({ key, title: step.title, change })));
        action = 'updated';
        record = step.update ? await step.update(ctx, live) : live.record;
      }
      if (action !== 'unchanged' || JSON.stringify(record) !== JSON.stringify(o.recorded[key])) await o.save(key, record);
      for (const r of live?.extras ?? []) extras.push({ step, record: r });
      final.set(key, record);
      actions.set(key, action);
      const changes = live?.changes.length ? { changes: live.changes } : {};
      const finish = () => {
        done.set(key, { key, action, record, ...changes });
        emit({ type: 'done', key, title: step.title, action, ...changes });
      };
      // Dependents start now; the step itself is done once its deferred work is.
      if (tasks.length) {
        const finished = Promise.all(tasks).then(finish, (error: unknown) => fail(key, error));
        finished.catch(() => undefined); // collected after the graph has run
        deferred.push(finished);
      } else finish();
    } catch (error) {
      deferred.push(Promise.allSettled(tasks).then(() => undefined));
      fail(key, error);
    }
  };
  let failure: unknown;
  try {
    await runGraph(graph.map((s) => s.key), (k) => byKey.get(k)!.dependsOn, work, limitOf(o));
  } catch (e) {
    failure = e;
  }
  for (const r of await Promise.allSettled(deferred)) if (r.status === 'rejected') failure ??= r.reason;
  if (failure instanceof Stop) throw new StepFailed(failure.key, failure.error, stopped(keys, done, failures));
  if (failure) throw failure;

  // 3. Extra copies, once everything points at the copy kept (an authorizer in use cannot go).
  const settled = await Promise.allSettled(
    extras.map(async ({ step, record }) => {
      try {
        await step.delete(ctxFor(step), record);
      } catch (error) {
        fail(step.key, error);
      }
      const r = done.get(step.key)!;
      r.extras = [...(r.extras ?? []), record];
      emit({ type: 'done', key: step.key, title: step.title, action: 'deleted', extra: record });
    }),
  );
  const stop = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')?.reason as Stop | undefined;
  if (stop) throw new StepFailed(stop.key, stop.error, stopped(keys, done, failures));
  return { results: keys.map((k) => done.get(k)!) };
}

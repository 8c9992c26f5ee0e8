// apply / plan / readAll / destroy over a graph of Steps.
//
// Every operation starts with one concurrent read of all steps, using the ids recorded in
// state for dependencies (so a no-op `init` or a `status` is one round of reads deep). apply
// then walks the graph: a step whose dependencies kept their ids reuses that read; otherwise it
// is read again against this run's dependency records, except when nothing can have changed: its
// container (`deletedWith`) was created in this run, or the first read found nothing and looked
// at no dependency record that changed since. Mutations are checkpointed through `save` right
// after they return. destroy also reads every step at once before deleting anything.
import { checkGraph, runGraph } from './graph.js';
import type { ApplyAction, Change, DestroyAction, EngineEvent, Live, PlanAction, Step, StepContext, StepRecord, StepResult } from './types.js';

export interface EngineOptions<C> {
  steps: readonly Step<C, any>[];
  app: C;
  /** Records from the state file, per step key. */
  recorded: Readonly<Record<string, StepRecord | undefined>>;
  /** Persist (or with undefined, forget) one step's record. Called after every mutation. */
  save(key: string, record: StepRecord | undefined): Promise<void>;
  onEvent?(e: EngineEvent): void;
  /**
   * Awaited alongside the first wave of reads and before anything else: what must hold before the
   * first write (the account check, whose STS call goes out with the reads). A rejection ends the run.
   */
  ready?: Promise<void>;
  /** At most this many steps at work at once (default 16: a whole stack's reads go out in one wave). */
  concurrency?: number;
}

// Fourteen steps' reads at once stay well inside AWS's limits: about a third go to Cognito, whose
// control plane allows about 15 requests per second, and the clients retry adaptively.
const DEFAULT_CONCURRENCY = 16;

export class EngineFailure extends Error {
  constructor(
    readonly failedKey: string,
    override readonly cause: unknown,
    readonly results: StepResult[],
  ) {
    super(`step ${failedKey} failed: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'EngineFailure';
  }
}

type AnyStep<C> = Step<C, any>;

function enabledSteps<C>(o: EngineOptions<C>): AnyStep<C>[] {
  checkGraph(o.steps);
  const on = o.steps.filter((s) => s.enabled?.(o.app) ?? true);
  const keys = new Set(on.map((s) => s.key));
  // A step whose dependency is disabled is disabled too.
  let changed = true;
  while (changed) {
    changed = false;
    for (const s of on) {
      if (keys.has(s.key) && s.dependsOn.some((d) => !keys.has(d))) {
        keys.delete(s.key);
        changed = true;
      }
    }
  }
  return on.filter((s) => keys.has(s.key));
}

function makeCtx<C>(
  o: EngineOptions<C>,
  step: AnyStep<C>,
  records: (key: string) => StepRecord | undefined,
  changedDeps: string[],
): StepContext<C> {
  return {
    app: o.app,
    get: <R extends StepRecord>(key: string) => records(key) as R | undefined,
    changedDeps,
    checkpoint: (partial) => o.save(step.key, { ...(o.recorded[step.key] ?? {}), ...partial }),
    note: (message) => o.onEvent?.({ type: 'note', key: step.key, title: step.title, message }),
  };
}

interface FirstRead {
  live?: Live;
  error?: unknown;
  /** The dependency records the read looked at, as it saw them. */
  saw: Map<string, StepRecord | undefined>;
}

/** Read every step at once, with dependency ids from state. Errors are kept per step. */
async function readAllRecorded<C>(o: EngineOptions<C>, steps: AnyStep<C>[]): Promise<Map<string, FirstRead>> {
  const out = new Map<string, FirstRead>();
  const limit = o.concurrency ?? DEFAULT_CONCURRENCY;
  const queue = [...steps];
  const worker = async () => {
    for (let s = queue.shift(); s; s = queue.shift()) {
      const step = s;
      const saw = new Map<string, StepRecord | undefined>();
      const ctx = makeCtx(o, step, (k) => (saw.set(k, o.recorded[k]), o.recorded[k]), []);
      try {
        out.set(step.key, { live: await step.read(ctx, o.recorded[step.key]), saw });
      } catch (error) {
        out.set(step.key, { error, saw });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, steps.length) }, worker));
  return out;
}

function sameId(a: StepRecord | undefined, b: StepRecord | undefined): boolean {
  return a !== undefined && b !== undefined && a.id !== undefined && a.id === b.id;
}

export interface ApplyOptions {
  /** Compute what would happen; send no mutating request. */
  dryRun?: boolean;
  /** Allow replacing resources that AWS cannot change in place. */
  allowReplace?: boolean;
}

export interface ApplyResult {
  results: StepResult[];
}

/** Create, adopt or converge every step, in dependency order, branches in parallel. */
export async function apply<C>(o: EngineOptions<C>, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const steps = enabledSteps(o);
  const byKey = new Map(steps.map((s) => [s.key, s]));
  const [pre] = await Promise.all([readAllRecorded(o, steps), o.ready]);
  const final = new Map<string, StepRecord | undefined>();
  const actions = new Map<string, string>();
  const results: StepResult[] = [];

  // Replacements that the first read already shows are refused before anything is changed.
  if (!opts.dryRun && !opts.allowReplace) {
    const needed = steps.flatMap((s) => (pre.get(s.key)?.live?.changes ?? []).filter((c) => c.replace).map((c) => ({ step: s, change: c })));
    if (needed.length) {
      const first = needed[0]!.step.key;
      const error = replaceNeeded(needed.map((n) => `${n.step.title}: ${n.change.field} ${JSON.stringify(n.change.from)} -> ${JSON.stringify(n.change.to)}`));
      o.onEvent?.({ type: 'failed', key: first, title: needed[0]!.step.title, error });
      throw new EngineFailure(first, error, steps.map((s) => (s.key === first ? { key: s.key, action: 'failed', error } : { key: s.key, action: 'skipped' })));
    }
  }
  // A dependency that a dry run would create (or replace) has no id yet: its dependents see none.
  const willBeNew = (d: string) => opts.dryRun === true && ['create', 'replace'].includes(actions.get(d) ?? '');
  const containerCreated = (s: AnyStep<C>): boolean => {
    for (let cur: AnyStep<C> | undefined = s; cur?.deletedWith; cur = byKey.get(cur.deletedWith)) if (['create', 'created'].includes(actions.get(cur.deletedWith) ?? '')) return true;
    return false;
  };
  // The first read found nothing, and no dependency record it looked at has changed since.
  const stillAbsent = (first: FirstRead | undefined): boolean =>
    first !== undefined && !first.error && !first.live && [...first.saw].every(([k, v]) => JSON.stringify(final.has(k) ? final.get(k) : o.recorded[k]) === JSON.stringify(v));

  const work = async (key: string) => {
    const step = byKey.get(key)!;
    const emit = (e: EngineEvent) => o.onEvent?.(e);
    emit({ type: 'start', key, title: step.title, phase: 'apply' });
    const changedDeps = step.dependsOn.filter((d) => ['created', 'updated', 'create', 'update', 'replace'].includes(actions.get(d) ?? ''));
    // Work the step defers (StepContext.defer) starts at once; the run waits for it before it ends.
    const tasks: Promise<void>[] = [];
    const ctx: StepContext<C> = {
      ...makeCtx(o, step, (k) => (willBeNew(k) ? undefined : final.has(k) ? final.get(k) : o.recorded[k]), changedDeps),
      defer: (w) => {
        const p = w();
        p.catch(() => undefined); // handled below, once create has returned
        tasks.push(p);
      },
    };
    const failed = (error: unknown): never => {
      results.push({ key, action: 'failed', error });
      emit({ type: 'failed', key, title: step.title, error });
      throw new EngineFailure(key, error, results);
    };
    try {
      // Reuse the first read when every dependency kept the id it had in state.
      const depsStable = step.dependsOn.every((d) => sameId(final.get(d), o.recorded[d]) && !changedDeps.includes(d));
      const first = pre.get(key);
      let live: Live | undefined;
      if (depsStable && first && !first.error) live = first.live;
      else if (depsStable && first?.error) throw first.error;
      else if (containerCreated(step)) live = undefined; // its parent is new (or, in a dry run, will be): nothing is in it yet
      else if (stillAbsent(first)) live = undefined; // saves a round trip on the critical path of a new stack
      else live = await step.read(ctx, o.recorded[key]);

      if (live && live.adopted === undefined) live = { ...live, adopted: o.recorded[key] === undefined };
      let action: string;
      let record: StepRecord | undefined;
      let changes: Change[] | undefined;
      if (!live) {
        action = opts.dryRun ? 'create' : 'created';
        record = opts.dryRun ? undefined : await step.create(ctx);
      } else if (live.changes.length === 0) {
        action = opts.dryRun ? (live.adopted ? 'adopt' : 'no change') : live.adopted ? 'adopted' : 'unchanged';
        record = live.record;
      } else {
        changes = live.changes;
        const replace = live.changes.some((c) => c.replace);
        if (opts.dryRun) {
          action = replace ? 'replace' : 'update';
          record = live.record;
        } else if (replace && !opts.allowReplace) {
          throw replaceNeeded(live.changes.filter((c) => c.replace).map((c) => `${step.title}: ${c.field} ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`));
        } else if (step.update) {
          action = 'updated';
          record = await step.update(ctx, live);
        } else {
          action = 'updated';
          record = live.record;
        }
      }
      if (!opts.dryRun && record && (action !== 'unchanged' || JSON.stringify(record) !== JSON.stringify(o.recorded[key]))) {
        await o.save(key, record);
      }
      final.set(key, record);
      actions.set(key, action);
      const done = () => {
        results.push({ key, action, record, changes });
        emit({ type: 'done', key, title: step.title, action: action as ApplyAction | PlanAction, changes });
      };
      // Dependents start now; the step itself is done once its deferred work is.
      if (tasks.length) {
        const finished = Promise.all(tasks).then(done, failed);
        finished.catch(() => undefined); // collected after the graph has run
        deferred.push(finished);
      } else done();
    } catch (error) {
      deferred.push(Promise.allSettled(tasks).then(() => undefined));
      failed(error);
    }
  };
  const deferred: Promise<void>[] = [];

  // Steps switched off for these inputs (e.g. --no-user) whose resource was recorded: removed,
  // dependents first, after everything else converged.
  const removed = removedSteps(o, new Set(steps.map((s) => s.key)));
  const remove = async (step: AnyStep<C>) => {
    const key = step.key;
    o.onEvent?.({ type: 'start', key, title: step.title, phase: opts.dryRun ? 'read' : 'destroy' });
    const ctx = makeCtx(o, step, (k) => (final.has(k) ? final.get(k) : o.recorded[k]), []);
    try {
      const live = await step.read(ctx, o.recorded[key]);
      let action: string;
      if (opts.dryRun) action = live ? 'delete' : 'no change';
      else {
        if (live) await step.delete(ctx, live.record);
        await o.save(key, undefined);
        action = live ? 'deleted' : 'unchanged';
      }
      results.push({ key, action, record: live?.record });
      o.onEvent?.({ type: 'done', key, title: step.title, action: action as ApplyAction | PlanAction });
    } catch (error) {
      results.push({ key, action: 'failed', error });
      o.onEvent?.({ type: 'failed', key, title: step.title, error });
      throw new EngineFailure(key, error, results);
    }
  };

  const all = [...steps, ...removed];
  try {
    let failure: { error: unknown } | undefined;
    try {
      await runGraph(steps.map((s) => s.key), (k) => byKey.get(k)!.dependsOn, work, o.concurrency ?? DEFAULT_CONCURRENCY);
      for (const s of removed) await remove(s);
    } catch (error) {
      failure = { error };
    }
    // Deferred work is part of the run, also after a failure (nothing is left in flight).
    for (const r of await Promise.allSettled(deferred)) if (r.status === 'rejected') failure ??= { error: r.reason };
    if (failure) throw failure.error;
  } catch (e) {
    if (e instanceof EngineFailure) {
      for (const s of all) if (!results.some((r) => r.key === s.key)) results.push({ key: s.key, action: 'skipped' });
      throw new EngineFailure(e.failedKey, e.cause, all.map((s) => results.find((r) => r.key === s.key)!));
    }
    throw e;
  }
  return { results: all.map((s) => results.find((r) => r.key === s.key)!) };
}

function replaceNeeded(what: string[]): Error {
  return Object.assign(new Error(`${what.join('; ')}: AWS cannot change ${what.length > 1 ? 'these' : 'this'} in place, the resource must be replaced`), {
    hint: 'Run `plan` to see every replacement, then run init again with --allow-replace. Nothing was changed.',
    code: 'REPLACE_NEEDED',
  });
}

/** Disabled steps with a recorded resource, ordered so that dependents come before what they depend on. */
function removedSteps<C>(o: EngineOptions<C>, enabled: Set<string>): AnyStep<C>[] {
  const pending = o.steps.filter((s) => !enabled.has(s.key) && o.recorded[s.key] !== undefined);
  const ordered: AnyStep<C>[] = [];
  while (pending.length) {
    const i = pending.findIndex((s) => !pending.some((p) => p !== s && p.dependsOn.includes(s.key)));
    ordered.push(...pending.splice(i < 0 ? 0 : i, 1));
  }
  return ordered;
}

export type ReadState = 'ok' | 'missing' | 'drifted' | 'error';
export interface ReadResult {
  key: string;
  title: string;
  state: ReadState;
  record?: StepRecord;
  changes?: Change[];
  error?: unknown;
}

/** Read every step live, concurrently, changing nothing (`status`). */
export async function readAll<C>(o: EngineOptions<C>): Promise<ReadResult[]> {
  const steps = enabledSteps(o);
  const [pre] = await Promise.all([readAllRecorded(o, steps), o.ready]);
  return steps.map((s) => {
    const r = pre.get(s.key)!;
    if (r.error) return { key: s.key, title: s.title, state: 'error', error: r.error };
    if (!r.live) return { key: s.key, title: s.title, state: 'missing' };
    return { key: s.key, title: s.title, state: r.live.changes.length ? 'drifted' : 'ok', record: r.live.record, changes: r.live.changes };
  });
}

export interface DestroyResult {
  results: StepResult[];
}

function cascadeRoot<C>(byKey: Map<string, AnyStep<C>>, s: AnyStep<C>): string {
  let cur = s;
  while (cur.deletedWith && byKey.has(cur.deletedWith)) cur = byKey.get(cur.deletedWith)!;
  return cur.key;
}

/**
 * Delete in reverse dependency order. Steps deleted with a parent (an API's methods, a pool's
 * clients) cost no call of their own. A resource that is not ours is left alone and reported.
 */
export async function destroy<C>(o: EngineOptions<C>): Promise<DestroyResult> {
  checkGraph(o.steps);
  // Destroy considers every step, enabled or not: a step skipped now may have been created before.
  const steps = [...o.steps];
  const byKey = new Map(steps.map((s) => [s.key, s]));
  const dependents = new Map<string, string[]>(steps.map((s) => [s.key, []]));
  for (const s of steps) for (const d of s.dependsOn) dependents.get(d)!.push(s.key);
  const roots = new Map(steps.map((s) => [s.key, cascadeRoot(byKey, s)]));
  const results = new Map<string, StepResult>();

  // A step waits for the dependents that are deleted on their own (a domain before its pool,
  // a function before its role). Dependents deleted with a parent (a method with its API) are
  // gone when that parent is, and do not hold anything else up.
  const waitsFor = (k: string) => (byKey.get(k)!.deleteAlongsideDependents ? [] : dependents.get(k)!.filter((d) => roots.get(d) === d));
  const independent = steps.filter((s) => roots.get(s.key) === s.key);
  // Every read goes out at once, before anything is deleted (deleting a step's dependents does not
  // change what its own read finds): the chain of deletions then costs no extra read per link.
  // A dependency with no record (the state file was lost, or a crash came before the save) is
  // found by its own read first, so that its dependents look under the live one: without a
  // recorded pool, the domain must still be found and deleted before the pool.
  const firstRead = new Map<string, Promise<Live | undefined>>();
  const liveRecords = new Map<string, StepRecord>();
  const recordOf = (k: string) => o.recorded[k] ?? liveRecords.get(k);
  const readFirst = (s: AnyStep<C>): Promise<Live | undefined> => {
    let p = firstRead.get(s.key);
    if (p) return p;
    const unrecorded = s.dependsOn.filter((d) => o.recorded[d] === undefined && independent.some((x) => x.key === d));
    p = Promise.all(unrecorded.map((d) => readFirst(byKey.get(d)!).catch(() => undefined))).then(async () => {
      const live = await s.read(makeCtx(o, s, recordOf, []), o.recorded[s.key]);
      if (live) liveRecords.set(s.key, live.record);
      return live;
    });
    p.catch(() => undefined); // awaited (and handled) by the step's work
    firstRead.set(s.key, p);
    return p;
  };
  for (const s of independent) readFirst(s);
  await o.ready;

  const work = async (key: string) => {
    const step = byKey.get(key)!;
    o.onEvent?.({ type: 'start', key, title: step.title, phase: 'destroy' });
    const ctx = makeCtx(o, step, recordOf, []);
    let action: DestroyAction;
    try {
      let live: Live | undefined;
      try {
        live = await firstRead.get(key)!;
      } catch (e) {
        if ((e as { code?: string }).code === 'CONFLICT') {
          action = 'not owned';
          results.set(key, { key, action, error: e });
          o.onEvent?.({ type: 'done', key, title: step.title, action });
          return;
        }
        throw e;
      }
      if (live) {
        await step.delete(ctx, live.record);
        action = 'deleted';
      } else action = 'absent';
      // Everything cascaded from this step is gone with it (forgotten in the same state write).
      const cascaded = steps.filter((s) => s.key !== key && roots.get(s.key) === key);
      await Promise.all([key, ...cascaded.map((s) => s.key)].map((k) => o.save(k, undefined)));
      results.set(key, { key, action });
      o.onEvent?.({ type: 'done', key, title: step.title, action });
      for (const s of cascaded) {
        const had = o.recorded[s.key] !== undefined;
        const a: DestroyAction = had && action === 'deleted' ? 'deleted' : 'absent';
        results.set(s.key, { key: s.key, action: a });
        o.onEvent?.({ type: 'done', key: s.key, title: s.title, action: a });
      }
    } catch (error) {
      results.set(key, { key, action: 'failed', error });
      o.onEvent?.({ type: 'failed', key, title: step.title, error });
      throw new EngineFailure(key, error, [...results.values()]);
    }
  };

  try {
    await runGraph(independent.map((s) => s.key), waitsFor, work, o.concurrency ?? DEFAULT_CONCURRENCY);
  } catch (e) {
    if (e instanceof EngineFailure) {
      for (const s of steps) if (!results.has(s.key)) results.set(s.key, { key: s.key, action: 'skipped' });
      throw new EngineFailure(e.failedKey, e.cause, steps.map((s) => results.get(s.key)!));
    }
    throw e;
  }
  return { results: steps.map((s) => results.get(s.key) ?? { key: s.key, action: 'skipped' }) };
}

// What plan, execute, readAll and destroy share: the step context, the first wave of reads, the
// retired steps, and the rule that decides whether a later pass may reuse the first read.
import { MissingDependency, StepFailed, NotOwned } from './errors.js';
import { checkGraph, runGraph } from './graph.js';
import type { AnyStep, EngineOptions, Live, ReadBasis, Step, StepContext, StepRecord, StepResult, WaveRead } from './types.js';

export type { AnyStep } from './types.js';

// Fourteen steps' reads at once stay well inside AWS's limits: about a third go to Cognito, whose
// control plane allows about 15 requests per second, and the clients retry adaptively.
export const DEFAULT_CONCURRENCY = 16;

export const limitOf = <C>(o: EngineOptions<C>): number => o.concurrency ?? DEFAULT_CONCURRENCY;

/** A StepContext's `get` and `need` over a lookup of records by key (also for test harnesses). */
export function dependencyAccess<C>(stepKey: string, records: (key: string) => StepRecord | undefined): Pick<StepContext<C>, 'get' | 'need'> {
  return {
    get: <R extends StepRecord>(dep: Step<C, R>) => records(dep.key) as R | undefined,
    need: <R extends StepRecord>(dep: Step<C, R>): R => {
      const r = records(dep.key);
      if (!r) throw new MissingDependency(stepKey, dep.key);
      return r as R;
    },
  };
}

export function makeCtx<C>(o: EngineOptions<C>, step: AnyStep<C>, records: (key: string) => StepRecord | undefined, changedDeps: readonly string[]): StepContext<C> {
  return {
    app: o.app,
    ...dependencyAccess<C>(step.key, records),
    changedDeps,
    checkpoint: (partial) => o.save(step.key, { ...(o.recorded[step.key] ?? {}), ...partial }),
    note: (message) => o.onEvent?.({ type: 'note', key: step.key, title: step.title, message }),
  };
}

/** A context for reads only: a checkpoint would be a write, and reads never make one. */
export function readCtx<C>(o: EngineOptions<C>, step: AnyStep<C>, records: (key: string) => StepRecord | undefined, changedDeps: readonly string[]): StepContext<C> {
  return { ...makeCtx(o, step, records, changedDeps), checkpoint: () => Promise.reject(new Error(`step ${step.key}: a read may not checkpoint`)) };
}

/**
 * The graph checked, and the retired steps: keys recorded in state that are not in the graph,
 * rebuilt by `o.retired`, ordered dependents first. Their dependencies on keys that are neither in
 * the graph nor retired are dropped (nothing of those is left to order against).
 */
export function stepsOf<C>(o: EngineOptions<C>): { graph: AnyStep<C>[]; retired: AnyStep<C>[] } {
  checkGraph(o.steps);
  const inGraph = new Set(o.steps.map((s) => s.key));
  const found: AnyStep<C>[] = [];
  for (const [key, record] of Object.entries(o.recorded)) {
    if (inGraph.has(key) || record === undefined) continue;
    const s = o.retired?.(key, record);
    if (s) found.push(s);
  }
  const known = new Set([...inGraph, ...found.map((s) => s.key)]);
  const retired = found.map((s): AnyStep<C> => {
    const { deletedWith, ...rest } = s;
    return { ...rest, dependsOn: s.dependsOn.filter((d) => known.has(d)), ...(deletedWith && known.has(deletedWith) ? { deletedWith } : {}) };
  });
  checkGraph([...o.steps, ...retired]);
  const ordered: AnyStep<C>[] = [];
  const pending = [...retired];
  while (pending.length) {
    const i = pending.findIndex((s) => !pending.some((p) => p !== s && p.dependsOn.includes(s.key)));
    ordered.push(...pending.splice(i < 0 ? 0 : i, 1));
  }
  return { graph: [...o.steps], retired: ordered };
}

/** Read every step at once, with dependency ids from state. Errors are kept per step. */
export async function readWave<C>(o: EngineOptions<C>, steps: readonly AnyStep<C>[]): Promise<Map<string, WaveRead>> {
  const out = new Map<string, WaveRead>();
  const queue = [...steps];
  const worker = async () => {
    for (let s = queue.shift(); s; s = queue.shift()) {
      const step = s;
      const saw = new Map<string, StepRecord | undefined>();
      const ctx = readCtx(o, step, (k) => (saw.set(k, o.recorded[k]), o.recorded[k]), []);
      try {
        out.set(step.key, { live: withAdopted(await step.read(ctx, o.recorded[step.key]), o.recorded[step.key]), saw });
      } catch (error) {
        out.set(step.key, { error, saw });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limitOf(o), steps.length) }, worker));
  return out;
}

/** A read that did not say: adopted when nothing was recorded. */
export function withAdopted(live: Live | undefined, recorded: StepRecord | undefined): Live | undefined {
  return live && live.adopted === undefined ? { ...live, adopted: recorded === undefined } : live;
}

/** How a pass (plan or execute) sees the dependencies of the step it is at. */
export interface View {
  /** A dependency's record as this pass sees it now (undefined: none, or not created yet). */
  record(key: string): StepRecord | undefined;
  /** The dependency is created, updated or replaced in this pass. */
  changed(key: string): boolean;
  /** The dependency is created in this pass. */
  created(key: string): boolean;
}

const sameId = (a: StepRecord | undefined, b: StepRecord | undefined) => a !== undefined && b !== undefined && a.id !== undefined && a.id === b.id;

/** Whether the first read still holds, must be repeated, or can be skipped (and why). */
export function readBasis<C>(step: AnyStep<C>, first: WaveRead | undefined, view: View, o: EngineOptions<C>, byKey: ReadonlyMap<string, AnyStep<C>>): ReadBasis {
  const changed = step.dependsOn.filter((d) => view.changed(d) || !sameId(view.record(d), o.recorded[d]));
  if (changed.length === 0 && first) return { kind: 'wave' };
  for (let cur: AnyStep<C> | undefined = step; cur?.deletedWith; cur = byKey.get(cur.deletedWith)) {
    if (view.created(cur.deletedWith)) return { kind: 'skipped', reason: 'container-created' };
  }
  if (first && !first.error && !first.live && [...first.saw].every(([k, v]) => JSON.stringify(view.record(k)) === JSON.stringify(v))) {
    return { kind: 'skipped', reason: 'found-nothing-before' };
  }
  return { kind: 'reread', changed };
}

/** Results for a run that stopped: what was done, the failure(s), and 'skipped' for the rest. */
export function stopped(keys: readonly string[], done: ReadonlyMap<string, StepResult>, failures: ReadonlyMap<string, unknown>): StepResult[] {
  return keys.map((key) => {
    if (failures.has(key)) {
      const error = failures.get(key);
      return { key, action: error instanceof NotOwned ? 'not owned' : 'failed', error };
    }
    return done.get(key) ?? { key, action: 'skipped' };
  });
}

/** A step's error on its way out of a graph walk. */
export class Stop {
  constructor(
    readonly key: string,
    readonly error: unknown,
  ) {}
}

/**
 * runGraph over `keys`; a step's work throws Stop. Once the steps still running have finished,
 * the first Stop becomes StepFailed with every step's result as it is then (`all`: the run's keys).
 */
export async function walk(
  keys: readonly string[],
  waitsFor: (key: string) => readonly string[],
  work: (key: string) => Promise<void>,
  limit: number,
  all: readonly string[],
  done: ReadonlyMap<string, StepResult>,
): Promise<void> {
  try {
    await runGraph(keys, waitsFor, work, limit);
  } catch (e) {
    if (e instanceof Stop) throw new StepFailed(e.key, e.error, stopped(all, done, new Map([[e.key, e.error]])));
    throw e;
  }
}

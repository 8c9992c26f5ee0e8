// The read pass: one concurrent wave of reads (dependency ids from state), then a walk of the
// graph that predicts each step's action without any write. A step whose dependencies keep their
// ids reuses its first read; otherwise it is read again against the records this run will give
// them (none yet for what is created or replaced), unless a named reason says it must be absent.
// A foreign resource found by the wave stops the plan before anything else (NotOwned).
import { NotOwned, StepFailed } from './errors.js';
import { limitOf, readBasis, readCtx, readWave, Stop, stepsOf, stopped, walk, withAdopted, type AnyStep, type View } from './read.js';
import type { EngineOptions, Live, Plan, PlanAction, PlannedStep, ReadBasis, ReadResult, StepResult, WaveRead } from './types.js';

/** What a read's answer means for the step, before any write. */
export function actionOf(live: Live | undefined): PlanAction {
  if (!live) return 'create';
  if (live.changes.length === 0) return live.adopted ? 'adopt' : 'no change';
  return live.changes.some((c) => c.replace) ? 'replace' : 'update';
}

/** Every foreign resource the wave found: the run stops on all of them, before any write. */
function stopOnConflicts<C>(steps: readonly AnyStep<C>[], wave: ReadonlyMap<string, WaveRead>): void {
  const found = new Map(steps.flatMap((s) => (wave.get(s.key)?.error instanceof NotOwned ? [[s.key, wave.get(s.key)!.error] as const] : [])));
  if (found.size === 0) return;
  const [first, error] = [...found][0]!;
  throw new StepFailed(first, error, stopped(steps.map((s) => s.key), new Map(), found));
}

/** Read everything and say what `execute` would do. Sends no mutating request. */
export async function plan<C>(o: EngineOptions<C>): Promise<Plan> {
  const { graph, retired } = stepsOf(o);
  const all = [...graph, ...retired];
  const byKey = new Map(all.map((s) => [s.key, s]));
  const [wave] = await Promise.all([readWave(o, all), o.ready]);
  stopOnConflicts(all, wave);

  const planned = new Map<string, PlannedStep>();
  const view: View = {
    // A dependency that will be created (or replaced) has no id yet: its dependents see none.
    record: (k) => {
      const p = planned.get(k);
      return p ? (p.action === 'create' || p.action === 'replace' ? undefined : p.live?.record) : o.recorded[k];
    },
    changed: (k) => ['create', 'update', 'replace'].includes(planned.get(k)?.action ?? ''),
    created: (k) => planned.get(k)?.action === 'create',
  };
  const entry = (step: AnyStep<C>, action: PlanAction, live: Live | undefined, read: ReadBasis, origin: PlannedStep['origin']): PlannedStep => {
    const name = step.displayName?.(o.app);
    return { key: step.key, title: step.title, ...(name ? { name } : {}), action, origin, ...(live ? { live } : {}), changes: live?.changes ?? [], extras: live?.extras ?? [], read };
  };
  const work = async (key: string) => {
    const step = byKey.get(key)!;
    const first = wave.get(key);
    const read = readBasis(step, first, view, o, byKey);
    let live: Live | undefined;
    try {
      if (read.kind === 'wave') {
        if (first?.error) throw first.error;
        live = first?.live;
      } else if (read.kind === 'reread') {
        const ctx = readCtx(o, step, view.record, step.dependsOn.filter(view.changed));
        live = withAdopted(await step.read(ctx, o.recorded[key]), o.recorded[key]);
      }
    } catch (error) {
      throw new Stop(key, error);
    }
    const p = entry(step, actionOf(live), live, read, 'graph');
    planned.set(key, p);
    done.set(key, { key, action: p.action, ...(live ? { record: live.record } : {}) });
  };
  const done = new Map<string, StepResult>();
  const keys = all.map((s) => s.key);
  await walk(graph.map((s) => s.key), (k) => byKey.get(k)!.dependsOn, work, limitOf(o), keys, done);

  // Retired steps: deleted when their first read found them, else only forgotten.
  for (const step of retired) {
    const first = wave.get(step.key)!;
    if (first.error) throw new StepFailed(step.key, first.error, stopped(keys, done, new Map([[step.key, first.error]])));
    planned.set(step.key, entry(step, first.live ? 'delete' : 'no change', first.live, { kind: 'wave' }, 'retired'));
  }

  const steps = all.map((s) => planned.get(s.key)!);
  const replacements = steps.filter((p) => p.action === 'replace').flatMap((p) => p.changes.filter((c) => c.replace).map((change) => ({ key: p.key, title: p.title, change })));
  return { steps, replacements, wave };
}

/** Read every step live, concurrently, changing nothing (`status`). */
export async function readAll<C>(o: EngineOptions<C>): Promise<ReadResult[]> {
  const { graph } = stepsOf(o);
  const [wave] = await Promise.all([readWave(o, graph), o.ready]);
  return graph.map((s) => {
    const r = wave.get(s.key)!;
    if (r.error) return { key: s.key, title: s.title, state: 'error', error: r.error };
    if (!r.live) return { key: s.key, title: s.title, state: 'missing' };
    const extras = r.live.extras ?? [];
    const state = extras.length ? 'duplicate' : r.live.changes.length ? 'drifted' : 'ok';
    return { key: s.key, title: s.title, state, record: r.live.record, changes: r.live.changes, ...(extras.length ? { extras } : {}) };
  });
}

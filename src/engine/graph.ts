// Dependency graph utilities and a ready-pool scheduler with a concurrency limit.
import type { AnyStep } from './types.js';

export function checkGraph<C>(steps: readonly AnyStep<C>[]): void {
  const keys = new Set(steps.map((s) => s.key));
  if (keys.size !== steps.length) throw new Error('duplicate step keys');
  for (const s of steps) {
    for (const d of s.dependsOn) if (!keys.has(d)) throw new Error(`step ${s.key} depends on unknown step ${d}`);
    if (s.deletedWith && !s.dependsOn.includes(s.deletedWith)) throw new Error(`step ${s.key}: deletedWith must be one of its dependencies`);
  }
  // Cycle check (depth-first).
  const byKey = new Map(steps.map((s) => [s.key, s]));
  const state = new Map<string, 1 | 2>();
  const visit = (k: string, path: string[]) => {
    if (state.get(k) === 2) return;
    if (state.get(k) === 1) throw new Error(`dependency cycle: ${[...path, k].join(' -> ')}`);
    state.set(k, 1);
    for (const d of byKey.get(k)!.dependsOn) visit(d, [...path, k]);
    state.set(k, 2);
  };
  for (const s of steps) visit(s.key, []);
}

/** The longest chain of dependencies (in steps), used by `plan` and the benchmark. */
export function depth<C>(steps: readonly AnyStep<C>[], weight: (s: AnyStep<C>) => number = () => 1): number {
  const byKey = new Map(steps.map((s) => [s.key, s]));
  const memo = new Map<string, number>();
  const d = (k: string): number => {
    if (memo.has(k)) return memo.get(k)!;
    const s = byKey.get(k)!;
    const v = weight(s) + Math.max(0, ...s.dependsOn.filter((x) => byKey.has(x)).map(d));
    memo.set(k, v);
    return v;
  };
  return Math.max(0, ...steps.map((s) => d(s.key)));
}

/**
 * Runs `work(key)` for every node once all of `waitsFor(key)` have finished, at most `limit` at a
 * time. A failure stops new work from starting; running work is awaited; then the first error is
 * thrown. Nodes whose prerequisites failed are never started.
 */
export async function runGraph(
  keys: readonly string[],
  waitsFor: (key: string) => readonly string[],
  work: (key: string) => Promise<void>,
  limit = 8,
): Promise<void> {
  const pending = new Set(keys);
  const done = new Set<string>();
  const running = new Map<string, Promise<void>>();
  let firstError: unknown;
  let failed = false;

  while (pending.size > 0 || running.size > 0) {
    if (!failed) {
      for (const k of [...pending]) {
        if (running.size >= limit) break;
        if (waitsFor(k).every((d) => done.has(d) || !keys.includes(d))) {
          pending.delete(k);
          const p = work(k).then(
            () => {
              done.add(k);
              running.delete(k);
            },
            (e) => {
              running.delete(k);
              if (!failed) firstError = e;
              failed = true;
            },
          );
          running.set(k, p);
        }
      }
    }
    if (running.size === 0) {
      if (failed) break;
      if (pending.size > 0) throw new Error(`unreachable steps: ${[...pending].join(', ')}`);
      break;
    }
    await Promise.race(running.values());
  }
  if (failed) throw firstError;
}

/** The destroy graph: the same steps with their edges reversed, cascaded steps folded into their container. */
export interface DestroyGraph {
  /** Steps deleted by a call of their own (no deletedWith chain ending in a present step). */
  roots: string[];
  /** A root waits for these (its dependents that are roots themselves: a domain before its pool; none with deleteAlongsideDependents). */
  waitsFor(key: string): readonly string[];
  /** The steps deleted with this root (an API's methods, a pool's clients): no call of their own. */
  cascaded(key: string): readonly string[];
}

export function destroyGraph<C>(steps: readonly AnyStep<C>[]): DestroyGraph {
  const byKey = new Map(steps.map((s) => [s.key, s]));
  const rootOf = (s: AnyStep<C>): string => {
    let cur = s;
    while (cur.deletedWith && byKey.has(cur.deletedWith)) cur = byKey.get(cur.deletedWith)!;
    return cur.key;
  };
  const root = new Map(steps.map((s) => [s.key, rootOf(s)]));
  const roots = steps.filter((s) => root.get(s.key) === s.key).map((s) => s.key);
  // Dependents deleted with a parent (a method with its API) are gone when that parent is, and
  // hold nothing else up: only dependents that are roots are waited for.
  const waits = new Map<string, string[]>(roots.map((k) => [k, []]));
  // A step AWS deletes while its dependents still exist (a role a function names) waits for none.
  for (const s of steps) if (root.get(s.key) === s.key) for (const d of s.dependsOn) if (root.get(d) === d && !byKey.get(d)!.deleteAlongsideDependents) waits.get(d)?.push(s.key);
  const inside = new Map<string, string[]>(roots.map((k) => [k, []]));
  for (const s of steps) if (root.get(s.key) !== s.key) inside.get(root.get(s.key)!)!.push(s.key);
  return { roots, waitsFor: (k) => waits.get(k) ?? [], cascaded: (k) => inside.get(k) ?? [] };
}

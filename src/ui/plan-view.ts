// THE plan as a person reads it: `plan` (stdout), `init --dry-run`, and init's confirmation on a
// terminal (stderr) all print it with this one renderer, so they use the same words and marks.
// Each change is one line: the field, the live value, then the wanted value, labelled.
import type { ChalkInstance } from 'chalk';
import type { Change } from '../engine/types.js';

export type PlanViewAction = 'create' | 'adopt' | 'update' | 'replace' | 'delete' | 'no change';

export interface PlanViewStep {
  title: string;
  action: PlanViewAction;
  /** The live resource's id, when there is one. */
  id?: string | null;
  /** Its name for these inputs (shown when there is no id yet). */
  name?: string;
  changes?: readonly Change[];
  /** For replace: why AWS cannot change it in place. */
  reason?: string;
  /** Other copies tagged as this stack's (their ids): deleted, this one kept. */
  extras?: readonly string[];
}

/** A route the plan adds, removes, or whose scopes it changes (live then wanted). */
export type PlanViewRoute =
  | { route: string; change: 'add'; scopes: readonly string[] }
  | { route: string; change: 'remove' }
  | { route: string; change: 'change'; from: unknown; to: unknown };

export interface PlanView {
  stack: string;
  region: string;
  accountId: string;
  endpoint?: string;
  steps: readonly PlanViewStep[];
  /** Route changes, shown as a block of their own after the steps (absent or empty: no block). */
  routes?: readonly PlanViewRoute[];
  /** Lines after the counts (notes, what to run). */
  footer?: readonly string[];
}

export const MARKS: Record<PlanViewAction, string> = {
  create: '+ create',
  adopt: '> adopt',
  update: '~ update',
  replace: '± replace',
  delete: '- delete',
  'no change': '  no change',
};

const show = (v: unknown) => JSON.stringify(v);

/** One change: `field  live: <value>  wanted: <value>`. */
export const changeLine = (ch: Pick<Change, 'field' | 'from' | 'to'>): string => `${ch.field}  live: ${show(ch.from)}  wanted: ${show(ch.to)}`;

/** The counts line, the same for plan and init. */
export function planCounts(steps: readonly PlanViewStep[]): string {
  const n = (a: PlanViewAction) => steps.filter((s) => s.action === a).length;
  const extra = steps.reduce((k, s) => k + (s.extras?.length ?? 0), 0);
  return `Plan: ${n('create')} to create, ${n('update')} to update, ${n('replace')} to replace, ${n('delete') + extra} to delete, ${n('adopt')} to adopt, ${n('no change')} unchanged.`;
}

export function renderPlanView(v: PlanView, c: ChalkInstance): string {
  const paint: Record<PlanViewAction, (s: string) => string> = { create: c.green, adopt: c.cyan, update: c.yellow, replace: c.red, delete: c.red, 'no change': c.dim };
  const wm = Math.max(...Object.values(MARKS).map((m) => m.length));
  const wt = Math.max(0, ...v.steps.map((s) => s.title.length));
  const pad = ' '.repeat(2 + wm + 2);
  const where = `${v.region}, account ${v.accountId}${v.endpoint ? `, endpoint ${v.endpoint}` : ''}`;
  const lines = [c.bold(`Plan for stack ${v.stack} (${where}), against what is live now:`), ''];
  for (const s of v.steps) {
    const what = s.id ?? s.name ?? '';
    const adopt = s.action === 'adopt' ? c.dim('  (exists with this stack\'s tag: taken over)') : '';
    lines.push(`  ${paint[s.action](MARKS[s.action].padEnd(wm))}  ${s.title.padEnd(wt)}  ${what}${adopt}`.trimEnd());
    if (s.action === 'update' || s.action === 'replace') for (const ch of s.changes ?? []) lines.push(`${pad}${changeLine(ch)}${ch.replace ? c.red('  (forces replacement)') : ''}`);
    if (s.reason) lines.push(`${pad}why: ${s.reason}`);
    for (const x of s.extras ?? []) lines.push(`  ${paint.delete(MARKS.delete.padEnd(wm))}  ${s.title.padEnd(wt)}  ${x}  (another copy tagged as this stack's)`);
  }
  if (v.routes?.length) lines.push('', ...routeLines(v.routes, c));
  lines.push('', planCounts(v.steps), ...(v.footer ?? []));
  return lines.join('\n') + '\n';
}

/** The "Routes:" block: `+ POST /messages  scopes: ...`, `- DELETE /x`, `~ GET /y  scopes  live: [...]  wanted: [...]`. */
function routeLines(routes: readonly PlanViewRoute[], c: ChalkInstance): string[] {
  const w = Math.max(0, ...routes.filter((r) => r.change !== 'remove').map((r) => r.route.length));
  const line = (r: PlanViewRoute): string => {
    if (r.change === 'add') return `  ${c.green('+')} ${r.route.padEnd(w)}  scopes: ${r.scopes.join(', ') || '(none)'}`;
    if (r.change === 'remove') return `  ${c.red('-')} ${r.route}`;
    return `  ${c.yellow('~')} ${r.route.padEnd(w)}  ${changeLine({ field: 'scopes', from: r.from, to: r.to })}`;
  };
  return [c.bold('Routes:'), ...routes.map(line)];
}

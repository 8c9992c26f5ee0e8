// `status`: read every resource live and compare with what was asked; change nothing.
// Exit 0 when in sync, 3 when something is missing or drifted, 1 when a read failed.
import { readAll } from '../engine/index.js';
import type { GlobalArgs } from '../config/fields.js';
import { colorsFor } from '../ui/output.js';
import { changeLine } from '../ui/plan-view.js';
import { commandLine } from './command-line.js';
import { EXIT } from './exit-codes.js';
import { explain } from './explain.js';
import type { Handler } from './kernel.js';

export const handler: Handler<GlobalArgs> = async (ctx) => {
  const { args: o, io } = ctx;
  const local = ctx.recorded();
  const session = await ctx.session({ early: true });
  const results = await readAll(session.engine(() => undefined));
  const resources = results.map((r) => {
    const recorded = session.state.resources[r.key]?.id;
    const id = (r.record?.id ?? recorded) as string | undefined;
    const base: { key: string; title?: string; id: string | null; state: string; changes?: { field: string; from: unknown; to: unknown }[]; duplicates?: string[]; error?: string } = { key: r.key, id: id ?? null, state: r.state };
    if (r.changes?.length) base.changes = r.changes;
    // Other copies tagged as this stack's (init keeps the recorded one and deletes these).
    if (r.extras?.length) base.duplicates = r.extras.map((x) => String(x.id));
    if (r.error) {
      const e = explain(r.error, { endpoint: session.endpoint, region: session.state.region, profile: o.profile });
      base.error = e instanceof Error ? e.message : String(e);
    }
    return { ...base, title: r.title };
  });
  const inSync = results.every((r) => r.state === 'ok');
  const failed = results.some((r) => r.state === 'error');
  const json = { stack: session.state.stack, region: session.state.region, accountId: session.state.accountId, stateFile: local.stateFile, inSync, resources };
  const c = colorsFor({ env: io.env, stderr: io.stdout });
  const w = Math.max(...resources.map((r) => String(r.title).length));
  const lines = [`Stack ${session.state.stack} (${session.state.region}, account ${session.state.accountId}): ${inSync ? 'in sync' : 'NOT in sync'}`];
  for (const r of resources) {
    const mark = r.state === 'ok' ? c.green('ok      ') : r.state === 'missing' ? c.red('missing ') : r.state === 'drifted' ? c.yellow('drifted ') : r.state === 'error' ? c.red('error   ') : c.red(`${r.state} `.padEnd(8));
    let line = `  ${mark}${String(r.title).padEnd(w)}  ${r.id ?? ''}`;
    if (r.changes) line += `\n${r.changes.map((x) => `            ${changeLine(x)}`).join('\n')}`;
    if (r.duplicates) line += `\n            other copies tagged as this stack's: ${r.duplicates.join(', ')}`;
    if (r.error) line += `\n            ${r.error}`;
    lines.push(line);
  }
  if (!inSync) lines.push('', `Run ${commandLine('init', { stack: session.state.stack, state: o.state, profile: o.profile })} to recreate what is missing and put back what drifted.`);
  return { exit: failed ? EXIT.FAILED : inSync ? EXIT.OK : EXIT.PENDING, json, text: lines.join('\n') + '\n' };
};

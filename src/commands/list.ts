// `list`: the stacks recorded in the state directory, with region, account and whether each is
// complete (every step its inputs call for has a recorded resource). Reads only local files: no
// AWS request; `status --stack <name>` checks one live.
import { basename, resolve } from 'node:path';
import { defaultStateDir, isS3Url, listBackends } from '../state/backend.js';
import type { ArgsOf, LIST_FIELDS } from '../config/fields.js';
import { stepKeysFor } from '../steps/keys.js';
import { colorsFor, type Io } from '../ui/output.js';
import { explain } from './explain.js';
import { EXIT } from './exit-codes.js';
import { execute, type Handler } from './kernel.js';

export type ListOpts = ArgsOf<typeof LIST_FIELDS>;

export interface ListedStack {
  stack: string;
  region: string;
  accountId: string;
  endpoint: string | null;
  /** Every step the stack's inputs call for has a recorded resource. */
  complete: boolean;
  /** Step keys with no recorded resource (why it is not complete). */
  missing: string[];
  /** Another run holds the stack's lock right now. */
  locked: boolean;
  updatedAt: string;
  stateFile: string;
}

export interface UnreadableStateFile {
  stateFile: string;
  error: string;
}

export const handler: Handler<ListOpts> = async ({ args: o, io }) => {
  const dir = o.stateDir ? (isS3Url(o.stateDir) ? o.stateDir : resolve(o.stateDir)) : defaultStateDir();
  const stacks: ListedStack[] = [];
  const unreadable: UnreadableStateFile[] = [];
  const backends = await listBackends(dir, { region: o.region, profile: o.profile, endpoint: o.endpointUrl });
  for (const backend of backends) {
    const file = backend.location;
    try {
      const state = await backend.load();
      if (!state) continue;
      // The steps these inputs call for (e.g. no user step with --no-user).
      const wanted = stepKeysFor(state.inputs);
      const missing = wanted.filter((k) => state.resources[k] === undefined);
      stacks.push({
        stack: state.stack,
        region: state.region,
        accountId: state.accountId,
        endpoint: state.endpoint ?? null,
        complete: missing.length === 0,
        missing,
        locked: await backend.holder().then((h) => h !== undefined && !h.stale, () => false),
        updatedAt: state.updatedAt,
        stateFile: file,
      });
    } catch (e) {
      unreadable.push({ stateFile: file, error: (explain(e) as Error).message });
    }
  }

  const json = { stateDir: dir, stacks, unreadable };
  if (stacks.length === 0 && unreadable.length === 0) return { exit: EXIT.OK, json, text: `No stacks in ${dir}.\n` };
  const c = colorsFor({ env: io.env, stderr: io.stdout });
  const rows = stacks.map((s) => [
    s.stack,
    s.region,
    s.accountId,
    s.complete ? 'complete' : `incomplete (missing: ${s.missing.join(', ')})`,
    `${s.updatedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}${s.locked ? ' (running now)' : ''}${s.endpoint ? ` ${s.endpoint}` : ''}`,
  ]);
  const head = ['STACK', 'REGION', 'ACCOUNT', 'STATE', 'UPDATED'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(w[i]!))).join('  ');
  const lines = [`Stacks in ${dir}:`, '', `  ${c.bold(fmt(head))}`];
  for (const [i, r] of rows.entries()) {
    const line = `  ${fmt(r)}`;
    lines.push(stacks[i]!.complete ? line : c.yellow(line));
  }
  for (const u of unreadable) lines.push(`  ${c.red(basename(u.stateFile))}: ${u.error}`);
  if (stacks.some((s) => !s.complete)) lines.push('', 'An incomplete stack resumes with: npx cognito-scope-setup init --stack <name>');
  lines.push('', 'From the state files only; check a stack live with: npx cognito-scope-setup status --stack <name>');
  return { exit: EXIT.OK, json, text: lines.join('\n') + '\n' };
};

/** list, run as the CLI runs it (tests call it directly). */
export const runList = async (o: ListOpts & { json?: boolean }, io?: Io) => execute((await import('./registry.js')).LIST, o, io);

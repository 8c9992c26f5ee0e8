// V8's code cache for dist/ (src/launcher/compile-cache.ts), on the built CLI: the first run of a
// build writes an entry per file it loaded, the next run uses them, a refused or broken entry is
// compiled again and replaced, and a cache that cannot be written changes nothing a user sees.
// What the cache did is read from NODE_DEBUG's lines (Node's own switch for a module's debug log).
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { emulatorEnv, runCli, tempStateDir } from '../support/cli.js';

const DEBUG = 'cognito-scope-setup-compile-cache';
const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function newRoot(): string {
  const r = mkdtempSync(join(tmpdir(), 'css-cc-'));
  roots.push(r);
  return r;
}
/** The cache directory of this build under an XDG_CACHE_HOME (there is one: this Node's, this build's). */
function dirOf(root: string): string {
  const base = join(root, 'cognito-scope-setup', 'compile-cache');
  expect(readdirSync(base)).toEqual([`${process.version}-${process.arch}`]);
  const [build, ...more] = readdirSync(join(base, `${process.version}-${process.arch}`));
  expect(more).toEqual([]);
  expect(build).toMatch(/^[0-9a-f]{16}$/);
  return join(base, `${process.version}-${process.arch}`, build!);
}
async function run(args: string[], env: Record<string, string>) {
  const r = await runCli(args, { env: { ...emulatorEnv(tempStateDir()), NODE_DEBUG: DEBUG, ...env } });
  const lines = r.stderr.split('\n');
  const said = (what: string) => lines.filter((l) => l.includes(what)).map((l) => /: (\S+\.cjs): /.exec(l)?.[1]);
  return { ...r, used: said(': from the cache'), compiled: said(', compiled'), refused: said('refused by V8') };
}

// A command's help: the CLI and commander load, nothing is sent (`--help` and `--version` alone
// print the text the build rendered and load no CLI: test/e2e/rendered-help.test.ts).
const HELP = ['init', '--help'];

describe('the compile cache', () => {
  it('the first run writes an entry per file it loaded; the next run compiles nothing', async () => {
    const root = newRoot();
    const first = await run(HELP, { XDG_CACHE_HOME: root });
    expect(first.code, first.stderr).toBe(0);
    expect(first.used).toEqual([]);
    expect(first.compiled).toContain('cli.cjs');
    const dir = dirOf(root);
    expect(statSync(dir).mode & 0o777, 'the user\'s own: its data is loaded as code').toBe(0o700);
    const entries = readdirSync(dir);
    expect(entries.map((e) => e.replace(/\.\d+\.\d+\.v8$/, '')).sort()).toEqual([...first.compiled].sort());

    const second = await run(HELP, { XDG_CACHE_HOME: root });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(second.compiled).toEqual([]);
    expect([...second.used].sort()).toEqual([...first.compiled].sort());
    expect(readdirSync(dir).sort()).toEqual(entries.sort());
  });

  it('an AWS command: the SDK chunks come from the cache on the second run, with the same answer', async () => {
    const root = newRoot();
    const stack = `e2e-cc-${Date.now().toString(36)}`;
    const args = ['destroy', '--yes', '--json', '--stack', stack, '--region', 'us-east-1', '--endpoint-url', inject('emulatorEndpoint')];
    const env = { XDG_CACHE_HOME: root, COGNITO_SCOPE_SETUP_STATE_DIR: tempStateDir() };
    const first = await run(args, env);
    expect(first.code, first.stderr).toBe(0);
    const second = await run(args, env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json()).toEqual(first.json());
    expect(second.compiled).toEqual([]);
    expect(second.used.length).toBe(first.compiled.length);
    // The control: this run loaded the SDK's chunks, not only the entry.
    expect(second.used.length).toBeGreaterThan(30);
  });

  it('an entry V8 refuses (garbage, or made by another build) is compiled again and replaced', async () => {
    const root = newRoot();
    expect((await run(HELP, { XDG_CACHE_HOME: root })).code).toBe(0);
    const dir = dirOf(root);
    const cli = readdirSync(dir).find((e) => e.startsWith('cli.cjs.'))!;
    writeFileSync(join(dir, cli), Buffer.alloc(4096, 7));
    const r = await run(HELP, { XDG_CACHE_HOME: root });
    expect(r.code, r.stderr).toBe(0);
    expect(r.refused).toEqual(['cli.cjs']);
    expect(readFileSync(join(dir, cli)).equals(Buffer.alloc(4096, 7)), 'the entry was replaced').toBe(false);
    const again = await run(HELP, { XDG_CACHE_HOME: root });
    expect(again.compiled).toEqual([]);
  });

  it('a cache that cannot be written: the run is the same, and says nothing of it', async () => {
    const root = newRoot();
    const file = join(root, 'not-a-directory');
    writeFileSync(file, '');
    const noDebug = { NODE_DEBUG: '' };
    const plain = await run(HELP, { ...noDebug, NODE_DISABLE_COMPILE_CACHE: '1' });
    const blocked = await run(HELP, { ...noDebug, XDG_CACHE_HOME: file });
    expect(blocked.code).toBe(0);
    expect(blocked.stderr).toBe('');
    expect(blocked.stdout).toBe(plain.stdout);
  });

  it('NODE_DISABLE_COMPILE_CACHE=1 turns it off: nothing is read or written', async () => {
    const root = newRoot();
    const r = await run(HELP, { XDG_CACHE_HOME: root, NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(root)).toEqual([]);
    expect(r.compiled).toEqual([]);
  });

  it('NODE_COMPILE_CACHE (Node 22\'s setting) is where it goes when set', async () => {
    const root = newRoot();
    const r = await run(HELP, { NODE_COMPILE_CACHE: root, XDG_CACHE_HOME: join(root, 'xdg') });
    expect(r.code, r.stderr).toBe(0);
    const builds = join(root, 'cognito-scope-setup', `${process.version}-${process.arch}`);
    const [build] = readdirSync(builds);
    expect(readdirSync(join(builds, build!)).length).toBe(r.compiled.length);
  });
});

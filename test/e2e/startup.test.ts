// Instant start-up: `--help`, `--version` and usage errors load neither the AWS SDK nor the
// prompt and spinner libraries. The built CLI runs with a preload that records every module it
// loads (test/support/load-recorder.mjs); the bundle's chunks keep esbuild's `// node_modules/...`
// comments, which tell which library a loaded chunk carries. A command that talks to AWS is the
// control: it must show the SDK, or the check proves nothing (e.g. after a switch to minified
// output, which drops those comments).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { REPO, emulatorEnv, runCli, tempStateDir } from '../support/cli.js';

const RECORDER = pathToFileURL(join(REPO, 'test', 'support', 'load-recorder.mjs')).href;
const HEAVY = /^\/\/ \S*node_modules\/(@aws-sdk|@smithy|ora|@inquirer)\//m;

/** Run the CLI and return its exit code and the libraries found in the modules it loaded. */
async function loadedBy(args: string[], env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'css-load-'));
  const log = join(dir, 'loaded.txt');
  try {
    const r = await runCli(args, { env: { ...emulatorEnv(tempStateDir()), ...env, NODE_OPTIONS: `--import=${RECORDER}`, CSS_LOAD_LOG: log } });
    const urls = readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:'));
    const libs = new Set<string>();
    for (const u of urls) {
      for (const m of readFileSync(new URL(u), 'utf8').matchAll(new RegExp(HEAVY.source, 'gm'))) libs.add(m[1]!);
    }
    return { code: r.code, stderr: r.stderr, urls, libs: [...libs].sort() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('start-up loads only what it needs', () => {
  it.each([
    ['--help', ['--help'], 0],
    ['--version', ['--version'], 0],
    ['no arguments', [], 0],
    ['init --help', ['init', '--help'], 0],
    ['an unknown flag', ['init', '--no-such-flag'], 2],
    ['a bad stack name', ['init', '--stack', 'Bad_Name', '--no-user'], 2],
    ['a deprecated runtime', ['init', '--runtime', 'python3.9', '--no-user'], 2],
    ['destroy without --yes and no terminal', ['destroy', '--stack', 'demo'], 2],
    ['status with a bad stack name', ['status', '--stack', '-x'], 2],
  ])('%s: no AWS SDK, ora or @inquirer', async (_name, args, code) => {
    const r = await loadedBy(args as string[]);
    expect(r.code, r.stderr).toBe(code);
    expect(r.urls.some((u) => u.endsWith('/dist/cli.js')), 'the recorder saw the bundle load').toBe(true);
    expect(r.libs).toEqual([]);
  });

  it('the control: a command that talks to AWS does load the SDK (so the check above can fail)', async () => {
    const endpoint = inject('emulatorEndpoint');
    const stack = `e2e-startup-${Date.now().toString(36)}`;
    const r = await loadedBy(['destroy', '--yes', '--json', '--stack', stack, '--region', 'us-east-1', '--endpoint-url', endpoint]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.libs).toContain('@aws-sdk');
  });
});

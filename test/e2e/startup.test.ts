// Instant start-up: `--help`, `--version` and usage errors load neither the AWS SDK nor the
// prompt and spinner libraries, nor zod's classic API (750 KB: the rules use zod/mini); `list`
// with a state file loads no AWS SDK (its state directory is local). The built CLI runs with a preload that records every module it
// loads (test/support/load-recorder.mjs); the bundle's chunks keep esbuild's `// node_modules/...`
// comments, which tell which library a loaded chunk carries. A command that talks to AWS is the
// control: it must show the SDK, or the check proves nothing (e.g. after a switch to minified
// output, which drops those comments).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { emulatorEnv, tempStateDir } from '../support/cli.js';
import { runRecordingLoads } from '../support/loads.js';

const HEAVY = /^\/\/ \S*node_modules\/(@aws-sdk|@smithy|ora|@inquirer|zod\/v4\/classic)\//m;
const AGGREGATED = /^\/\/ \S*node_modules\/@aws-sdk\/client-[a-z-]+\/dist-es\/(IAM|Lambda|APIGateway|CognitoIdentityProvider|CloudWatchLogs|pagination\/index|waiters\/index)\.js/m;
/**
 * Our own modules a usage error of init or plan does without (the bundle names each source file in
 * a comment); each layer's error classes (errors.ts, aws/outcome.ts) are what the renderer needs.
 */
const OURS_HEAVY = /^\/\/ (src\/(?:engine|state|steps|aws)\/(?!errors\.|outcome\.)[\w-]+|src\/commands\/(?:init|plan|context))\.ts$/m;
const SDK = /^\/\/ \S*node_modules\/(@aws-sdk|@smithy)\//m;

/** Run the CLI and return its exit code and the libraries found in the modules it loaded. */
async function loadedBy(args: string[], env: Record<string, string> = {}, pattern = HEAVY) {
  const r = await runRecordingLoads(args, { ...emulatorEnv(tempStateDir()), ...env });
  const libs = new Set<string>();
  for (const u of r.urls) {
    for (const m of readFileSync(new URL(u), 'utf8').matchAll(new RegExp(pattern.source, 'gm'))) libs.add(m[1]!);
  }
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, urls: r.urls, libs: [...libs].sort() };
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
  ])('%s: no AWS SDK, ora, @inquirer or zod classic', async (_name, args, code) => {
    const r = await loadedBy(args as string[]);
    expect(r.code, r.stderr).toBe(code);
    // --help, --version and no arguments print the text the build rendered (dist/rendered.cjs; test/e2e/rendered-help.test.ts).
    expect(r.urls.some((u) => u.endsWith('/dist/cli.cjs') || u.endsWith('/dist/rendered.cjs')), 'the recorder saw the bundle load').toBe(true);
    expect(r.libs).toEqual([]);
  });

  it.each([
    ['a bad stack name', ['init', '--stack', 'Bad_Name', '--no-user']],
    ['a deprecated runtime', ['init', '--runtime', 'python3.9', '--no-user']],
    ['a bad --scope', ['plan', '--scope', 'a/b', '--no-user']],
  ])('init or plan with %s: the flags are judged before the command, the engine, the state and the AWS layer load', async (_name, args) => {
    const r = await loadedBy(args as string[], {}, OURS_HEAVY);
    expect(r.code, r.stderr).toBe(2);
    expect(r.libs).toEqual([]);
  });

  it('list with a stack in its local state directory: no AWS SDK (it reads only files)', async () => {
    const stateDir = tempStateDir();
    const state = {
      version: 1, tool: 'cognito-scope-setup', stack: 'demo', region: 'us-east-1', accountId: '123456789012',
      inputs: { stack: 'demo', runtime: 'python3.13', endpointType: 'EDGE', stage: 'dev', domainPrefix: 'demo-abc123', resourceServerId: 'demo-api',
        scopes: [{ name: 'read.helloworld.message', description: 'Read' }], callbackUrls: ['https://oauth.pstmn.io/v1/callback'], userMode: 'none' },
      domainPrefixGenerated: true, resources: { api: { id: 'abc', rootResourceId: 'r1' } }, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
    };
    writeFileSync(join(stateDir, 'demo.json'), JSON.stringify(state), { mode: 0o600 });
    const r = await loadedBy(['list', '--json'], { COGNITO_SCOPE_SETUP_STATE_DIR: stateDir }, SDK);
    expect(r.code, r.stderr).toBe(0);
    // The control: the stack was read and judged (incomplete: it has only the REST API).
    expect(r.stdout).toContain('"missing"');
    expect(r.libs).toEqual([]);
  });

  it('the control: a command that talks to AWS does load the SDK (so the check above can fail)', async () => {
    const endpoint = inject('emulatorEndpoint');
    const stack = `e2e-startup-${Date.now().toString(36)}`;
    const r = await loadedBy(['destroy', '--yes', '--json', '--stack', stack, '--region', 'us-east-1', '--endpoint-url', endpoint]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.libs).toContain('@aws-sdk');
    const ours = await loadedBy(['destroy', '--yes', '--json', '--stack', stack, '--region', 'us-east-1', '--endpoint-url', endpoint], {}, OURS_HEAVY);
    expect(ours.libs, 'the control: the source comments name our modules').toEqual(expect.arrayContaining(['src/engine/destroy', 'src/commands/context']));
    // Only the commands the stack uses: no client package's whole index (every command, the
    // aggregated client, paginators, waiters), which a dynamic import of the package would keep.
    const whole = await loadedBy(['destroy', '--yes', '--json', '--stack', stack, '--region', 'us-east-1', '--endpoint-url', endpoint], {}, AGGREGATED);
    expect(whole.libs).toEqual([]);
    const named = await loadedBy(['destroy', '--yes', '--json', '--stack', stack, '--region', 'us-east-1', '--endpoint-url', endpoint], {}, /^\/\/ \S*node_modules\/@aws-sdk\/client-iam\/dist-es\/(commands\/GetRoleCommand)\.js/m);
    expect(named.libs, 'the control: the chunk comments name the command modules loaded').toEqual(['commands/GetRoleCommand']);
    // Only the schemas of the operations the CLI sends: Lambda's CreateCodeSigningConfig is never
    // sent, GetFunction is (scripts/build-plugins.mjs inlineSchemaKeys lets esbuild drop the rest).
    const code = named.urls.map((u) => readFileSync(new URL(u), 'utf8')).join('\n');
    expect(code).toMatch(/\bvar GetFunction\$ = /);
    expect(code).not.toMatch(/\bCreateCodeSigningConfig\$ = /);
    // The tutorial's code is written out in src/steps/lambda-code.ts: no fflate (its tables take
    // about 4 ms to build at load) unless --code asks for a zip; the control is such a run.
    const zip = /^\/\/ \S*node_modules\/(fflate)\//m;
    expect((await loadedBy(['destroy', '--yes', '--json', '--stack', stack, '--region', 'us-east-1', '--endpoint-url', endpoint], {}, zip)).libs).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'css-code-'));
    writeFileSync(join(dir, 'main.py'), 'x = 1\n');
    const withCode = await loadedBy(['init', '--stack', stack, '--no-user', '--code', dir, '--handler', 'app.handler', '--region', 'us-east-1', '--endpoint-url', endpoint], {}, zip);
    expect(withCode.code, withCode.stderr).toBe(2);
    expect(withCode.libs, 'the control: --code loads fflate').toEqual(['fflate']);
  });
});

// The scripting interface, as a script or CI runs it: no terminal, so no prompt and no wait;
// every invalid value refused with exit 2 before any AWS request (a counting proxy stands
// between the CLI and the emulator); --print-config written by one run and replayed by another
// with --config and --yes; Ctrl-C during provisioning leaves a state that the next run resumes.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CALLBACK_URL_RULE } from '../../src/config/callback-url.js';
import { BIN, emulatorEnv, PASSWORD, REPO, runCli, tempStateDir } from '../support/cli.js';
import { withInitSignalledAtCreateFunction } from '../support/interrupt.js';
import { inventory } from '../support/inventory.js';
import { startCountingProxy, type CountingProxy } from '../support/proxy.js';
import { argsOf, VALIDATION_TABLE } from '../support/validation-table.js';

const endpoint = inject('emulatorEndpoint');
const id = Date.now().toString(36);
let proxy: CountingProxy;

beforeAll(async () => {
  proxy = await startCountingProxy(endpoint);
});
afterAll(async () => {
  await proxy?.close();
});

/** The CLI with stdin left open (never ended): a run that waited for input would hang here. */
function runWithOpenStdin(args: string[], env: Record<string, string>, timeoutMs = 30_000) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`init waited for input (killed after ${timeoutMs} ms): ${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
  });
}

describe('no terminal: never a prompt, never a wait; a missing value names its flag (exit 2)', () => {
  const cases: [string, string[], Record<string, string>, RegExp][] = [
    ['no flags at all', [], {}, /^error: --username: is required unless the user step is skipped \(--no-user\)$/m],
    ['--yes without a password source', ['--yes'], {}, /^error: --password-stdin: the password for user "tutorial-user" is missing/m],
    ['--no-input with a user name but no password', ['--no-input', '--username', 'alice'], {}, /^error: --password-stdin: the password for user "alice" is missing/m],
    ['--invite without an e-mail', ['--yes', '--invite'], {}, /^error: --email: is required with --invite/m],
    ['--print-config without a user name', ['--print-config'], {}, /^error: --username: is required/m],
  ];
  for (const [name, args, extraEnv, msg] of cases) {
    it(name, async () => {
      proxy.clear();
      const stateDir = tempStateDir();
      const r = await runWithOpenStdin(['init', '--stack', `e2e-nt-${id}`, '--endpoint-url', proxy.endpoint, ...args], { ...emulatorEnv(stateDir), ...extraEnv });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stdout).toBe('');
      expect(proxy.requests).toEqual([]);
      expect(readdirSync(stateDir)).toEqual([]);
    });
  }
});

describe('the validation table through the CLI: exit 2, one line naming the flag, no AWS request', () => {
  it('refuses every failing value of the table', async () => {
    proxy.clear();
    const env = { ...emulatorEnv(tempStateDir()), COGNITO_SCOPE_SETUP_PASSWORD: PASSWORD };
    const rows = [...VALIDATION_TABLE];
    const failures: string[] = [];
    // A few at a time: each run is a fresh node process.
    while (rows.length) {
      await Promise.all(
        rows.splice(0, 6).map(async (row) => {
          const args = ['init', '--yes', '--stack', `e2e-val-${id}`, '--username', 'alice', '--endpoint-url', proxy.endpoint, ...argsOf(row.bad)];
          const r = await runCli(args, { env, timeoutMs: 30_000 });
          const lines = r.stderr.trim().split('\n');
          if (r.code !== 2) failures.push(`${row.flag} (${row.rule}): exit ${r.code}\n${r.stderr}`);
          else if (!(row.cli ?? row.msg).test(r.stderr)) failures.push(`${row.flag} (${row.rule}): ${r.stderr} does not match ${row.cli ?? row.msg}`);
          else if (!lines.every((l) => /^error: (--[a-z-]+|option '--[a-z-]+)/.test(l) || /^hint: /.test(l) || l === '(run with --help for usage)')) failures.push(`${row.flag}: not one line per problem:\n${r.stderr}`);
          else if (r.stdout !== '') failures.push(`${row.flag}: wrote to stdout: ${r.stdout}`);
        }),
      );
    }
    expect(failures).toEqual([]);
    expect(proxy.requests).toEqual([]);
  });

  it('a password against the pool policy, from stdin, without echoing it', async () => {
    proxy.clear();
    const r = await runCli(['init', '--stack', `e2e-val-${id}`, '--username', 'alice', '--password-stdin', '--endpoint-url', proxy.endpoint], { env: emulatorEnv(tempStateDir()), input: 'weakpass1\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --password-stdin \(or COGNITO_SCOPE_SETUP_PASSWORD\): must contain an uppercase letter/m);
    expect(r.stderr).not.toContain('weakpass1');
    expect(proxy.requests).toEqual([]);
  });

  it('several problems from flags and the config file at once', async () => {
    proxy.clear();
    const dir = tempStateDir();
    const cfg = join(dir, 'bad.json');
    writeFileSync(cfg, JSON.stringify({ stage: 'a b', domainPrefix: 'my-amazon', callbackUrls: ['http://example.com/cb'] }));
    const r = await runCli(['init', '--config', cfg, '--stack', 'Bad_Stack', '--runtime', 'python3.8', '--endpoint-url', proxy.endpoint], { env: emulatorEnv(dir) });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'error: --stack "Bad_Stack": must be 1-32 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen',
      expect.stringMatching(/^error: --runtime "python3.8": is deprecated by AWS Lambda; use python3.13/),
      `error: --config ${cfg}: stage "a b": must be 1-128 letters, digits, hyphens or underscores`,
      `error: --config ${cfg}: domainPrefix "my-amazon": must not contain "aws", "amazon" or "cognito" (Cognito reserves them)`,
      `error: --config ${cfg}: callbackUrls[0] "http://example.com/cb": uses http on a host that is not loopback: ${CALLBACK_URL_RULE}`,
    ]);
    expect(proxy.requests).toEqual([]);
  });
});

describe('--print-config, then --config --yes in a script', () => {
  const stack = `e2e-replay-${id}`;
  const stateDir = tempStateDir();
  const env = { ...emulatorEnv(stateDir), COGNITO_SCOPE_SETUP_PASSWORD: PASSWORD };
  const cfg = join(stateDir, 'replay.json');
  let printed: any;

  it('prints the resolved settings as a config file, without a password, an AWS request or a state file', async () => {
    proxy.clear();
    const r = await runCli(
      ['init', '--print-config', '--stack', stack, '--region', 'us-east-1', '--endpoint-type', 'regional', '--scope', 'read.helloworld.message', '--scope', 'write.items=Write items', '--callback-url', 'https://oauth.pstmn.io/v1/callback', '--callback-url', 'http://localhost:8765/cb', '--username', 'carol', '--email', 'carol@example.com', '--endpoint-url', proxy.endpoint],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    printed = r.json();
    expect(printed).toMatchObject({
      stack,
      region: 'us-east-1',
      runtime: 'python3.13',
      endpointType: 'REGIONAL',
      stage: 'dev',
      resourceServerId: `${stack}-api`,
      scopes: [{ name: 'read.helloworld.message', description: 'Read the hello world message' }, { name: 'write.items', description: 'Write items' }],
      callbackUrls: ['https://oauth.pstmn.io/v1/callback', 'http://localhost:8765/cb'],
      userMode: 'password',
      username: 'carol',
      email: 'carol@example.com',
    });
    expect(printed.domainPrefix).toMatch(new RegExp(`^${stack}-[0-9a-f]{6}$`));
    expect(r.stdout).not.toContain(PASSWORD);
    expect(proxy.requests).toEqual([]);
    expect(readdirSync(stateDir)).toEqual([]);
    writeFileSync(cfg, r.stdout);
  });

  it('round trip: the file printed back is the same file; a flag still wins over it', async () => {
    const again = await runCli(['init', '--config', cfg, '--print-config'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.json()).toEqual(printed);
    const override = await runCli(['init', '--config', cfg, '--stage', 'prod', '--print-config'], { env });
    expect(override.json()).toEqual({ ...printed, stage: 'prod' });
    expect(proxy.requests).toEqual([]);
  });

  it('replays with --config --yes and no terminal: the stack is created as printed, with the human summary', async () => {
    proxy.clear();
    const r = await runCli(['init', '--config', cfg, '--yes', '--no-input', '--endpoint-url', proxy.endpoint], { env });
    expect(r.code, r.stderr).toBe(0);
    // Progress on stderr, one plain line per event (no spinner without a terminal).
    expect(r.stderr).toMatch(/^✓ Lambda function: created$/m);
    expect(r.stderr).not.toMatch(/\x1b\[/);
    const state = JSON.parse(readFileSync(join(stateDir, `${stack}.json`), 'utf8'));
    const { stack: _s, region, ...settings } = printed;
    expect(region).toBe(state.region);
    expect(state.inputs).toMatchObject(settings);
    const inv = await inventory(endpoint, stack);
    expect(inv).toMatchObject({ roles: 1, functions: 1, apis: 1, pools: 1, clients: 1, users: ['carol'], domains: [printed.domainPrefix] });

    // The summary: what exists, the Postman settings of step 9, and curl.
    const out = r.stdout;
    const apiId = state.resources.api.id;
    const clientId = state.resources.client.id;
    const invokeUrl = `${proxy.endpoint}/restapis/${apiId}/dev/_user_request_/`;
    expect(out).toContain(`Stack ${stack} is ready (us-east-1, account ${state.accountId}).`);
    expect(out).toMatch(new RegExp(`Invoke URL +${invokeUrl.replace(/[.?/]/g, '\\$&')}`));
    expect(out).toMatch(/Grant type +Authorization Code/);
    expect(out).toMatch(/Callback URL +https:\/\/oauth\.pstmn\.io\/v1\/callback/);
    expect(out).toContain(`Auth URL               ${proxy.endpoint}/oauth2/authorize`);
    expect(out).toContain(`Access Token URL       ${proxy.endpoint}/oauth2/token`);
    expect(out).toContain(`Client ID              ${clientId}`);
    expect(out).toContain(`Scope                  ${stack}-api/read.helloworld.message ${stack}-api/write.items`);
    expect(out).toMatch(/Client Authentication +Send as Basic Auth header/);
    expect(out).toContain(`curl -H "Authorization: Bearer $ACCESS_TOKEN" ${invokeUrl}`);
    expect(out).toContain(`npx cognito-scope-setup destroy --stack ${stack}`);
    expect(out).not.toContain(PASSWORD);
    expect(out).not.toMatch(/\x1b\[/); // not a terminal: no colour
  });

  it('the replay again changes nothing; then destroy removes it all', async () => {
    proxy.clear();
    const r = await runCli(['init', '--config', cfg, '--yes', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().steps.every((s: any) => s.action === 'unchanged')).toBe(true);
    const d = await runCli(['destroy', '--yes', '--json', '--stack', stack], { env });
    expect(d.code, d.stderr).toBe(0);
    expect(await inventory(endpoint, stack)).toMatchObject({ roles: 0, functions: 0, apis: 0, pools: 0 });
  });
});

describe('Ctrl-C during provisioning', () => {
  it('finishes the call in flight, records it, says how to resume (exit 130); the next run completes the stack', async () => {
    const stack = `e2e-sigint-${id}`;
    const stateDir = tempStateDir();
    const env = { ...emulatorEnv(stateDir), COGNITO_SCOPE_SETUP_PASSWORD: PASSWORD };
    // Ctrl-C while CreateFunction is on the wire; the call itself goes through.
    await withInitSignalledAtCreateFunction(endpoint, stack, env, 'SIGINT', async ({ code, stdout, stderr, signalled }) => {
      expect(signalled).toBe(true);
      expect(code, stderr).toBe(130);
      expect(stderr).toMatch(/finishing the AWS calls already in flight/);
      expect(stderr).toMatch(new RegExp(`Resume with: npx cognito-scope-setup init --stack ${stack}`));
      const doc = JSON.parse(stdout);
      expect(doc.error.code).toBe('INTERRUPTED');
      const state = JSON.parse(readFileSync(join(stateDir, `${stack}.json`), 'utf8'));
      // The function created in flight is recorded; what depends on it never started.
      expect(state.resources.function?.id).toBe(`${stack}-lambda`);
      expect(state.resources.permission).toBeUndefined();
      expect(state.resources.method).toBeUndefined();
      expect(state.resources.deployment).toBeUndefined();
      expect(existsSync(join(stateDir, `${stack}.json.lock`))).toBe(false);

      const again = await runCli(['init', '--yes', '--json', '--stack', stack], { env });
      expect(again.code, again.stderr).toBe(0);
      const steps = Object.fromEntries(again.json().steps.map((s: any) => [s.key, s.action]));
      expect(steps).toMatchObject({ function: 'unchanged', role: 'unchanged', permission: 'created', method: 'created', deployment: 'created' });
      expect(await inventory(endpoint, stack)).toMatchObject({ functions: 1, roles: 1, apis: 1 });
      const d = await runCli(['destroy', '--yes', '--json', '--stack', stack], { env });
      expect(d.code, d.stderr).toBe(0);
    });
  });
});

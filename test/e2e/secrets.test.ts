// Secrets: the app client's secret and the user's password never appear in the state file, on
// stdout or on stderr, with or without --verbose, on success or on failure, unless the user asks
// with --show-secret. The state file is mode 0600.
import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { emulatorEnv, runCli, tempStateDir, type CliResult } from '../support/cli.js';
import { actAsBrowser, freePort, startCli } from '../support/hosted-ui.js';
import { sdkClients } from '../support/inventory.js';
import { faultResponse, startCountingProxy, type CountingProxy } from '../support/proxy.js';

const endpoint = inject('emulatorEndpoint');
const RUN = Date.now().toString(36);
const PASSWORD = 'Sekr1t-Passw0rd!';

describe('the client secret and the password stay out of files and output', () => {
  const stack = `e2e-secrets-${RUN}`;
  const stateDir = tempStateDir();
  const env = emulatorEnv(stateDir);
  const stateFile = join(stateDir, `${stack}.json`);
  let proxy: CountingProxy;
  let port: number;
  let secret = '';
  /** Every command's output, checked at the end as well as one by one. */
  const seen: { what: string; out: string }[] = [];

  const check = (what: string, r: CliResult) => {
    const out = r.stdout + r.stderr;
    seen.push({ what, out });
    expect(out, `${what} printed the password`).not.toContain(PASSWORD);
    if (secret) expect(out, `${what} printed the client secret`).not.toContain(secret);
    const state = readFileSync(stateFile, 'utf8');
    expect(state, `state after ${what}`).not.toContain(PASSWORD);
    if (secret) expect(state, `state after ${what}`).not.toContain(secret);
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
  };

  beforeAll(async () => {
    proxy = await startCountingProxy(endpoint);
    port = await freePort();
  });
  afterAll(async () => {
    await runCli(['destroy', '--yes', '--stack', stack], { env });
    await proxy.close();
  });

  it('init, with --verbose and --json, and a failing init with --verbose', async () => {
    const args = ['init', '--yes', '--endpoint-url', proxy.endpoint, '--stack', stack, '--region', 'us-east-1', '--domain-prefix', `${stack}-login`, '--callback-port', String(port), '--username', 'alice', '--email', 'alice@example.com', '--password-stdin'];
    // First a failure right where the password is sent: its error must not echo it, even with --verbose.
    proxy.before = async (r) => (r.operation === 'AdminSetUserPassword' ? faultResponse(r, 'error500') : undefined);
    const failed = await runCli([...args, '--verbose'], { env, input: PASSWORD + '\n' });
    proxy.before = undefined;
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/user failed/);
    expect(failed.stderr).toMatch(/\n\s+at /); // --verbose shows the stack
    check('failed init --verbose', failed);

    const r = await runCli([...args, '--verbose'], { env, input: PASSWORD + '\n' });
    expect(r.code, r.stderr).toBe(0);
    const { cognito } = sdkClients(endpoint);
    const outputs = JSON.parse(readFileSync(stateFile, 'utf8')).resources;
    secret = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: outputs.userPool.id, ClientId: outputs.client.id }))).UserPoolClient!.ClientSecret!;
    expect(secret.length).toBeGreaterThan(10);
    check('init --verbose', r);
    check('init --json --verbose', await runCli([...args, '--json', '--verbose'], { env, input: PASSWORD + '\n' }));
    check('init', await runCli(args, { env, input: PASSWORD + '\n' }));
    expect(statSync(dirname(stateFile)).mode & 0o077).toBe(0);
  });

  it('status', async () => {
    for (const extra of [[], ['--json'], ['--verbose']]) {
      const r = await runCli(['status', '--stack', stack, ...extra], { env });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      check(`status ${extra.join(' ')}`, r);
    }
  });

  it('outputs: never the secret, unless --show-secret', async () => {
    for (const extra of [[], ['--json'], ['--verbose']]) {
      const r = await runCli(['outputs', '--stack', stack, ...extra], { env });
      expect(r.code, r.stderr).toBe(0);
      check(`outputs ${extra.join(' ')}`, r);
    }
    // The check above can fail: asked for, the secret is there.
    const shown = await runCli(['outputs', '--stack', stack, '--json', '--show-secret'], { env });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.json().outputs.clientSecret).toBe(secret);
    expect(readFileSync(stateFile, 'utf8')).not.toContain(secret);
  });

  it('token (signing in as the user, which sends the secret to the token endpoint), with --verbose and --json', async () => {
    for (const extra of [['--json'], ['--verbose']]) {
      const cli = startCli(['token', '--stack', stack, '--timeout', '60', '--callback-port', String(port), ...extra], { env });
      await actAsBrowser(cli, 'alice', PASSWORD);
      const r = await cli.done;
      expect(r.code, r.stderr).toBe(0);
      check(`token ${extra.join(' ')}`, r);
    }
  });

  it('token when the token endpoint refuses the client, with --verbose', async () => {
    proxy.before = async (r) => (r.path.startsWith('/oauth2/token') ? { status: 400, body: JSON.stringify({ error: 'invalid_client' }) } : undefined);
    try {
      const cli = startCli(['token', '--stack', stack, '--timeout', '60', '--callback-port', String(port), '--verbose'], { env });
      await actAsBrowser(cli, 'alice', PASSWORD);
      const r = await cli.done;
      expect(r.code).toBe(1);
      check('failed token --verbose', r);
    } finally {
      proxy.before = undefined;
    }
  });

  it('verify, with --verbose and --json', async () => {
    for (const extra of [['--json'], ['--verbose']]) {
      const cli = startCli(['verify', '--stack', stack, '--timeout', '60', '--callback-port', String(port), ...extra], { env });
      await actAsBrowser(cli, 'alice', PASSWORD);
      const r = await cli.done;
      expect(r.code, r.stdout + r.stderr).toBe(0);
      check(`verify ${extra.join(' ')}`, r);
    }
  });

  it('destroy --verbose', async () => {
    const r = await runCli(['destroy', '--yes', '--verbose', '--stack', stack], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    expect(r.stdout + r.stderr).not.toContain(secret);
    // Every command above really ran and was looked at.
    expect(seen.map((s) => s.what)).toEqual([
      'failed init --verbose', 'init --verbose', 'init --json --verbose', 'init',
      'status ', 'status --json', 'status --verbose',
      'outputs ', 'outputs --json', 'outputs --verbose',
      'token --json', 'token --verbose', 'failed token --verbose',
      'verify --json', 'verify --verbose',
    ]);
  });
});

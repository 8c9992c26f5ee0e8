// `init` in a real (pseudo-)terminal, as a new user runs it: no flags but the emulator's
// endpoint, every question answered by keystrokes, a plan confirmed, a working stack and its
// summary at the end. Also Ctrl-C at a prompt and at the confirmation (exit 130, nothing
// created), and --no-input on a terminal (exit 2, no prompt). Driven by test/support/pty-driver.py.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli, tempStateDir } from '../support/cli.js';
import { inventory } from '../support/inventory.js';
import { startCountingProxy, type CountingProxy } from '../support/proxy.js';
import { inPty, type PtyResult } from '../support/pty.js';

const endpoint = inject('emulatorEndpoint');
const PASSWORD = 'Corr3ct-Horse!';
const id = Date.now().toString(36);
const ENTER = '\r';
const DOWN = '\u001b[B';
const CTRL_C = '\u0003';
const CTRL_U = '\u0015';
const BACKSPACE = '\u007f';
let proxy: CountingProxy;

beforeAll(async () => {
  proxy = await startCountingProxy(endpoint);
});
afterAll(async () => {
  await proxy?.close();
});

function inTerminal(args: string[], stateDir: string, steps: [string, string][]): Promise<PtyResult> {
  const env = {
    PATH: process.env.PATH!,
    HOME: process.env.HOME!,
    TERM: 'xterm-256color',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    COGNITO_SCOPE_SETUP_STATE_DIR: stateDir,
  };
  return inPty(args, { env, steps });
}

describe('init with no flags, in a terminal', () => {
  const stack = `e2e-wiz-${id}`;
  const stateDir = tempStateDir();
  let run: PtyResult;

  it('walks through the tutorial, shows the plan, asks, and ends with a working stack and its summary', async () => {
    proxy.clear();
    run = await inTerminal(['init', '--endpoint-url', proxy.endpoint], stateDir, [
      ['\\? Stack name', `${stack}${ENTER}`],
      ['\\? AWS region \\(us-east-1\\)', ENTER],
      ['\\? Lambda runtime', ENTER],
      ['\\? API endpoint type', `${DOWN}${ENTER}`],
      ['\\? Resource server identifier', ENTER],
      ['\\? Scope name', ENTER],
      ['\\? Description of read\\.helloworld\\.message', ENTER],
      ['\\? Add another scope', `y${ENTER}`],
      ['\\? Scope 2 name', ENTER],
      ['\\? Description of write\\.helloworld\\.message', `Write the message${ENTER}`],
      ['\\? Add another scope', ENTER],
      ['\\? Protect routes of your own instead of GET /\\?', ENTER],
      ['\\? Callback URLs', `http://example.com/cb${ENTER}`],
      ['uses http on a host that is not loopback', `${CTRL_U}${ENTER}`],
      // Backspace on an empty line keeps the default (inquirer's own input would erase it).
      ['\\? Domain prefix', `${BACKSPACE}${BACKSPACE}${ENTER}`],
      ['\\? User name \\(tutorial-user\\)', `alice${ENTER}`],
      ['\\? E-mail address', `alice@example.com${ENTER}`],
      ['\\? How does the user get a password', ENTER],
      ['\\? Password for alice', `weak${ENTER}`],
      ['must be at least 8 characters', `${CTRL_U}${PASSWORD}${ENTER}`],
      ['\\? The same password again', `Other-Passw0rd!${ENTER}`],
      ['The two passwords differ; type both again\\.', ''],
      ['\\? Password for alice', `${PASSWORD}${ENTER}`],
      ['\\? The same password again', `${PASSWORD}${ENTER}`],
      ['Plan: 13 to create, 0 to update, 0 to replace, 0 to delete, 0 to adopt, 0 unchanged\\.', ''],
      ['\\? Go ahead in account \\d{12} \\(us-east-1\\)\\?', ENTER],
    ]);
    expect(run.error, run.output).toBeNull();
    expect(run.code, run.output).toBe(0);
    const o = run.output;
    // What the user saw: the intro, one explanation per step, the plan, progress, the summary.
    expect(o).toContain('sets up the AWS tutorial');
    expect(o).toContain('Every resource is named after the stack');
    expect(o).toMatch(/Plan for stack e2e-wiz-\w+ \(us-east-1, account \d{12}/);
    expect(o).toMatch(/\+ create\s+Lambda function\s+e2e-wiz-\w+-lambda/);
    expect(o).toMatch(new RegExp(`Stack ${stack} is ready`));
    expect(o).toMatch(/Grant type +Authorization Code/);
    expect(o).toMatch(/Client Authentication +Send as Basic Auth header/);
    expect(o).toContain('curl -H "Authorization: Bearer $ACCESS_TOKEN"');
    // The password was masked and never printed.
    expect(o).not.toContain(PASSWORD);
    expect(o).toContain('*'.repeat(PASSWORD.length));
  });

  it('created what was answered', async () => {
    const state = JSON.parse(readFileSync(join(stateDir, `${stack}.json`), 'utf8'));
    expect(state.inputs).toMatchObject({
      stack,
      runtime: 'python3.13',
      endpointType: 'REGIONAL',
      resourceServerId: `${stack}-api`,
      scopes: [{ name: 'read.helloworld.message' }, { name: 'write.helloworld.message', description: 'Write the message' }],
      callbackUrls: ['https://oauth.pstmn.io/v1/callback'],
      userMode: 'password',
      username: 'alice',
      email: 'alice@example.com',
    });
    expect(JSON.stringify(state)).not.toContain(PASSWORD);
    const inv = await inventory(endpoint, stack);
    expect(inv).toMatchObject({ roles: 1, functions: 1, apis: 1, pools: 1, clients: 1, users: ['alice'], stages: ['dev'] });
    expect([...inv.methodsWithScopes[0]!].sort()).toEqual([`${stack}-api/read.helloworld.message`, `${stack}-api/write.helloworld.message`]);
    const env = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', COGNITO_SCOPE_SETUP_STATE_DIR: stateDir, NO_COLOR: '1' };
    const st = await runCli(['status', '--stack', stack, '--json'], { env });
    expect(st.code, st.stderr).toBe(0);
    const d = await runCli(['destroy', '--stack', stack, '--yes', '--json'], { env });
    expect(d.code, d.stderr).toBe(0);
  });
});

describe('Ctrl-C and --no-input in a terminal', () => {
  it('Ctrl-C at a prompt exits 130; nothing was sent to AWS, no state file', async () => {
    proxy.clear();
    const stateDir = tempStateDir();
    const r = await inTerminal(['init', '--endpoint-url', proxy.endpoint], stateDir, [
      ['\\? Stack name', `e2e-cc-${id}${ENTER}`],
      ['\\? AWS region', ENTER],
      ['\\? Lambda runtime', CTRL_C],
    ]);
    expect(r.error, r.output).toBeNull();
    expect(r.code, r.output).toBe(130);
    expect(r.output).toContain('Cancelled (Ctrl-C) at a prompt: nothing was created, changed or deleted.');
    expect(proxy.requests).toEqual([]);
    expect(readdirSync(stateDir)).toEqual([]);
  });

  it('Ctrl-C at the plan exits 130 after reads only: no mutating request, no state file, lock released', async () => {
    proxy.clear();
    const stateDir = tempStateDir();
    const stack = `e2e-ccplan-${id}`;
    const r = await inTerminal(['init', '--endpoint-url', proxy.endpoint, '--stack', stack, '--region', 'us-east-1', '--runtime', 'python3.13', '--endpoint-type', 'EDGE', '--resource-server-id', `${stack}-api`, '--scope', 'read.helloworld.message', '--callback-url', 'https://oauth.pstmn.io/v1/callback', '--domain-prefix', `${stack}-login`, '--no-user'], stateDir, [
      ['12 to create', ''],
      ['\\? Go ahead in account', CTRL_C],
    ]);
    expect(r.error, r.output).toBeNull();
    expect(r.code, r.output).toBe(130);
    expect(proxy.requests.length).toBeGreaterThan(0); // the account lookup and the dry run's reads
    expect(proxy.writes()).toEqual([]);
    expect(existsSync(join(stateDir, `${stack}.json`))).toBe(false);
    expect(existsSync(join(stateDir, `${stack}.json.lock`))).toBe(false);
  });

  it('--yes asks nothing, even in a terminal; answering no at the plan creates nothing (exit 1)', async () => {
    proxy.clear();
    const stateDir = tempStateDir();
    const stack = `e2e-no-${id}`;
    const r = await inTerminal(['init', '--endpoint-url', proxy.endpoint, '--stack', stack, '--yes', '--no-user', '--domain-prefix', `${stack}-login`], stateDir, []);
    // --yes: no question at all, even in a terminal (it creates the stack; remove it again).
    expect(r.code, r.output).toBe(0);
    expect(r.output).not.toContain('? ');
    const env = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', COGNITO_SCOPE_SETUP_STATE_DIR: stateDir };
    expect((await runCli(['destroy', '--stack', stack, '--yes'], { env })).code).toBe(0);

    proxy.clear();
    const other = `e2e-no2-${id}`;
    const n = await inTerminal(['init', '--endpoint-url', proxy.endpoint, '--stack', other, '--region', 'us-east-1', '--runtime', 'python3.13', '--endpoint-type', 'EDGE', '--resource-server-id', `${other}-api`, '--scope', 'read.helloworld.message', '--callback-url', 'https://oauth.pstmn.io/v1/callback', '--domain-prefix', `${other}-login`, '--no-user'], stateDir, [
      ['\\? Go ahead in account', `n${ENTER}`],
    ]);
    expect(n.code, n.output).toBe(1);
    expect(n.output).toContain('Nothing was created or changed.');
    expect(proxy.writes()).toEqual([]);
    expect(existsSync(join(stateDir, `${other}.json`))).toBe(false);
  });

  it('--no-input in a terminal never prompts: exit 2 naming the flag', async () => {
    proxy.clear();
    const r = await inTerminal(['init', '--no-input', '--endpoint-url', proxy.endpoint], tempStateDir(), []);
    expect(r.code, r.output).toBe(2);
    expect(r.output).toContain('error: --username: is required');
    expect(r.output).not.toContain('? ');
    expect(proxy.requests).toEqual([]);
  });
});

// The core flow, as a user runs it: the built CLI against the emulator, checked by an
// independent SDK client and a counting proxy.
import { DeleteUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { emulatorEnv, runCli, tempStateDir } from '../support/cli.js';
import { inventory, sdkClients } from '../support/inventory.js';
import { startCountingProxy, type CountingProxy } from '../support/proxy.js';

const endpoint = inject('emulatorEndpoint');
const stack = `e2e-core-${Date.now().toString(36)}`;
const PASSWORD = 'Corr3ct-Horse!';
let proxy: CountingProxy;
let stateDir: string;
let env: Record<string, string>;
let init: any;

const FLAGS = [
  '--stack', stack,
  '--region', 'us-east-1',
  '--runtime', 'python3.13',
  '--endpoint-type', 'REGIONAL',
  '--stage', 'dev',
  '--domain-prefix', `${stack}-login`,
  '--resource-server-id', `${stack}-api`,
  '--scope', 'read.helloworld.message=Read the hello world message',
  '--scope', 'write.helloworld.message=Write it',
  '--callback-url', 'https://oauth.pstmn.io/v1/callback',
  '--callback-url', 'http://localhost:8765/callback',
  '--username', 'alice',
  '--email', 'alice@example.com',
  '--password-stdin',
];

beforeAll(async () => {
  proxy = await startCountingProxy(endpoint);
  stateDir = tempStateDir();
  env = emulatorEnv(stateDir);
});
afterAll(async () => {
  await proxy?.close();
});

describe('init / status / destroy against the emulator', () => {
  it('init --yes --json with every flag creates the stack and prints the contract', async () => {
    const r = await runCli(['init', '--yes', '--json', '--endpoint-url', proxy.endpoint, ...FLAGS], { env, input: PASSWORD + '\n' });
    expect(r.code, r.stderr).toBe(0);
    init = r.json();
    expect(init).toMatchObject({ stack, region: 'us-east-1', accountId: expect.stringMatching(/^\d{12}$/), stateFile: join(stateDir, `${stack}.json`) });
    expect(init.outputs).toMatchObject({
      invokeUrl: `${proxy.endpoint}/restapis/${init.outputs.restApiId}/dev/_user_request_/`,
      stage: 'dev',
      tokenUrl: `${proxy.endpoint}/oauth2/token`,
      authorizeUrl: `${proxy.endpoint}/oauth2/authorize`,
      scopes: [`${stack}-api/read.helloworld.message`, `${stack}-api/write.helloworld.message`],
      username: 'alice',
      functionName: `${stack}-lambda`,
    });
    expect(init.outputs.userPoolId).toBeTruthy();
    expect(init.outputs.clientId).toBeTruthy();
    expect(init.steps.map((s: any) => s.action)).toEqual(Array(13).fill('created'));
    // Progress went to stderr, never to stdout.
    expect(r.stderr).toMatch(/Lambda function: created/);
  });

  it('an independent SDK client finds exactly one of each resource', async () => {
    const inv = await inventory(endpoint, stack);
    expect(inv).toMatchObject({ roles: 1, functions: 1, apis: 1, authorizers: 1, pools: 1, clients: 1, stages: ['dev'], users: ['alice'], domains: [`${stack}-login`], resourceServers: [`${stack}-api`] });
    expect(inv.methodsWithScopes).toHaveLength(1);
    expect([...inv.methodsWithScopes[0]!].sort()).toEqual([`${stack}-api/read.helloworld.message`, `${stack}-api/write.helloworld.message`]);
  });

  it('the state file holds ids and inputs, mode 0600, and no secret or password', async () => {
    const f = join(stateDir, `${stack}.json`);
    expect(statSync(f).mode & 0o777).toBe(0o600);
    const text = readFileSync(f, 'utf8');
    expect(text).not.toContain(PASSWORD);
    const { cognito } = sdkClients(endpoint);
    const { DescribeUserPoolClientCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    const secret = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: init.outputs.userPoolId, ClientId: init.outputs.clientId }))).UserPoolClient?.ClientSecret;
    expect(secret).toBeTruthy();
    expect(text).not.toContain(secret!);
    expect(JSON.stringify(init)).not.toContain(secret!);
  });

  it('the deployed API refuses a request without a token and runs the Lambda for a valid access token', async () => {
    const none = await fetch(init.outputs.invokeUrl);
    expect(none.status).toBe(401);

    // The tutorial's step 9 by hand: hosted UI login (authorization code), token exchange with
    // the client secret as Basic auth, then GET / with the access token.
    const { cognito } = sdkClients(endpoint);
    const { DescribeUserPoolClientCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    const secret = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: init.outputs.userPoolId, ClientId: init.outputs.clientId }))).UserPoolClient!.ClientSecret!;
    const redirect = 'https://oauth.pstmn.io/v1/callback';
    const scope = `openid ${init.outputs.scopes[0]}`;
    const q = new URLSearchParams({ response_type: 'code', client_id: init.outputs.clientId, redirect_uri: redirect, scope, state: 'xyz' });
    const page = await fetch(`${init.outputs.authorizeUrl}?${q}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const form = Object.fromEntries([...html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]));
    const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!;
    const login = await fetch(new URL(action, init.outputs.authorizeUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, username: 'alice', password: PASSWORD }),
    });
    expect(login.status).toBe(302);
    const back = new URL(login.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('xyz');
    const code = back.searchParams.get('code')!;
    expect(code).toBeTruthy();
    const tok = await fetch(init.outputs.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${init.outputs.clientId}:${secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect }),
    });
    expect(tok.status).toBe(200);
    const tokens = (await tok.json()) as { access_token: string; id_token: string };
    const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString());
    expect(claims.token_use).toBe('access');
    expect(claims.scope.split(' ')).toContain(init.outputs.scopes[0]);

    const ok = await fetch(init.outputs.invokeUrl, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('"Hello World!"');
    // With scopes on the method, an ID token is refused.
    const id = await fetch(init.outputs.invokeUrl, { headers: { authorization: tokens.id_token } });
    expect(id.status).toBe(401);
  });

  it('a second init reports every step unchanged and sends no mutating request', async () => {
    proxy.clear();
    const r = await runCli(['init', '--yes', '--json', '--endpoint-url', proxy.endpoint, '--stack', stack], { env });
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json();
    expect(doc.steps.every((s: any) => s.action === 'unchanged')).toBe(true);
    expect(proxy.writes().map((w) => `${w.service} ${w.operation}`)).toEqual([]);
    expect(proxy.reads().length).toBeGreaterThan(0);
    expect(doc.outputs).toEqual(init.outputs);
  });

  it('status is in sync (exit 0) and changes nothing', async () => {
    proxy.clear();
    const r = await runCli(['status', '--json', '--stack', stack], { env });
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json();
    expect(doc.inSync).toBe(true);
    expect(doc.resources).toHaveLength(13);
    expect(doc.resources.every((x: any) => x.state === 'ok' && x.id)).toBe(true);
    expect(proxy.writes()).toEqual([]);
  });

  it('a resource deleted behind our back shows as missing (exit 3), and init recreates it', async () => {
    const { cognito } = sdkClients(endpoint);
    await cognito.send(new DeleteUserPoolClientCommand({ UserPoolId: init.outputs.userPoolId, ClientId: init.outputs.clientId }));
    const r = await runCli(['status', '--json', '--stack', stack], { env });
    expect(r.code).toBe(3);
    const doc = r.json();
    expect(doc.inSync).toBe(false);
    expect(doc.resources.find((x: any) => x.key === 'client').state).toBe('missing');
    expect(doc.resources.filter((x: any) => x.state !== 'ok').map((x: any) => x.key)).toEqual(['client']);

    const again = await runCli(['init', '--yes', '--json', '--stack', stack], { env });
    expect(again.code, again.stderr).toBe(0);
    const steps = Object.fromEntries(again.json().steps.map((s: any) => [s.key, s.action]));
    expect(steps.client).toBe('created');
    expect(steps.role).toBe('unchanged');
    expect((await inventory(endpoint, stack)).clients).toBe(1);
    const st = await runCli(['status', '--json', '--stack', stack], { env });
    expect(st.code, st.stdout).toBe(0);
  });

  it('destroy --yes removes every resource of the stack and the state file', async () => {
    const r = await runCli(['destroy', '--yes', '--json', '--stack', stack], { env });
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json();
    expect(doc.remaining).toEqual([]);
    expect(doc.deleted).toHaveLength(13);
    expect(existsSync(join(stateDir, `${stack}.json`))).toBe(false);
    const inv = await inventory(endpoint, stack);
    expect(inv).toMatchObject({ roles: 0, functions: 0, apis: 0, pools: 0, clients: 0, authorizers: 0, stages: [], users: [], domains: [] });
  });

  it('destroy again, with no state file, looks by name and tag and finds nothing to do', async () => {
    const r = await runCli(['destroy', '--yes', '--json', '--stack', stack, '--endpoint-url', endpoint], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ deleted: [], remaining: [] });
  });
});

describe('usage errors: exit 2, one line naming the flag, before any AWS request', () => {
  it('refuses bad values and sends nothing', async () => {
    const p = await startCountingProxy(endpoint);
    try {
      const r = await runCli(['init', '--endpoint-url', p.endpoint, '--stack', 'Bad_Name', '--domain-prefix', 'my-cognito', '--runtime', 'python3.9', '--no-user'], { env: emulatorEnv(tempStateDir()) });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/--stack "Bad_Name"/);
      const r2 = await runCli(['init', '--endpoint-url', p.endpoint, '--domain-prefix', 'my-cognito', '--runtime', 'python3.9', '--no-user'], { env: emulatorEnv(tempStateDir()) });
      expect(r2.code).toBe(2);
      expect(r2.stderr).toMatch(/--runtime "python3.9": is deprecated/);
      expect(r2.stderr).toMatch(/--domain-prefix "my-cognito": must not contain/);
      const r3 = await runCli(['init', '--endpoint-url', p.endpoint, '--username', 'bob'], { env: emulatorEnv(tempStateDir()) });
      expect(r3.code).toBe(2);
      expect(r3.stderr).toMatch(/--password-stdin/);
      expect(p.requests).toEqual([]);
    } finally {
      await p.close();
    }
  });
});

// Tutorial step 9, automated, against the emulator: token (both grants), verify, outputs and the
// Postman export, run as the built CLI. The test plays the user's browser on ministack's login form.
import { DescribeUserPoolClientCommand, ListUserPoolClientsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { UpdateMethodCommand } from '@aws-sdk/client-api-gateway';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pm from 'postman-collection';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO, emulatorEnv, runCli, tempStateDir } from '../support/cli.js';
import { actAsBrowser, AUTHORIZE_LINE, freePort, signIn, startCli } from '../support/hosted-ui.js';
import { sdkClients } from '../support/inventory.js';

const endpoint = inject('emulatorEndpoint');
const PASSWORD = 'Corr3ct-Horse!';
const id = Date.now().toString(36);
const b64json = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());

async function initStack(stack: string, env: Record<string, string>, extra: string[]) {
  const r = await runCli(
    ['init', '--yes', '--json', '--endpoint-url', endpoint, '--stack', stack, '--endpoint-type', 'REGIONAL', '--domain-prefix', `${stack}-login`, '--username', 'alice', '--email', 'alice@example.com', '--password-stdin', ...extra],
    { env, input: PASSWORD },
  );
  expect(r.code, r.stderr).toBe(0);
  return r;
}

describe('with an M2M client: token, verify, outputs, export postman', () => {
  const stack = `e2e-verify-${id}`;
  const RS = `${stack}-api`;
  const SCOPE = `${RS}/read.helloworld.message`;
  let env: Record<string, string>;
  let port: number;
  let init: any;

  beforeAll(async () => {
    env = emulatorEnv(tempStateDir());
    port = await freePort();
    const r = await initStack(stack, env, ['--m2m-client', '--callback-port', String(port)]);
    init = r.json();
    expect(r.stderr).toMatch(/Cognito bills machine-to-machine app clients\s+monthly/);
  });
  afterAll(async () => {
    const r = await runCli(['destroy', '--yes', '--json', '--stack', stack], { env });
    expect(r.code, r.stderr).toBe(0);
    const { cognito } = sdkClients(endpoint);
    // The pool, and both its clients with it, are gone.
    await expect(cognito.send(new ListUserPoolClientsCommand({ UserPoolId: init.outputs.userPoolId, MaxResults: 60 }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('init creates a separate client_credentials client and registers the loopback callback on the code-flow client', async () => {
    const steps = Object.fromEntries(init.steps.map((s: any) => [s.key, s.action]));
    expect(steps.m2mClient).toBe('created');
    expect(init.outputs.m2mClientId).toBeTruthy();
    expect(init.outputs.m2mClientId).not.toBe(init.outputs.clientId);
    const { cognito } = sdkClients(endpoint);
    const web = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: init.outputs.userPoolId, ClientId: init.outputs.clientId }))).UserPoolClient!;
    expect(web.CallbackURLs).toEqual(['https://oauth.pstmn.io/v1/callback', `http://localhost:${port}/callback`]);
    expect(web.AllowedOAuthFlows).toEqual(['code']);
    const m2m = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: init.outputs.userPoolId, ClientId: init.outputs.m2mClientId }))).UserPoolClient!;
    expect(m2m.AllowedOAuthFlows).toEqual(['client_credentials']);
    expect([...m2m.AllowedOAuthScopes!].sort()).toEqual([SCOPE, `${RS}/verify.noaccess`]);
    expect(m2m.ClientSecret).toBeTruthy();
    // A second init changes nothing.
    const again = await runCli(['init', '--yes', '--json', '--stack', stack], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().steps.every((s: any) => s.action === 'unchanged')).toBe(true);
    expect(again.stderr).not.toMatch(/bills/);
  });

  it('token --client-credentials prints one access token carrying the scope', async () => {
    const r = await runCli(['token', '--stack', stack, '--client-credentials'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const claims = b64json(r.stdout.trim());
    expect(claims).toMatchObject({ token_use: 'access', client_id: init.outputs.m2mClientId, scope: SCOPE });

    const j = await runCli(['token', '--stack', stack, '--client-credentials', '--json'], { env });
    expect(j.code, j.stderr).toBe(0);
    const doc = j.json();
    expect(doc).toMatchObject({ grant: 'client_credentials', token_type: 'Bearer', claims: { token_use: 'access', scope: SCOPE, client_id: init.outputs.m2mClientId, exp: expect.any(Number) } });
    expect(doc.id_token).toBeUndefined();
  });

  it('token signs in through the hosted UI (authorization code + PKCE, loopback callback) and prints decoded claims', async () => {
    const cli = startCli(['token', '--stack', stack, '--json', '--timeout', '60'], { env });
    const { location, callbackStatus } = await actAsBrowser(cli, 'alice', PASSWORD);
    expect(location).toMatch(new RegExp(`^http://localhost:${port}/callback\\?code=[^&]+&state=`));
    expect(callbackStatus).toBe(200);
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json();
    expect(doc.grant).toBe('authorization_code');
    expect(doc.claims).toMatchObject({ token_use: 'access', client_id: init.outputs.clientId, username: 'alice' });
    expect(doc.claims.scope.split(' ').sort()).toEqual([SCOPE, 'openid'].sort());
    expect(doc.idTokenClaims).toMatchObject({ token_use: 'id', client_id: init.outputs.clientId });
    // The authorize URL carried PKCE and state; the callback server is gone after its one use.
    const url = new URL(r.stderr.match(AUTHORIZE_LINE)![1]!);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')).toBeTruthy();
    await expect(fetch(`http://127.0.0.1:${port}/callback`)).rejects.toThrow();
  });

  it('verify --json (user sign-in): no token 401, access token 200 "Hello World!", ID token and scope-less token refused', async () => {
    const cli = startCli(['verify', '--stack', stack, '--json', '--timeout', '60'], { env });
    await actAsBrowser(cli, 'alice', PASSWORD);
    const r = await cli.done;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const doc = r.json();
    expect(doc).toMatchObject({ stack, grant: 'authorization_code', passed: true, requiredScopes: [SCOPE], invokeUrl: init.outputs.invokeUrl });
    expect(doc.checks.map((c: any) => [c.id, c.result, c.actual?.status])).toEqual([
      ['no-token', 'pass', 401],
      ['access-token-with-scope', 'pass', 200],
      ['id-token', 'pass', 401],
      ['access-token-without-scope', 'pass', 401],
    ]);
    expect(doc.checks[1].actual.body).toContain('Hello World!');
    expect(doc.checks[1].expected).toEqual({ status: [200], body: 'Hello World!' });
  });

  it('verify --client-credentials needs no browser; the ID-token check is listed as skipped with the reason', async () => {
    const r = await runCli(['verify', '--stack', stack, '--client-credentials', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json();
    expect(doc.passed).toBe(true);
    expect(doc.checks.map((c: any) => [c.id, c.result])).toEqual([
      ['no-token', 'pass'],
      ['access-token-with-scope', 'pass'],
      ['id-token', 'skipped'],
      ['access-token-without-scope', 'pass'],
    ]);
    expect(doc.checks[2].cause).toMatch(/no ID token/);
  });

  it('token | verify --token-stdin checks a token from elsewhere; text output lists each check', async () => {
    const t = await runCli(['token', '--stack', stack, '--client-credentials'], { env });
    const r = await runCli(['verify', '--stack', stack, '--token-stdin'], { env, input: t.stdout });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/PASS {2}a request without a token is refused: expected 401, got 401/);
    expect(r.stdout).toMatch(/PASS {2}an access token with the scope gets 200 and "Hello World!": expected 200, got 200/);
    expect(r.stdout).toMatch(/All checks that could run passed/);
  });

  it('token refuses a callback with the wrong state and never redeems its code (exit 1)', async () => {
    const cli = startCli(['token', '--stack', stack, '--timeout', '60'], { env });
    const url = await cli.waitForStderr(AUTHORIZE_LINE);
    const location = new URL(await signIn(url, 'alice', PASSWORD));
    location.searchParams.set('state', 'forged-state');
    const cb = await fetch(location);
    expect(cb.status).toBe(400);
    const r = await cli.done;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/different `state`/);
  });

  it('token gives up cleanly after --timeout when nobody signs in', async () => {
    const r = await runCli(['token', '--stack', stack, '--timeout', '1'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`No sign-in arrived at http://localhost:${port}/callback within 1 s`));
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace without --verbose
  });

  it('token with a --callback-port that the client does not list says how to register it, before any sign-in', async () => {
    const other = await freePort();
    const r = await runCli(['token', '--stack', stack, '--callback-port', String(other)], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`http://localhost:${other}/callback is not a callback URL`));
    expect(r.stderr).toMatch(new RegExp(`init --stack ${stack} --callback-port ${other}`));
    expect(r.stderr).not.toMatch(/oauth2\/authorize/);
  });

  it('outputs prints the same outputs from state; the secret only with --show-secret, read live', async () => {
    const { cognito } = sdkClients(endpoint);
    const secret = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: init.outputs.userPoolId, ClientId: init.outputs.clientId }))).UserPoolClient!.ClientSecret!;
    const plain = await runCli(['outputs', '--stack', stack, '--json'], { env });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.json().outputs).toEqual(init.outputs);
    expect(plain.stdout + plain.stderr).not.toContain(secret);
    const shown = await runCli(['outputs', '--stack', stack, '--json', '--show-secret'], { env });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.json().outputs).toMatchObject({ ...init.outputs, clientSecret: secret, m2mClientSecret: expect.any(String) });
    const text = await runCli(['outputs', '--stack', stack, '--show-secret'], { env });
    // Each secret beside the id of its client.
    expect(text.stdout.split('\n').find((l) => l.includes(`App client ${init.outputs.clientId} `))?.trim()).toMatch(new RegExp(`^App client ${init.outputs.clientId} +secret (.+)$`));
    expect(text.stdout).toContain(` secret ${secret}\n`);
    expect(readFileSync(join(env.COGNITO_SCOPE_SETUP_STATE_DIR!, `${stack}.json`), 'utf8')).not.toContain(secret);
  });

  it('export postman writes a collection Postman reads back, with the secret only in the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'css-postman-'));
    const r = await runCli(['export', 'postman', '--stack', stack, '--out-dir', dir, '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json();
    const { cognito } = sdkClients(endpoint);
    const secret = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: init.outputs.userPoolId, ClientId: init.outputs.clientId }))).UserPoolClient!.ClientSecret!;
    const collectionText = readFileSync(doc.collection, 'utf8');
    expect(collectionText).not.toContain(secret);
    expect(r.stdout + r.stderr).not.toContain(secret);
    const env2 = JSON.parse(readFileSync(doc.environment, 'utf8'));
    expect(env2.values).toEqual([{ key: 'client_secret', value: secret, type: 'secret', enabled: true }]);
    expect(statSync(doc.environment).mode & 0o777).toBe(0o600);
    const collection = new pm.Collection(JSON.parse(collectionText));
    const vars = collection.variables.toObject(false, true) as Record<string, string>;
    expect(vars).toMatchObject({ invoke_url: init.outputs.invokeUrl, auth_url: init.outputs.authorizeUrl, access_token_url: init.outputs.tokenUrl, client_id: init.outputs.clientId, scope: SCOPE });
    const params = (collection.items.idx(0) as any).getAuth().parameters().toObject(false, true);
    expect(params).toMatchObject({ grant_type: 'authorization_code', useBrowser: true, client_authentication: 'header', clientSecret: '{{client_secret}}' });
  });

  it('newman runs the exported collection with a token from `token` (--env-var access_token=...): 200 and Hello World!, its tests pass; without a token they fail', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'css-newman-'));
    const exported = await runCli(['export', 'postman', '--stack', stack, '--out-dir', dir, '--json'], { env });
    expect(exported.code, exported.stderr).toBe(0);
    const files = exported.json();
    const cli = startCli(['token', '--stack', stack, '--timeout', '60'], { env });
    await actAsBrowser(cli, 'alice', PASSWORD);
    const tokenRun = await cli.done;
    expect(tokenRun.code, tokenRun.stderr).toBe(0);
    const token = tokenRun.stdout.trim();
    expect(token.split('.')).toHaveLength(3);

    // Postman's own runner, as a user would call it (pinned devDependency).
    const newman = (extra: string[], report: string) =>
      new Promise<{ code: number | null; out: string; report: any }>((res, rej) => {
        const child = spawn(process.execPath, [join(REPO, 'node_modules', 'newman', 'bin', 'newman.js'), 'run', files.collection, '--environment', files.environment, ...extra, '--reporters', 'cli,json', '--reporter-json-export', report, '--color', 'off'], { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('error', rej);
        child.on('close', (code) => {
          try {
            res({ code, out, report: JSON.parse(readFileSync(report, 'utf8')) });
          } catch (e) {
            rej(new Error(`newman exited ${code} without a report (${(e as Error).message}):\n${out}`));
          }
        });
      });

    const ok = await newman(['--env-var', `access_token=${token}`], join(dir, 'ok.json'));
    expect(ok.code, ok.out).toBe(0);
    const [exec] = ok.report.run.executions;
    expect(exec.request.header).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'Authorization', value: `Bearer ${token}` })]));
    expect(exec.response.code).toBe(200);
    expect(Buffer.from(exec.response.stream.data).toString()).toBe('"Hello World!"');
    expect(exec.assertions.map((a: any) => [a.assertion, a.error?.message])).toEqual([['status is 200', undefined], ['body is "Hello World!"', undefined]]);

    // The control: without a token the API refuses and the collection's tests say so.
    const none = await newman([], join(dir, 'none.json'));
    expect(none.code).toBe(1);
    expect(none.report.run.executions[0].response.code).toBe(401);
    expect(none.report.run.stats.assertions.failed).toBe(2);
  });

  it('verify fails with exit 1 and names the likely cause when the method stops requiring the scope', async () => {
    // Remove the scopes from GET / behind the tool's back (ministack serves the live method, no redeploy needed).
    const { apigw } = sdkClients(endpoint);
    await apigw.send(new UpdateMethodCommand({ restApiId: init.outputs.restApiId, resourceId: await rootId(init.outputs.restApiId), httpMethod: 'GET', patchOperations: [{ op: 'remove', path: '/authorizationScopes', value: SCOPE }] }));
    const r = await runCli(['verify', '--stack', stack, '--client-credentials', '--json'], { env });
    expect(r.code).toBe(1);
    const doc = r.json();
    expect(doc.passed).toBe(false);
    const bad = doc.checks.find((c: any) => c.id === 'access-token-without-scope');
    expect(bad).toMatchObject({ result: 'fail', expected: { status: [401, 403] }, actual: { status: 200 } });
    expect(bad.cause).toMatch(/authorizationScopes is missing on GET \/, or the stage was not redeployed/);
    expect(doc.checks.filter((c: any) => c.result === 'fail')).toHaveLength(1);
    // (Last test of this stack: afterAll destroys it. Putting the scope back is init's job, tested with the method step.)
  });
});

async function rootId(apiId: string): Promise<string> {
  const { GetResourcesCommand } = await import('@aws-sdk/client-api-gateway');
  const { apigw } = sdkClients(endpoint);
  return (await apigw.send(new GetResourcesCommand({ restApiId: apiId }))).items!.find((i) => i.path === '/')!.id!;
}

describe('without an M2M client', () => {
  const stack = `e2e-verify-nom2m-${id}`;
  let env: Record<string, string>;
  let port: number;

  beforeAll(async () => {
    env = emulatorEnv(tempStateDir());
    port = await freePort();
    await initStack(stack, env, ['--callback-port', String(port)]);
  });
  afterAll(async () => {
    const r = await runCli(['destroy', '--yes', '--stack', stack], { env });
    expect(r.code, r.stderr).toBe(0);
  });

  it('token --client-credentials is a usage error naming --m2m-client (exit 2)', async () => {
    const r = await runCli(['token', '--stack', stack, '--client-credentials'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--client-credentials: stack ".*" has no machine-to-machine app client; create one with init --stack .* --m2m-client/);
  });

  it('verify passes what it can and lists the scope-less-token check as skipped, saying how to enable it', async () => {
    const cli = startCli(['verify', '--stack', stack, '--json', '--no-browser', '--timeout', '60'], { env });
    await actAsBrowser(cli, 'alice', PASSWORD);
    const r = await cli.done;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const doc = r.json();
    expect(doc.checks.map((c: any) => [c.id, c.result])).toEqual([
      ['no-token', 'pass'],
      ['access-token-with-scope', 'pass'],
      ['id-token', 'pass'],
      ['access-token-without-scope', 'skipped'],
    ]);
    expect(doc.checks[3].cause).toMatch(/--m2m-client/);
  });

  it('a wrong password keeps the user on the login form; token times out and says so', async () => {
    const cli = startCli(['token', '--stack', stack, '--timeout', '3'], { env });
    const url = await cli.waitForStderr(AUTHORIZE_LINE);
    await expect(signIn(url, 'alice', 'Wrong-passw0rd!')).rejects.toThrow(/did not redirect: 200/);
    const r = await cli.done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No sign-in arrived/);
  });
});

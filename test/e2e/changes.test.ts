// Changing a running stack (issue 7): every kind of change is planned with `plan --json`, then
// applied by one `init --json` with the same flags; the test checks that init did exactly what
// plan predicted, that plan sent no mutating request, and, with an independent SDK client, that
// AWS (the emulator) ended up as asked. Then an out-of-band edit is detected and repaired, and
// `list` shows several stacks side by side.
import { GetMethodCommand, GetStageCommand, GetStagesCommand, UpdateMethodCommand } from '@aws-sdk/client-api-gateway';
import {
  AdminGetUserCommand,
  CreateUserPoolClientCommand,
  DescribeResourceServerCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  ListResourceServersCommand,
  UpdateUserPoolClientCommand,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { INIT_ACTION_OF, type PlanDocument } from '../../src/commands/plan.js';
import { lockState } from '../../src/state/store.js';
import { emulatorEnv, runCli, tempStateDir, type CliResult } from '../support/cli.js';
import { sdkClients } from '../support/inventory.js';
import { startCountingProxy, type CountingProxy } from '../support/proxy.js';

const endpoint = inject('emulatorEndpoint');
const stack = `e2e-chg-${Date.now().toString(36)}`;
const PASSWORD = 'Chang3-Me-Not!';
const READ = 'read.helloworld.message';
const WRITE = 'write.helloworld.message';
const aws = sdkClients(endpoint);
let proxy: CountingProxy;
let stateDir: string;
let env: Record<string, string>;
const stateFile = () => join(stateDir, `${stack}.json`);
const state = () => JSON.parse(readFileSync(stateFile(), 'utf8'));
const ids = () => {
  const s = state();
  return { poolId: s.resources.userPool.id as string, clientId: s.resources.client.id as string, apiId: s.resources.api.id as string, root: s.resources.api.rootResourceId as string };
};

const describeClient = async (): Promise<UserPoolClientType> =>
  (await aws.cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: ids().poolId, ClientId: ids().clientId }))).UserPoolClient!;
const methodScopes = async (): Promise<string[]> => {
  const m = await aws.apigw.send(new GetMethodCommand({ restApiId: ids().apiId, resourceId: ids().root, httpMethod: 'GET' }));
  const scopes = (m.authorizationScopes ?? []) as unknown;
  expect(Array.isArray(scopes), `authorizationScopes is not a list: ${JSON.stringify(scopes)}`).toBe(true);
  return [...(scopes as string[])].sort();
};
const serverScopes = async (identifier: string): Promise<string[]> =>
  ((await aws.cognito.send(new DescribeResourceServerCommand({ UserPoolId: ids().poolId, Identifier: identifier }))).ResourceServer?.Scopes ?? []).map((s) => s.ScopeName!).sort();
const stageDeployment = async (stage: string) => (await aws.apigw.send(new GetStageCommand({ restApiId: ids().apiId, stageName: stage }))).deploymentId;

/** An access token for these scopes, from a client_credentials client the test adds to the pool. */
async function accessToken(scopes: string[]): Promise<string> {
  const c = (
    await aws.cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: ids().poolId,
        ClientName: `e2e-caller-${Date.now().toString(36)}`,
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: scopes,
      }),
    )
  ).UserPoolClient!;
  // A hosted UI domain made moments ago (a domain change just before) is not live yet: AWS answers
  // 404 for up to a minute (the strict-AWS layer, scaled down here). Ask again until it is, as a
  // user would (`token` and `verify` do the same); any other answer is final.
  const deadline = Date.now() + 60_000;
  let r: Response;
  let text: string;
  for (;;) {
    r = await fetch(`${endpoint}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${c.ClientId}:${c.ClientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: scopes.join(' ') }),
    });
    text = await r.text();
    if (!(r.status === 404 && text.includes('is not live yet')) || Date.now() > deadline) break;
    await new Promise((res) => setTimeout(res, 250));
  }
  expect(r.status, text.slice(0, 500)).toBe(200);
  return (JSON.parse(text) as { access_token?: string }).access_token!;
}

/** GET the deployed API (through the emulator directly) with a token. */
async function callApi(stage: string, token?: string): Promise<{ status: number; body: string }> {
  const r = await fetch(`${endpoint}/restapis/${ids().apiId}/${stage}/_user_request_/`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: r.status, body: await r.text() };
}

const actions = (doc: { steps: { key: string; action: string }[] }) => Object.fromEntries(doc.steps.map((s) => [s.key, s.action]));
const changed = (doc: PlanDocument) => Object.fromEntries(doc.steps.filter((s) => s.action !== 'no change').map((s) => [s.key, s.action]));
const cli = (args: string[], input?: string): Promise<CliResult> => runCli(args, { env, input });

/**
 * plan --json (exit 3, no mutating request), then init --json with the same flags; init's step
 * actions must be exactly the ones plan predicted. Returns both documents.
 */
async function planThenInit(flags: string[], initExtra: string[] = []): Promise<{ plan: PlanDocument; init: any }> {
  proxy.clear();
  const p = await cli(['plan', '--json', '--stack', stack, ...flags]);
  expect(p.code, p.stderr).toBe(3);
  expect(proxy.writes().map((w) => `${w.service} ${w.operation}`)).toEqual([]);
  expect(proxy.reads().length).toBeGreaterThan(0);
  const plan = p.json<PlanDocument>();
  expect(plan.changesPending).toBe(true);

  const i = await cli(['init', '--json', '--stack', stack, ...flags, ...initExtra]);
  expect(i.code, i.stderr).toBe(0);
  const init = i.json();
  const predicted = Object.fromEntries(plan.steps.map((s) => [s.key, INIT_ACTION_OF[s.action]]));
  expect(actions(init)).toEqual(predicted);
  return { plan, init };
}

/** After a change: plan finds nothing to do (exit 0) and status is in sync (exit 0). */
async function converged(flags: string[] = []): Promise<void> {
  const p = await cli(['plan', '--json', '--stack', stack, ...flags]);
  expect(p.code, p.stdout).toBe(0);
  expect(Object.values(actions(p.json())).every((a) => a === 'no change')).toBe(true);
  const s = await cli(['status', '--json', '--stack', stack]);
  expect(s.code, s.stdout).toBe(0);
}

beforeAll(async () => {
  proxy = await startCountingProxy(endpoint);
  stateDir = tempStateDir();
  env = emulatorEnv(stateDir);
});
afterAll(async () => {
  await cli(['destroy', '--yes', '--json', '--stack', stack]).catch(() => undefined);
  await proxy?.close();
});

describe('plan and in-place updates, each converging in one init', () => {
  it('plan on a stack that does not exist yet: every step create, exit 3, no state file, no mutating request', async () => {
    const flags = ['--endpoint-url', proxy.endpoint, '--region', 'us-east-1', '--domain-prefix', `${stack}-login`, '--username', 'alice', '--scope', READ];
    proxy.clear();
    const p = await cli(['plan', '--json', '--stack', stack, ...flags]);
    expect(p.code, p.stderr).toBe(3);
    const doc = p.json<PlanDocument>();
    expect(doc).toMatchObject({ stack, region: 'us-east-1', stateFileExists: false, changesPending: true, needsAllowReplace: false });
    expect(new Set(doc.steps.map((s) => s.action))).toEqual(new Set(['create']));
    expect(doc.steps).toHaveLength(13);
    expect(doc.notes.join(' ')).toMatch(/password of user "alice"/);
    expect(proxy.writes()).toEqual([]);
    expect(existsSync(stateFile())).toBe(false);
    expect(existsSync(stateDir) ? readdirSync(stateDir) : []).toEqual([]);

    // init --dry-run is the same command.
    const d = await cli(['init', '--dry-run', '--json', '--stack', stack, ...flags]);
    expect(d.code).toBe(3);
    expect(actions(d.json())).toEqual(actions(doc));

    const i = await cli(['init', '--json', '--stack', stack, ...flags, '--email', 'alice@example.com', '--password-stdin'], PASSWORD + '\n');
    expect(i.code, i.stderr).toBe(0);
    expect(Object.values(actions(i.json()))).toEqual(Array(13).fill('created'));
    await converged();
  });

  it('adding a scope updates the resource server, the client (keeping fields set out of band), the method, and redeploys', async () => {
    // A field set in the console: UpdateUserPoolClient resets what it is not given, so it must survive.
    const before = await describeClient();
    // (As on AWS, a Describe answer is not an update request: the emulator's empty DefaultRedirectURI is refused by AWS's model.)
    await aws.cognito.send(new UpdateUserPoolClientCommand({ ...before, ClientSecret: undefined, LastModifiedDate: undefined, CreationDate: undefined, DefaultRedirectURI: before.DefaultRedirectURI || undefined, AccessTokenValidity: 7, TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'hours', RefreshToken: 'days' } } as never));
    expect((await describeClient()).AccessTokenValidity).toBe(7);
    const deployment = await stageDeployment('dev');

    const { plan } = await planThenInit(['--scope', READ, '--scope', `${WRITE}=Write the message`]);
    expect(changed(plan)).toEqual({ resourceServer: 'update', client: 'update', method: 'update', deployment: 'update' });
    const rs = plan.steps.find((s) => s.key === 'resourceServer')!;
    expect(rs.changes).toEqual([{ field: 'scopes', from: [`${READ}=Read the hello world message`], to: [`${READ}=Read the hello world message`, `${WRITE}=Write the message`] }]);
    expect(plan.steps.find((s) => s.key === 'client')!.changes).toEqual([
      { field: 'AllowedOAuthScopes', from: ['openid', `${stack}-api/${READ}`], to: ['openid', `${stack}-api/${READ}`, `${stack}-api/${WRITE}`] },
    ]);

    expect(await serverScopes(`${stack}-api`)).toEqual([READ, WRITE]);
    const client = await describeClient();
    expect([...client.AllowedOAuthScopes!].sort()).toEqual(['openid', `${stack}-api/${READ}`, `${stack}-api/${WRITE}`].sort());
    expect(client.AccessTokenValidity).toBe(7);
    expect(client.TokenValidityUnits?.AccessToken).toBe('minutes');
    expect(client.ClientSecret).toBe(before.ClientSecret);
    expect(await methodScopes()).toEqual([`${stack}-api/${READ}`, `${stack}-api/${WRITE}`]);
    expect(await stageDeployment('dev')).not.toBe(deployment);
    // The deployed stage lets a token carrying only the new scope through.
    expect(await callApi('dev', await accessToken([`${stack}-api/${WRITE}`]))).toEqual({ status: 200, body: '"Hello World!"' });
    expect((await callApi('dev')).status).toBe(401);
    await converged();
  });

  it('removing a scope updates the same four, and the new scope set is recorded', async () => {
    const deployment = await stageDeployment('dev');
    const { plan } = await planThenInit(['--scope', `${WRITE}=Write the message`]);
    expect(changed(plan)).toEqual({ resourceServer: 'update', client: 'update', method: 'update', deployment: 'update' });
    expect(plan.steps.find((s) => s.key === 'method')!.changes).toEqual([
      { field: 'authorizationScopes', from: [`${stack}-api/${READ}`, `${stack}-api/${WRITE}`], to: [`${stack}-api/${WRITE}`] },
    ]);
    expect(await serverScopes(`${stack}-api`)).toEqual([WRITE]);
    expect([...(await describeClient()).AllowedOAuthScopes!].sort()).toEqual([`${stack}-api/${WRITE}`, 'openid']);
    expect((await describeClient()).AccessTokenValidity).toBe(7);
    expect(await methodScopes()).toEqual([`${stack}-api/${WRITE}`]);
    expect(await stageDeployment('dev')).not.toBe(deployment);
    expect(state().inputs.scopes.map((s: { name: string }) => s.name)).toEqual([WRITE]);
    // Later runs without flags keep the recorded scopes.
    await converged();
  });

  it('a callback URL change updates only the client, and keeps its other fields', async () => {
    const urls = ['https://oauth.pstmn.io/v1/callback', 'https://app.example.com/callback'];
    const { plan } = await planThenInit(urls.flatMap((u) => ['--callback-url', u]));
    expect(changed(plan)).toEqual({ client: 'update' });
    const client = await describeClient();
    expect(client.CallbackURLs).toEqual(expect.arrayContaining(urls));
    expect(client.AccessTokenValidity).toBe(7);
    expect([...client.AllowedOAuthScopes!].sort()).toEqual([`${stack}-api/${WRITE}`, 'openid']);
    expect(client.AllowedOAuthFlows).toEqual(['code']);
    await converged();
  });

  it('a runtime change (python3.13 -> nodejs22.x) updates the function in place, and the API still answers', async () => {
    const { plan } = await planThenInit(['--runtime', 'nodejs22.x']);
    expect(changed(plan)).toEqual({ function: 'update' });
    expect(plan.steps.find((s) => s.key === 'function')!.changes!.map((c) => c.field)).toEqual(['runtime', 'handler', 'code']);
    const fn = (await aws.lambda.send(new GetFunctionCommand({ FunctionName: `${stack}-lambda` }))).Configuration!;
    expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler' });
    expect(await callApi('dev', await accessToken([`${stack}-api/${WRITE}`]))).toEqual({ status: 200, body: '"Hello World!"' });
    await converged();
  });

  it('a stage rename creates the new stage and removes the old one', async () => {
    const { plan, init } = await planThenInit(['--stage', 'prod']);
    expect(changed(plan)).toEqual({ deployment: 'update' });
    expect(plan.steps.find((s) => s.key === 'deployment')!.changes).toEqual([{ field: 'stage', from: 'dev', to: 'prod' }]);
    const stages = (await aws.apigw.send(new GetStagesCommand({ restApiId: ids().apiId }))).item!.map((s) => s.stageName);
    expect(stages).toEqual(['prod']);
    expect(init.outputs.invokeUrl).toMatch(/\/prod\/_user_request_\/$/);
    expect(await callApi('prod', await accessToken([`${stack}-api/${WRITE}`]))).toEqual({ status: 200, body: '"Hello World!"' });
    await converged();
  });

  it('a domain prefix change is a replace: refused without --allow-replace (nothing changed), done with it', async () => {
    const old = `${stack}-login`;
    const next = `${stack}-login2`;
    proxy.clear();
    const p = await cli(['plan', '--json', '--stack', stack, '--domain-prefix', next]);
    expect(p.code).toBe(3);
    const plan = p.json<PlanDocument>();
    expect(changed(plan)).toEqual({ domain: 'replace' });
    const dom = plan.steps.find((s) => s.key === 'domain')!;
    expect(dom.changes).toEqual([{ field: 'domainPrefix', from: old, to: next, replace: true }]);
    expect(dom.reason).toMatch(/cannot be renamed/);
    expect(plan.needsAllowReplace).toBe(true);
    const human = await cli(['plan', '--stack', stack, '--domain-prefix', next]);
    expect(human.stdout).toMatch(/± replace\s+Hosted UI domain/);
    expect(human.stdout).toMatch(/why: a Cognito domain prefix cannot be renamed/);
    expect(human.stdout).toMatch(/plus --allow-replace/);

    const refused = await cli(['init', '--json', '--stack', stack, '--domain-prefix', next]);
    expect(refused.code).toBe(1);
    expect(refused.json().error).toMatchObject({ code: 'REPLACE_NEEDED', step: 'domain' });
    expect(refused.stderr).toMatch(/--allow-replace/);
    expect(proxy.writes()).toEqual([]);
    expect(state().inputs.domainPrefix).toBe(old);
    expect((await aws.cognito.send(new DescribeUserPoolCommand({ UserPoolId: ids().poolId }))).UserPool?.Domain).toBe(old);

    const { init } = await planThenInit(['--domain-prefix', next], ['--allow-replace']);
    expect(actions(init).domain).toBe('updated');
    expect((await aws.cognito.send(new DescribeUserPoolCommand({ UserPoolId: ids().poolId }))).UserPool?.Domain).toBe(next);
    expect((await aws.cognito.send(new DescribeUserPoolDomainCommand({ Domain: next }))).DomainDescription?.UserPoolId).toBe(ids().poolId);
    const gone = await aws.cognito.send(new DescribeUserPoolDomainCommand({ Domain: old })).catch(() => undefined);
    expect(gone?.DomainDescription?.UserPoolId ?? undefined).toBeUndefined();
    expect(init.outputs.domain).toBe(`${next}.auth.us-east-1.amazoncognito.com`);
    await converged();
  });

  it('a resource server identifier change with --allow-replace moves the client and the method to the new scopes', async () => {
    const newId = `${stack}-api-v2`;
    const { plan } = await planThenInit(['--resource-server-id', newId], ['--allow-replace']);
    expect(changed(plan)).toEqual({ resourceServer: 'replace', client: 'update', method: 'update', deployment: 'update' });
    expect(plan.steps.find((s) => s.key === 'resourceServer')!.reason).toMatch(/identifier cannot be changed/);
    const servers = (await aws.cognito.send(new ListResourceServersCommand({ UserPoolId: ids().poolId, MaxResults: 50 }))).ResourceServers!.map((r) => r.Identifier);
    expect(servers).toEqual([newId]);
    expect(await serverScopes(newId)).toEqual([WRITE]);
    expect([...(await describeClient()).AllowedOAuthScopes!].sort()).toEqual([`${newId}/${WRITE}`, 'openid']);
    expect((await describeClient()).AccessTokenValidity).toBe(7);
    expect(await methodScopes()).toEqual([`${newId}/${WRITE}`]);
    expect(await callApi('prod', await accessToken([`${newId}/${WRITE}`]))).toEqual({ status: 200, body: '"Hello World!"' });
    await converged();
  });

  it('a scope removed from the method in the console is detected by status and plan, and init puts it back', async () => {
    const scope = `${stack}-api-v2/${WRITE}`;
    await aws.apigw.send(new UpdateMethodCommand({ restApiId: ids().apiId, resourceId: ids().root, httpMethod: 'GET', patchOperations: [{ op: 'remove', path: '/authorizationScopes', value: scope }] }));
    expect(await methodScopes()).not.toContain(scope);

    const s = await cli(['status', '--json', '--stack', stack]);
    expect(s.code).toBe(3);
    const drifted = s.json().resources.filter((r: any) => r.state !== 'ok');
    expect(drifted.map((r: any) => [r.key, r.state])).toEqual([['method', 'drifted']]);
    expect(drifted[0].changes[0]).toMatchObject({ field: 'authorizationScopes', to: [scope] });
    const human = await cli(['status', '--stack', stack]);
    expect(human.stdout).toMatch(/drifted\s+GET \/ method/);

    const deployment = await stageDeployment('prod');
    const { plan } = await planThenInit([]);
    expect(changed(plan)).toEqual({ method: 'update', deployment: 'update' });
    expect(await methodScopes()).toEqual([scope]);
    expect(await stageDeployment('prod')).not.toBe(deployment);
    await converged();
  });

  it('--no-user on a stack with a user: plan shows delete, init deletes it', async () => {
    const { plan, init } = await planThenInit(['--no-user']);
    expect(changed(plan)).toEqual({ user: 'delete' });
    expect(plan.steps.find((s) => s.key === 'user')!.id).toBe('alice');
    expect(actions(init).user).toBe('deleted');
    const gone = await aws.cognito.send(new AdminGetUserCommand({ UserPoolId: ids().poolId, Username: 'alice' })).catch((e) => e);
    expect(gone.name).toBe('UserNotFoundException');
    expect(state().resources.user).toBeUndefined();
    expect(state().inputs.userMode).toBe('none');
    // Nothing left to delete: the user step is gone from plan and init.
    const p = await cli(['plan', '--json', '--stack', stack]);
    expect(p.code).toBe(0);
    expect(p.json().steps.map((x: any) => x.key)).not.toContain('user');
    await converged();
  });

  it('plan does not wait for the lock a running init holds, and never writes the state file', async () => {
    const before = readFileSync(stateFile(), 'utf8');
    const release = await lockState(stateFile());
    try {
      const p = await cli(['plan', '--stack', stack, '--scope', READ]);
      expect(p.code).toBe(3);
      expect(p.stderr).toMatch(/another run \(pid \d+\) is changing stack/);
      const i = await cli(['init', '--json', '--stack', stack]);
      expect(i.code).toBe(1);
      expect(i.json().error.code).toBe('LOCKED');
    } finally {
      await release();
    }
    expect(readFileSync(stateFile(), 'utf8')).toBe(before);
  });
});

describe('several stacks side by side, and list', () => {
  const a = `e2e-lsa-${Date.now().toString(36)}`;
  const b = `e2e-lsb-${Date.now().toString(36)}`;
  let dir: string;
  let listEnv: Record<string, string>;
  let failing: CountingProxy;

  beforeAll(async () => {
    dir = tempStateDir();
    listEnv = emulatorEnv(dir);
    failing = await startCountingProxy(endpoint);
  });
  afterAll(async () => {
    for (const s of [a, b]) await runCli(['destroy', '--yes', '--stack', s, '--endpoint-url', endpoint], { env: listEnv }).catch(() => undefined);
    await failing?.close();
  });

  it('list shows each stack with region, account and whether it is complete', async () => {
    const empty = await runCli(['list', '--json'], { env: listEnv });
    expect(empty.code).toBe(0);
    expect(empty.json()).toMatchObject({ stateDir: dir, stacks: [], unreadable: [] });

    const ok = await runCli(['init', '--json', '--stack', a, '--no-user', '--endpoint-url', endpoint], { env: listEnv });
    expect(ok.code, ok.stderr).toBe(0);
    // The second stack's run fails at the deployment: its state file records an incomplete stack.
    failing.before = async (r) => (r.service === 'apigateway' && r.method === 'POST' && /\/deployments$/.test(r.path) ? { status: 400, body: JSON.stringify({ message: 'injected by the test' }), headers: { 'x-amzn-errortype': 'BadRequestException' } } : undefined);
    const bad = await runCli(['init', '--json', '--stack', b, '--no-user', '--endpoint-url', failing.endpoint], { env: listEnv });
    expect(bad.code).toBe(1);
    failing.before = undefined;

    const l = await runCli(['list', '--json'], { env: listEnv });
    expect(l.code).toBe(0);
    const doc = l.json();
    expect(doc.stacks.map((s: any) => s.stack).sort()).toEqual([a, b].sort());
    const byName = Object.fromEntries(doc.stacks.map((s: any) => [s.stack, s]));
    expect(byName[a]).toMatchObject({ region: 'us-east-1', accountId: expect.stringMatching(/^\d{12}$/), endpoint, complete: true, missing: [], locked: false, stateFile: join(dir, `${a}.json`) });
    expect(byName[b]).toMatchObject({ region: 'us-east-1', complete: false, missing: ['deployment'], endpoint: failing.endpoint });

    const human = await runCli(['list'], { env: listEnv });
    expect(human.stdout).toMatch(new RegExp(`${a}\\s+us-east-1\\s+\\d{12}\\s+complete`));
    expect(human.stdout).toMatch(new RegExp(`${b}\\s+us-east-1\\s+\\d{12}\\s+incomplete \\(missing: deployment\\)`));

    // The stacks do not touch each other: finishing b leaves a unchanged, and both are complete.
    const fix = await runCli(['init', '--json', '--stack', b], { env: listEnv });
    expect(fix.code, fix.stderr).toBe(0);
    expect(actions(fix.json()).deployment).toBe('created');
    const pa = await runCli(['plan', '--json', '--stack', a], { env: listEnv });
    expect(pa.code).toBe(0);
    const after = (await runCli(['list', '--json'], { env: listEnv })).json();
    expect(after.stacks.every((s: any) => s.complete)).toBe(true);
  });
});

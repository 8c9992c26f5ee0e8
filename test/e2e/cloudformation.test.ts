// `export cloudformation` and `forget` against the emulator's CloudFormation: every exported
// template passes cfn-lint (AWS's own linter) with zero errors, deploys as a working twin, and
// (with --import) hands the live stack over in place; `forget` then leaves everything standing.
// Run for the tutorial stack and for one with several scopes and an M2M client.
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetPolicyCommand } from '@aws-sdk/client-lambda';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { emulatorEnv, runCli, tempStateDir } from '../support/cli.js';
import { signIn } from '../support/hosted-ui.js';
import { inventory, sdkClients } from '../support/inventory.js';
// @ts-expect-error: a JavaScript module without types
import { VENV_DIR } from '../support/ministack.mjs';

const endpoint = inject('emulatorEndpoint');
const PASSWORD = 'Corr3ct-Horse!';
const id = Date.now().toString(36);
const cfn = new CloudFormationClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function stackDone(name: string): Promise<{ status: string; reason?: string; outputs: Record<string, string> }> {
  for (let i = 0; i < 240; i++) {
    const s = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0]!;
    if (!s.StackStatus!.endsWith('_IN_PROGRESS')) {
      return { status: s.StackStatus!, reason: s.StackStatusReason, outputs: Object.fromEntries((s.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!])) };
    }
    await sleep(250);
  }
  throw new Error(`stack ${name} did not settle`);
}

async function physicalIds(name: string): Promise<Record<string, string>> {
  const r = await cfn.send(new DescribeStackResourcesCommand({ StackName: name }));
  return Object.fromEntries(r.StackResources!.map((x) => [x.LogicalResourceId!, x.PhysicalResourceId!]));
}

function cfnLint(file: string): { code: number | null; out: string } {
  const r = spawnSync(join(VENV_DIR, 'bin', 'cfn-lint'), ['--format', 'parseable', file], { encoding: 'utf8' });
  if (r.error) throw r.error;
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const invokeUrl = (apiId: string, stage = 'dev') => `${endpoint}/restapis/${apiId}/${stage}/_user_request_/`;

async function clientSecret(poolId: string, clientId: string): Promise<string> {
  const { cognito } = sdkClients(endpoint);
  return (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient!.ClientSecret!;
}

async function tokenRequest(clientId: string, secret: string, body: Record<string, string>): Promise<string> {
  const res = await fetch(`${endpoint}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: new URLSearchParams({ client_id: clientId, ...body }),
  });
  const json = (await res.json()) as { access_token?: string };
  if (!res.ok || !json.access_token) throw new Error(`token request failed: ${res.status} ${JSON.stringify(json)}`);
  return json.access_token;
}

/** An access token from the twin: a new user signs in on the hosted UI (authorization code flow). */
async function userToken(poolId: string, clientId: string, scopes: string[]): Promise<string> {
  const { cognito } = sdkClients(endpoint);
  await cognito.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'twin-user', MessageAction: 'SUPPRESS' }));
  await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'twin-user', Password: PASSWORD, Permanent: true }));
  const redirect = 'https://oauth.pstmn.io/v1/callback';
  const q = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirect, scope: ['openid', ...scopes].join(' '), state: 'x' });
  const location = await signIn(`${endpoint}/oauth2/authorize?${q}`, 'twin-user', PASSWORD);
  const code = new URL(location).searchParams.get('code');
  expect(code, location).toBeTruthy();
  return tokenRequest(clientId, await clientSecret(poolId, clientId), { grant_type: 'authorization_code', code: code!, redirect_uri: redirect });
}

const call = async (url: string, token?: string) => {
  const res = await fetch(url, token ? { headers: { Authorization: token } } : {});
  return { status: res.status, body: await res.text() };
};

const cases = [
  { name: 'the tutorial stack', suffix: 'tut', flags: [] as string[], m2m: false },
  { name: 'a stack with several scopes and an M2M client', suffix: 'm2m', flags: ['--scope', 'read.helloworld.message=Read it', '--scope', 'write.messages=Write them', '--m2m-client'], m2m: true },
];

describe.each(cases)('export cloudformation: $name', ({ suffix, flags, m2m }) => {
  const stack = `e2e-cfn-${suffix}-${id}`;
  const twin = `${stack}-tw`.slice(0, 32).replace(/-$/, '');
  const dir = mkdtempSync(join(tmpdir(), 'css-cfn-'));
  let env: Record<string, string>;
  let init: any;
  const cfnStacks: string[] = [];

  beforeAll(async () => {
    env = emulatorEnv(tempStateDir());
    const r = await runCli(['init', '--yes', '--json', '--endpoint-url', endpoint, '--stack', stack, '--username', 'alice', '--email', 'alice@example.com', '--password-stdin', ...flags], { env, input: PASSWORD });
    expect(r.code, r.stderr).toBe(0);
    init = r.json();
  });

  afterAll(async () => {
    // CloudFormation keeps retained resources when its stack goes; the tool's destroy then removes them.
    for (const s of cfnStacks) {
      await cfn.send(new DeleteStackCommand({ StackName: s }));
      await stackDone(s).catch(() => undefined);
    }
    const d = await runCli(['destroy', '--yes', '--json', '--stack', stack], { env });
    expect(d.code, d.stderr).toBe(0);
  });

  it('writes a template that cfn-lint accepts with zero errors, with no secret and no password in it', async () => {
    const out = join(dir, 'template.yaml');
    const r = await runCli(['export', 'cloudformation', '--stack', stack, '--out', out, '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().template).toBe(out);
    const text = readFileSync(out, 'utf8');
    const lint = cfnLint(out);
    expect(lint.out).toBe('');
    expect(lint.code).toBe(0);
    for (const c of [init.outputs.clientId, ...(m2m ? [init.outputs.m2mClientId] : [])]) {
      const secret = await clientSecret(init.outputs.userPoolId, c);
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain(PASSWORD);
    expect(text).toContain('# Users are not template resources');
    expect(text).toMatch(/UserPoolTier: "(LITE|ESSENTIALS|PLUS)"/);
    // The log group init made up front, with its retention, is part of the stack.
    expect(text).toMatch(/LambdaLogGroup:\n {4}Type: "AWS::Logs::LogGroup"/);
    expect(text).toMatch(/RetentionInDays: \d+/);
    // Without --out the template goes to stdout, as YAML, and nothing else does.
    const s = await runCli(['export', 'cloudformation', '--stack', stack], { env });
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toBe(text);
  });

  it('deploys as a twin under another StackName that works: the scope gets 200 Hello World!, no token or a token without it is refused', async () => {
    const out = join(dir, 'template.yaml');
    await cfn.send(new CreateStackCommand({ StackName: twin, TemplateBody: readFileSync(out, 'utf8'), Parameters: [{ ParameterKey: 'StackName', ParameterValue: twin }], Capabilities: ['CAPABILITY_NAMED_IAM'] }));
    cfnStacks.push(twin);
    const done = await stackDone(twin);
    expect(done.status, done.reason).toBe('CREATE_COMPLETE');
    const ids = await physicalIds(twin);
    expect(ids.RestApi).not.toBe(init.outputs.restApiId);
    expect(ids.UserPool).not.toBe(init.outputs.userPoolId);
    expect(ids.HelloFunction).toBe(`${twin}-lambda`);
    expect(done.outputs.Scopes).toContain(`${twin}-api/read.helloworld.message`);
    const url = invokeUrl(ids.RestApi!);
    expect((await call(url)).status).toBe(401);
    let token: string;
    if (m2m) {
      const secret = await clientSecret(ids.UserPool!, ids.M2mClient!);
      token = await tokenRequest(ids.M2mClient!, secret, { grant_type: 'client_credentials', scope: `${twin}-api/read.helloworld.message` });
      const without = await tokenRequest(ids.M2mClient!, secret, { grant_type: 'client_credentials', scope: `${twin}-api/verify.noaccess` });
      // AWS documents 401 or 403 for a valid access token without the method's scope (verify accepts both).
      expect([401, 403]).toContain((await call(url, without)).status);
    } else {
      token = await userToken(ids.UserPool!, ids.AppClient!, [`${twin}-api/read.helloworld.message`]);
    }
    const ok = await call(url, token);
    expect(ok).toEqual({ status: 200, body: '"Hello World!"' });
  });

  it('--import: the IMPORT change set ends in IMPORT_COMPLETE with the live ids unchanged, the update adds the rest, and forget leaves every resource in place', async () => {
    const base = join(dir, 'handover');
    const r = await runCli(['export', 'cloudformation', '--import', '--stack', stack, '--out', `${base}.yaml`, '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const plan = r.json();
    expect(plan.notImported.map((n: any) => n.type)).toEqual(['AWS::Lambda::Permission']);
    for (const f of [plan.template, plan.importTemplate]) {
      const lint = cfnLint(f);
      expect(lint.out).toBe('');
      expect(lint.code).toBe(0);
    }
    const full = readFileSync(plan.template, 'utf8');
    // Every resource is retained, in both templates.
    expect(full.match(/DeletionPolicy: "Retain"/g)!.length).toBe(full.match(/^ {4}Type: "AWS::/gm)!.length);
    expect(plan.commands[0]).toContain('--change-set-type IMPORT');

    const name = stack;
    const resources = JSON.parse(readFileSync(plan.resourcesToImport, 'utf8'));
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: name,
        ChangeSetName: `import-${name}`,
        ChangeSetType: 'IMPORT',
        TemplateBody: readFileSync(plan.importTemplate, 'utf8'),
        ResourcesToImport: resources,
        Parameters: [{ ParameterKey: 'StackName', ParameterValue: name }],
        Capabilities: ['CAPABILITY_NAMED_IAM'],
      }),
    );
    cfnStacks.push(name);
    for (let i = 0; i < 120; i++) {
      const cs = await cfn.send(new DescribeChangeSetCommand({ StackName: name, ChangeSetName: `import-${name}` }));
      if (cs.Status === 'CREATE_COMPLETE') break;
      expect(cs.Status, cs.StatusReason).not.toBe('FAILED');
      await sleep(250);
    }
    await cfn.send(new ExecuteChangeSetCommand({ StackName: name, ChangeSetName: `import-${name}` }));
    const imported = await stackDone(name);
    expect(imported.status, imported.reason).toBe('IMPORT_COMPLETE');
    const ids = await physicalIds(name);
    expect(ids.RestApi).toBe(init.outputs.restApiId);
    expect(ids.UserPool).toBe(init.outputs.userPoolId);
    expect(ids.AppClient).toBe(init.outputs.clientId);
    if (m2m) expect(ids.M2mClient).toBe(init.outputs.m2mClientId);
    expect(ids.UserPoolDomain).toBe(init.outputs.domain.split('.')[0]);
    expect(ids.HelloFunction).toBe(`${stack}-lambda`);

    // The update with the full template adds what could not be imported (the permission) and the Outputs.
    await cfn.send(new UpdateStackCommand({ StackName: name, TemplateBody: full, Parameters: [{ ParameterKey: 'StackName', ParameterValue: name }], Capabilities: ['CAPABILITY_NAMED_IAM'] }));
    const updated = await stackDone(name);
    expect(updated.status, updated.reason).toBe('UPDATE_COMPLETE');
    expect(updated.outputs.UserPoolId).toBe(init.outputs.userPoolId);
    expect((await physicalIds(name)).RestApi).toBe(init.outputs.restApiId);
    const { lambda } = sdkClients(endpoint);
    const statements = JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: `${stack}-lambda` }))).Policy!).Statement;
    expect(statements.length).toBe(2);

    const before = await inventory(endpoint, stack);
    const stateFile = join(env.COGNITO_SCOPE_SETUP_STATE_DIR!, `${stack}.json`);
    const saved = readFileSync(stateFile, 'utf8');
    // Without a terminal, forget needs --yes and names it; nothing is removed.
    const refused = await runCli(['forget', '--stack', stack, '--json'], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect(existsSync(stateFile)).toBe(true);
    const f = await runCli(['forget', '--stack', stack, '--yes', '--json'], { env });
    expect(f.code, f.stderr).toBe(0);
    expect(f.json()).toMatchObject({ stack, forgotten: true, deleted: [] });
    expect(existsSync(stateFile)).toBe(false);
    expect(await inventory(endpoint, stack)).toEqual(before);
    expect(before).toMatchObject({ roles: 1, functions: 1, apis: 1, pools: 1, clients: m2m ? 2 : 1 });
    // The API the tool made, now CloudFormation's, still answers.
    expect((await call(invokeUrl(init.outputs.restApiId))).status).toBe(401);

    // Clean up through the tool: give it its state back (the resources still carry its tag).
    const { writeFileSync } = await import('node:fs');
    writeFileSync(stateFile, saved, { mode: 0o600 });
  });
});

describe('export cloudformation: a stack with two routes', () => {
  const stack = `e2e-cfn-rt-${id}`;
  let env: Record<string, string>;

  afterAll(async () => {
    const d = await runCli(['destroy', '--yes', '--json', '--stack', stack], { env });
    expect(d.code, d.stderr).toBe(0);
  });

  it('has a resource per path, a method and a least-privilege permission per route, and passes cfn-lint', async () => {
    env = emulatorEnv(tempStateDir());
    const routes = ['--scope', 'read', '--scope', 'write', '--route', 'GET /messages=read', '--route', 'POST /messages/{id}=write'];
    const r = await runCli(['init', '--yes', '--json', '--endpoint-url', endpoint, '--stack', stack, '--no-user', ...routes], { env });
    expect(r.code, r.stderr).toBe(0);
    const out = join(mkdtempSync(join(tmpdir(), 'css-cfn-')), 'template.yaml');
    const e = await runCli(['export', 'cloudformation', '--stack', stack, '--out', out, '--json'], { env });
    expect(e.code, e.stderr).toBe(0);
    const lint = cfnLint(out);
    expect(lint.out).toBe('');
    expect(lint.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.match(/Type: "AWS::ApiGateway::Resource"/g)).toHaveLength(2);
    expect(text.match(/Type: "AWS::ApiGateway::Method"/g)).toHaveLength(2);
    expect(text.match(/Type: "AWS::Lambda::Permission"/g)).toHaveLength(2);
    expect(text).toContain('PathPart: "{id}"');
    expect(text).toContain('}/*/GET/messages"');
    expect(text).toContain('}/*/POST/messages/*"');
    expect(text).toMatch(/AuthorizationScopes:\n\s+- .*\/write"/);
    expect(text).toMatch(/AuthorizationScopes:\n\s+- .*\/read"/);
  });
});

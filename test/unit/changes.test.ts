// Changing a running stack (issue 7), without AWS: the engine's plan predicts exactly what
// execute then does, replacements are refused before anything changes, switched-off steps are
// deleted. (The method step and `list`: test/unit/changes.test.ts.)
import { APIGatewayClient, DeleteMethodCommand, GetMethodCommand, PutIntegrationCommand, PutMethodCommand, UpdateMethodCommand } from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { buildProgram } from '../../src/cli.js';
import { runList } from '../../src/commands/list.js';
import type { StepContext, StepRecord } from '../../src/engine/types.js';
import { dependencyAccess } from '../../src/engine/index.js';
import { STATE_VERSION, TOOL } from '../../src/state/schema.js';
import { namesFor, type App } from '../../src/steps/app.js';
import { methodFingerprint, methodStep } from '../../src/steps/method.js';

// ---------------------------------------------------------------------------------------------
// The method step against a mocked API Gateway.
const apigwMock = mockClient(APIGatewayClient);
const REGION = 'us-east-1';
const RS = 'hello-world-api';
const READ = `${RS}/read.helloworld.message`;
const WRITE = `${RS}/write.helloworld.message`;

function methodCtx(records: Record<string, StepRecord>): { app: App; ctx: StepContext<App>; notes: string[] } {
  const client = new APIGatewayClient({ region: REGION, credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 1 });
  const aws = { region: REGION, apigw: async () => client, destroy: () => client.destroy() } as unknown as AwsClients;
  const app: App = {
    aws,
    stack: 'hello-world',
    region: REGION,
    accountId: '123456789012',
    partition: 'aws',
    names: namesFor('hello-world', REGION),
    inputs: {
      stack: 'hello-world',
      runtime: 'python3.13',
      endpointType: 'EDGE',
      stage: 'dev',
      domainPrefix: 'hello-world-ab12cd',
      resourceServerId: RS,
      scopes: [
        { name: 'read.helloworld.message', description: 'Read' },
        { name: 'write.helloworld.message', description: 'Write' },
      ],
      callbackUrls: ['https://oauth.pstmn.io/v1/callback'],
      userMode: 'none',
      domainPrefixGenerated: false,
    } as App['inputs'],
  };
  const notes: string[] = [];
  const ctx: StepContext<App> = { app, ...dependencyAccess<App>('test', (k) => records[k]), changedDeps: [], checkpoint: async () => {}, note: (m) => notes.push(m) };
  return { app, ctx, notes };
}
const DEPS = { api: { id: 'api1', rootResourceId: 'root1' }, authorizer: { id: 'auth1' }, function: { id: 'hello-world-lambda', arn: 'x' } };
const liveMethod = (scopes: unknown): any => ({
  httpMethod: 'GET',
  authorizationType: 'COGNITO_USER_POOLS',
  authorizerId: 'auth1',
  authorizationScopes: scopes as string[],
  methodIntegration: {
    type: 'AWS_PROXY',
    httpMethod: 'POST',
    uri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:hello-world-lambda/invocations',
  },
});
const names = () => apigwMock.calls().map((c) => (c.args[0] as object).constructor.name);

describe('method step: scope changes', () => {
  beforeEach(() => apigwMock.reset());

  it('adds and removes scopes with one UpdateMethod when its answer shows the list as asked (the AWS path)', async () => {
    const { ctx, app, notes } = methodCtx(DEPS);
    apigwMock.on(UpdateMethodCommand).resolves(liveMethod([READ, WRITE]));
    const rec = await methodStep.update!(ctx, { record: { id: 'GET /', fingerprint: 'old' }, changes: [{ field: 'authorizationScopes', from: [READ, `${RS}/old`], to: [READ, WRITE] }] });
    expect(names()).toEqual(['UpdateMethodCommand']);
    expect(apigwMock.commandCalls(UpdateMethodCommand)[0]!.args[0].input.patchOperations).toEqual([
      { op: 'add', path: '/authorizationScopes', value: WRITE },
      { op: 'remove', path: '/authorizationScopes', value: `${RS}/old` },
    ]);
    expect(rec).toEqual({ id: 'GET /', fingerprint: methodFingerprint(app, 'auth1') });
    expect(notes).toEqual([]);
  });

  it('re-puts the whole method when UpdateMethod answers with scopes that are not the list asked for (ministack)', async () => {
    const { ctx, notes } = methodCtx(DEPS);
    // ministack applies `add /authorizationScopes` as "set the field to this string".
    apigwMock.on(UpdateMethodCommand).resolves(liveMethod(WRITE));
    await methodStep.update!(ctx, { record: { id: 'GET /', fingerprint: 'old' }, changes: [{ field: 'authorizationScopes', from: [READ], to: [READ, WRITE] }] });
    expect(names()).toEqual(['UpdateMethodCommand', 'DeleteMethodCommand', 'PutMethodCommand', 'PutIntegrationCommand']);
    expect(apigwMock.commandCalls(PutMethodCommand)[0]!.args[0].input).toMatchObject({ authorizationType: 'COGNITO_USER_POOLS', authorizerId: 'auth1', authorizationScopes: [READ, WRITE] });
    expect(apigwMock.commandCalls(PutIntegrationCommand)[0]!.args[0].input).toMatchObject({ type: 'AWS_PROXY', integrationHttpMethod: 'POST' });
    expect(apigwMock.commandCalls(DeleteMethodCommand)).toHaveLength(1);
    expect(notes).toHaveLength(1);
  });

  it('also when a removal wiped the whole list', async () => {
    const { ctx } = methodCtx(DEPS);
    apigwMock.on(UpdateMethodCommand).resolves(liveMethod(undefined));
    await methodStep.update!(ctx, { record: { id: 'GET /', fingerprint: 'old' }, changes: [{ field: 'authorizationScopes', from: [READ, WRITE, `${RS}/gone`], to: [READ, WRITE] }] });
    expect(names()).toEqual(['UpdateMethodCommand', 'DeleteMethodCommand', 'PutMethodCommand', 'PutIntegrationCommand']);
  });

  it('reads scopes stored as a single string as drift, never as in sync', async () => {
    const { ctx } = methodCtx(DEPS);
    apigwMock.on(GetMethodCommand).resolves(liveMethod(READ));
    const live = await methodStep.read(ctx, undefined);
    expect(live?.changes).toEqual([{ field: 'authorizationScopes', from: READ, to: [READ, WRITE] }]);
    // The patch then adds every wanted scope (nothing to remove from a non-list).
    apigwMock.on(UpdateMethodCommand).resolves(liveMethod([READ, WRITE]));
    await methodStep.update!(ctx, live!);
    expect(apigwMock.commandCalls(UpdateMethodCommand)[0]!.args[0].input.patchOperations).toEqual([
      { op: 'add', path: '/authorizationScopes', value: READ },
      { op: 'add', path: '/authorizationScopes', value: WRITE },
    ]);
  });

  it('in a plan where the authorizer is still to be created, shows the method moving to it', async () => {
    const { ctx } = methodCtx({ api: DEPS.api, function: DEPS.function });
    apigwMock.on(GetMethodCommand).resolves(liveMethod([READ, WRITE]));
    const live = await methodStep.read(ctx, undefined);
    expect(live?.changes).toEqual([{ field: 'authorizerId', from: 'auth1', to: '(the new authorizer)' }]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('init and plan take the same input flags; list', () => {
  it('plan takes every flag that says what the stack should be, exactly as init does', () => {
    const program = buildProgram(async () => 0);
    const opts = (name: string) => program.commands.find((c) => c.name() === name)!.options;
    const plan = new Map(opts('plan').map((o) => [o.long, o.description]));
    const init = new Map(opts('init').map((o) => [o.long, o.description]));
    for (const flag of ['--config', '--runtime', '--endpoint-type', '--stage', '--domain-prefix', '--resource-server-id', '--scope', '--callback-url', '--username', '--email', '--password-stdin', '--invite', '--no-user', '--allow-replace']) {
      expect(plan.get(flag), flag).toBeDefined();
    }
    // One definition: every plan flag is an init flag with the same help text.
    for (const [flag, help] of plan) expect(init.get(flag), flag).toBe(help);
    expect(init.has('--dry-run')).toBe(true);
  });

  it('init --dry-run and plan reach the command runner with the same options', async () => {
    const seen: [string, Record<string, unknown>][] = [];
    const program = buildProgram(async (name, o) => {
      seen.push([name, o]);
      return 3;
    });
    await program.parseAsync(['node', 'x', 'init', '--dry-run', '--stack', 'demo', '--scope', 'a', '--scope', 'b']);
    await program.parseAsync(['node', 'x', 'plan', '--stack', 'demo', '--scope', 'a', '--scope', 'b']);
    expect(seen[0]![0]).toBe('init');
    expect(seen[0]![1]).toMatchObject({ dryRun: true, stack: 'demo', scope: ['a', 'b'] });
    expect(seen[1]).toEqual(['plan', expect.objectContaining({ stack: 'demo', scope: ['a', 'b'] })]);
  });

  const io = () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += d));
    return { io: { stdout: out, stderr: new PassThrough(), stdin: new PassThrough(), env: { NO_COLOR: '1' } }, text: () => text };
  };
  const stateOf = (stack: string, resources: string[], inputs: Record<string, unknown> = {}) => ({
    version: STATE_VERSION,
    tool: TOOL,
    stack,
    region: 'eu-west-1',
    accountId: '111122223333',
    inputs: {
      stack,
      runtime: 'python3.13',
      endpointType: 'EDGE',
      stage: 'dev',
      domainPrefix: `${stack}-x1`,
      resourceServerId: `${stack}-api`,
      scopes: [{ name: 'read', description: 'Read' }],
      callbackUrls: ['https://oauth.pstmn.io/v1/callback'],
      userMode: 'password',
      username: 'alice',
      ...inputs,
    },
    domainPrefixGenerated: true,
    resources: Object.fromEntries(resources.map((k) => [k, { id: `${k}-id` }])),
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-02T03:04:05.000Z',
  });
  const ALL = ['role', 'function', 'logGroup', 'api', 'userPool', 'domain', 'resourceServer', 'client', 'authorizer', 'permission', 'method', 'deployment', 'user'];

  it('list: complete, incomplete (with what is missing), a --no-user stack, and an unreadable file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'css-list-'));
    writeFileSync(join(dir, 'one.json'), JSON.stringify(stateOf('one', ALL)));
    writeFileSync(join(dir, 'two.json'), JSON.stringify(stateOf('two', ALL.filter((k) => k !== 'deployment' && k !== 'user'))));
    writeFileSync(join(dir, 'three.json'), JSON.stringify(stateOf('three', ALL.filter((k) => k !== 'user'), { userMode: 'none', username: undefined })));
    writeFileSync(join(dir, 'broken.json'), '{"version": 1, "tool": "cognito-scope-setup"');
    mkdirSync(join(dir, 'one.json.lock'));
    const j = io();
    expect(await runList({ stateDir: dir, json: true }, j.io)).toBe(0);
    const doc = JSON.parse(j.text());
    expect(doc.stateDir).toBe(dir);
    expect(doc.stacks.map((s: { stack: string }) => s.stack)).toEqual(['one', 'three', 'two']);
    expect(doc.stacks[0]).toMatchObject({ stack: 'one', region: 'eu-west-1', accountId: '111122223333', complete: true, missing: [], endpoint: null, locked: false });
    expect(doc.stacks[1]).toMatchObject({ stack: 'three', complete: true, missing: [] });
    expect(doc.stacks[2]).toMatchObject({ stack: 'two', complete: false, missing: ['deployment', 'user'] });
    expect(doc.unreadable).toEqual([{ stateFile: join(dir, 'broken.json'), error: expect.stringMatching(/not valid JSON/) }]);

    const h = io();
    await runList({ stateDir: dir }, h.io);
    expect(h.text()).toMatch(/one\s+eu-west-1\s+111122223333\s+complete\s+2026-01-02 03:04:05Z/);
    expect(h.text()).toMatch(/two\s+eu-west-1\s+111122223333\s+incomplete \(missing: deployment, user\)/);
    expect(h.text()).toMatch(/broken\.json: State file .* is not valid JSON/);
  });

  it('list: an empty or missing state directory', async () => {
    const j = io();
    expect(await runList({ stateDir: join(tmpdir(), 'css-none-' + Date.now()), json: true }, j.io)).toBe(0);
    expect(JSON.parse(j.text())).toMatchObject({ stacks: [], unreadable: [] });
    const h = io();
    await runList({ stateDir: join(tmpdir(), 'css-none-' + Date.now()) }, h.io);
    expect(h.text()).toMatch(/^No stacks in /);
  });
});

// Changes made behind the tool's back: resources deleted by hand are recreated by init and
// reported as already gone by destroy; a deleted state file is rebuilt by init through adoption.
import { DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteAuthorizerCommand, DeleteMethodCommand, DeleteRestApiCommand } from '@aws-sdk/client-api-gateway';
import { AdminDeleteUserCommand, DeleteUserPoolClientCommand, DeleteUserPoolCommand, DeleteUserPoolDomainCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DeleteRoleCommand, DetachRolePolicyCommand, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { DeleteFunctionCommand } from '@aws-sdk/client-lambda';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { emulatorEnv, runCli, tempStateDir } from '../support/cli.js';
import { inventory, sdkClients } from '../support/inventory.js';
import { startCountingProxy } from '../support/proxy.js';

const endpoint = inject('emulatorEndpoint');
const RUN = Date.now().toString(36);
const PASSWORD = 'Corr3ct-Horse!';
const aws = sdkClients(endpoint);

const initArgs = (stack: string, extra: string[] = []) => [
  'init', '--yes', '--json',
  '--endpoint-url', endpoint,
  '--stack', stack,
  '--region', 'us-east-1',
  '--username', 'alice',
  '--email', 'alice@example.com',
  '--password-stdin',
  ...extra,
];
const actions = (doc: { steps: { key: string; action: string }[] }) => Object.fromEntries(doc.steps.map((s) => [s.key, s.action]));
const exactlyOne = (domain: string) => ({ roles: 1, functions: 1, apis: 1, authorizers: 1, pools: 1, clients: 1, stages: ['dev'], users: ['alice'], userStatuses: ['CONFIRMED'], domains: [domain] });

describe('resources deleted by hand', () => {
  const stack = `e2e-oob-${RUN}`;
  const env = emulatorEnv(tempStateDir());
  let outputs: Record<string, string>;

  it('init recreates what was deleted, adopts nothing twice, and leaves the rest alone', async () => {
    const r = await runCli(initArgs(stack, ['--domain-prefix', `${stack}-login`]), { env, input: PASSWORD + '\n' });
    expect(r.code, r.stderr).toBe(0);
    outputs = r.json().outputs;
    // Gone behind our back: the function (its permission with it), the client, the user, and the method.
    await aws.lambda.send(new DeleteFunctionCommand({ FunctionName: outputs.functionName }));
    await aws.cognito.send(new DeleteUserPoolClientCommand({ UserPoolId: outputs.userPoolId, ClientId: outputs.clientId }));
    await aws.cognito.send(new AdminDeleteUserCommand({ UserPoolId: outputs.userPoolId, Username: 'alice' }));
    const api = JSON.parse(readFileSync(join(env.COGNITO_SCOPE_SETUP_STATE_DIR!, `${stack}.json`), 'utf8')).resources.api;
    await aws.apigw.send(new DeleteMethodCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET' }));

    const st = await runCli(['status', '--json', '--stack', stack], { env });
    expect(st.code).toBe(3);
    const missing = st.json().resources.filter((x: { state: string }) => x.state === 'missing').map((x: { key: string }) => x.key).sort();
    expect(missing).toEqual(['client', 'function', 'method', 'permission', 'user']);

    const again = await runCli(initArgs(stack), { env, input: PASSWORD + '\n' });
    expect(again.code, again.stderr).toBe(0);
    const a = actions(again.json());
    for (const k of ['function', 'permission', 'client', 'user', 'method']) expect(a[k], k).toBe('created');
    for (const k of ['role', 'api', 'userPool', 'domain', 'resourceServer', 'authorizer']) expect(a[k], k).toBe('unchanged');
    // The method changed: the stage was deployed again.
    expect(a.deployment).toBe('updated');
    expect(await inventory(endpoint, stack)).toMatchObject(exactlyOne(`${stack}-login`));
    const st2 = await runCli(['status', '--json', '--stack', stack], { env });
    expect(st2.code, st2.stdout).toBe(0);
  });

  it('destroy reports what was already deleted by hand as absent, and deletes the rest', async () => {
    const state = JSON.parse(readFileSync(join(env.COGNITO_SCOPE_SETUP_STATE_DIR!, `${stack}.json`), 'utf8'));
    // The authorizer, the domain and then the whole pool go by hand.
    await aws.apigw.send(new DeleteAuthorizerCommand({ restApiId: state.resources.api.id, authorizerId: state.resources.authorizer.id })).catch(() => undefined);
    await aws.cognito.send(new DeleteUserPoolDomainCommand({ UserPoolId: state.resources.userPool.id, Domain: state.resources.domain.id }));
    await aws.cognito.send(new DeleteUserPoolCommand({ UserPoolId: state.resources.userPool.id }));
    const d = await runCli(['destroy', '--yes', '--stack', stack], { env });
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toMatch(/already absent/);
    expect(d.stderr).toMatch(/Cognito user pool: absent/);
    expect(d.stderr).toMatch(/Hosted UI domain: absent/);
    expect(d.stderr).toMatch(/Lambda function: deleted/);
    expect(await inventory(endpoint, stack)).toMatchObject({ roles: 0, functions: 0, apis: 0, pools: 0, domains: [] });
    expect(existsSync(join(env.COGNITO_SCOPE_SETUP_STATE_DIR!, `${stack}.json`))).toBe(false);
  });

  it('destroy of a stack whose every resource was deleted by hand reports them all absent', async () => {
    const s = `e2e-oob-all-${RUN}`;
    const e = emulatorEnv(tempStateDir());
    const r = await runCli(initArgs(s, ['--no-user', '--domain-prefix', `${s}-login`]).filter((x) => !['--username', 'alice', '--email', 'alice@example.com', '--password-stdin'].includes(x)), { env: e });
    expect(r.code, r.stderr).toBe(0);
    const out = r.json().outputs;
    await aws.lambda.send(new DeleteFunctionCommand({ FunctionName: out.functionName }));
    await aws.apigw.send(new DeleteRestApiCommand({ restApiId: out.restApiId }));
    await aws.cognito.send(new DeleteUserPoolDomainCommand({ UserPoolId: out.userPoolId, Domain: `${s}-login` }));
    await aws.cognito.send(new DeleteUserPoolCommand({ UserPoolId: out.userPoolId }));
    const roleName = `${s}-us-east-1-lambda-role`;
    for (const p of (await aws.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies ?? []) {
      await aws.iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: p.PolicyArn }));
    }
    await aws.iam.send(new DeleteRoleCommand({ RoleName: roleName }));
    await aws.logs.send(new DeleteLogGroupCommand({ logGroupName: `/aws/lambda/${out.functionName}` }));
    const d = await runCli(['destroy', '--yes', '--json', '--stack', s], { env: e });
    expect(d.code, d.stderr).toBe(0);
    expect(d.json()).toMatchObject({ deleted: [], remaining: [] });
  });
});

describe('a deleted state file', () => {
  const stack = `e2e-lost-${RUN}`;
  const stateDir = tempStateDir();
  const env = emulatorEnv(stateDir);
  const file = join(stateDir, `${stack}.json`);

  it('is rebuilt by init through adoption: nothing is created twice, the generated domain prefix is kept', async () => {
    // No --domain-prefix: a random one is generated and recorded only in the state file.
    const r = await runCli(initArgs(stack), { env, input: PASSWORD + '\n' });
    expect(r.code, r.stderr).toBe(0);
    const first = r.json();
    const recorded = JSON.parse(readFileSync(file, 'utf8'));
    rmSync(file);

    const proxy = await startCountingProxy(endpoint);
    try {
      const again = await runCli(initArgs(stack).map((x) => (x === endpoint ? proxy.endpoint : x)), { env, input: PASSWORD + '\n' });
      expect(again.code, again.stderr).toBe(0);
      const doc = again.json();
      const a = actions(doc);
      for (const k of ['role', 'function', 'api', 'userPool', 'domain', 'resourceServer', 'client', 'authorizer', 'permission', 'method', 'user']) {
        expect(['adopted', 'unchanged'], `${k}: ${a[k]}`).toContain(a[k]);
      }
      // Nothing was created: the only writes are the redeployment of a stage whose origin is unknown.
      const creates = proxy.writes().map((w) => `${w.service} ${w.operation}`).filter((w) => !/deployments$/.test(w));
      expect(creates).toEqual([]);
      const rebuilt = JSON.parse(readFileSync(file, 'utf8'));
      expect(rebuilt.inputs.domainPrefix).toBe(recorded.inputs.domainPrefix);
      for (const k of Object.keys(recorded.resources)) expect(rebuilt.resources[k]?.id, k).toEqual(recorded.resources[k].id);
      expect({ ...doc.outputs, invokeUrl: undefined, tokenUrl: undefined, authorizeUrl: undefined, hostedUiUrl: undefined }).toEqual({ ...first.outputs, invokeUrl: undefined, tokenUrl: undefined, authorizeUrl: undefined, hostedUiUrl: undefined });
      expect(await inventory(endpoint, stack)).toMatchObject(exactlyOne(recorded.inputs.domainPrefix));
      const st = await runCli(['status', '--json', '--stack', stack], { env });
      expect(st.code, st.stdout).toBe(0);
      const d = await runCli(['destroy', '--yes', '--json', '--stack', stack], { env });
      expect(d.code, d.stderr).toBe(0);
      expect(await inventory(endpoint, stack)).toMatchObject({ roles: 0, functions: 0, apis: 0, pools: 0 });
    } finally {
      await proxy.close();
    }
  });
});

// Issue 13, the first ten minutes: a name conflict stops the run before any write and names every
// conflicting resource; destroy of a stack of which nothing exists says so; contradictory flags
// are refused before any request; init's summary shows the M2M client; status after a harmless
// out-of-band redeploy is in sync.
import { CreateDeploymentCommand, GetDeploymentCommand, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { CreateUserPoolCommand, DeleteUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CreateRoleCommand, DeleteRoleCommand } from '@aws-sdk/client-iam';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { emulatorEnv, runCli, tempStateDir } from '../support/cli.js';
import { inventory, sdkClients } from '../support/inventory.js';
import { startCountingProxy, type CountingProxy } from '../support/proxy.js';

const endpoint = inject('emulatorEndpoint');
const RUN = Date.now().toString(36);
const PASSWORD = 'Corr3ct-Horse!';
const aws = sdkClients(endpoint);
const base = (stack: string, ep = endpoint) => ['--endpoint-url', ep, '--stack', stack, '--region', 'us-east-1'];

describe('a name conflict (issue 13.2)', () => {
  const stack = `e2e-conf-${RUN}`;
  const roleName = `${stack}-us-east-1-lambda-role`;
  let poolId = '';
  beforeAll(async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    await aws.iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: policy }));
    poolId = (await aws.cognito.send(new CreateUserPoolCommand({ PoolName: `${stack}-user-pool` }))).UserPool!.Id!;
  });
  afterAll(async () => {
    await aws.iam.send(new DeleteRoleCommand({ RoleName: roleName }));
    await aws.cognito.send(new DeleteUserPoolCommand({ UserPoolId: poolId }));
  });

  it('init creates nothing, exits 1 and names every conflicting resource (stderr and --json); destroy removes the state and says what it left alone', async () => {
    const stateDir = tempStateDir();
    const env = emulatorEnv(stateDir);
    const r = await runCli(['init', '--yes', '--json', ...base(stack), '--no-user'], { env });
    expect(r.code, r.stderr).toBe(1);
    for (const name of [roleName, `${stack}-user-pool`]) expect(r.stderr).toContain(`named "${name}" already exists`);
    expect(r.stderr).toContain('Nothing was created or changed.');
    const doc = r.json();
    expect(doc.error.code).toBe('CONFLICT');
    expect(doc.error.conflicts).toEqual([
      { step: 'role', kind: 'IAM role', name: roleName, region: 'us-east-1' },
      { step: 'userPool', kind: 'user pool', name: `${stack}-user-pool`, region: 'us-east-1' },
    ]);
    expect(doc.error.message).toContain(roleName);
    expect(doc.error.message).toContain(`${stack}-user-pool`);
    const created = await inventory(endpoint, stack);
    expect({ roles: created.roles, functions: created.functions, apis: created.apis, pools: created.pools }).toEqual({ roles: 1, functions: 0, apis: 0, pools: 1 });

    // plan names them all too.
    const p = await runCli(['plan', '--json', ...base(stack), '--no-user'], { env });
    expect(p.code, p.stderr).toBe(1);
    expect(p.json().error.conflicts.map((c: { step: string }) => c.step)).toEqual(['role', 'userPool']);

    const d = await runCli(['destroy', '--yes', ...base(stack)], { env });
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toContain(`Left alone because they are not ours: IAM role ${roleName}, user pool ${stack}-user-pool.`);
    expect(d.stdout).toMatch(new RegExp(`^Nothing of stack ${stack} was found in account \\d{12}, us-east-1 but resources with its names that are not its own: nothing was deleted\\.`));
    expect(existsSync(join(stateDir, `${stack}.json`))).toBe(false);
    const left = await inventory(endpoint, stack);
    expect({ roles: left.roles, pools: left.pools }).toEqual({ roles: 1, pools: 1 });
  });
});

describe('destroy of a stack of which nothing exists (issue 13.9)', () => {
  it('says plainly that nothing named <stack> was found (text and --json), exit 0, and deletes nothing', async () => {
    const stack = `e2e-never-${RUN}`;
    const env = emulatorEnv(tempStateDir());
    const d = await runCli(['destroy', '--yes', ...base(stack)], { env });
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toMatch(new RegExp(`^Nothing named "${stack}" was found`));
    expect(d.stdout).not.toMatch(/is gone|already absent/);
    const j = await runCli(['destroy', '--yes', '--json', ...base(stack)], { env });
    expect(j.code, j.stderr).toBe(0);
    expect(j.json()).toMatchObject({ stack, found: false, deleted: [], remaining: [], leftAlone: [], stateFile: null });
    expect(j.json().message).toMatch(new RegExp(`^Nothing named "${stack}" was found`));
  });
});

describe('contradictory flags (issue 13.4)', () => {
  let px: CountingProxy;
  beforeAll(async () => {
    px = await startCountingProxy(endpoint);
  });
  afterAll(async () => {
    await px.close();
  });

  const cases: { args: string[]; flags: [string, string]; env?: Record<string, string> }[] = [
    { args: ['--no-user', '--username', 'bob'], flags: ['--no-user', '--username'] },
    { args: ['--invite', '--email', 'a@example.com', '--username', 'bob', '--password-stdin'], flags: ['--invite', '--password-stdin'] },
    { args: ['--no-user', '--password-stdin'], flags: ['--no-user', '--password-stdin'] },
    { args: ['--no-user', '--email', 'a@example.com'], flags: ['--no-user', '--email'] },
  ];
  for (const c of cases) {
    for (const cmd of ['init', 'plan']) {
      it(`${cmd} ${c.args.join(' ')}: exit 2 naming ${c.flags.join(' and ')}, before any AWS request`, async () => {
        px.clear();
        const env = emulatorEnv(tempStateDir());
        const r = await runCli([cmd, ...(cmd === 'init' ? ['--yes'] : []), '--json', ...base(`e2e-flags-${RUN}`, px.endpoint), ...c.args], { env, input: PASSWORD + '\n' });
        expect(r.code, r.stderr).toBe(2);
        const line = r.stderr.split('\n').find((l) => l.startsWith('error: '))!;
        for (const f of c.flags) expect(line).toContain(f);
        expect(r.stderr).not.toMatch(/Reading stack/);
        expect(r.json().error.code).toBe('USAGE');
        expect(px.requests).toEqual([]);
      });
    }
  }
});

describe('validation before "Reading stack ... live" (issue 13.11)', () => {
  it('plan with no region configured: exit 2 naming --region, and nothing said about reading the stack', async () => {
    const home = tempStateDir();
    const env = { ...emulatorEnv(tempStateDir()), AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined, HOME: home, AWS_CONFIG_FILE: join(home, 'none') };
    const r = await runCli(['plan', '--stack', `e2e-noregion-${RUN}`, '--username', 'alice', '--endpoint-url', endpoint], { env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^error: --region: no AWS region is configured/);
    expect(r.stderr).not.toMatch(/Reading stack/);
  });

  it('--scope a= is quoted as typed', async () => {
    const r = await runCli(['plan', '--stack', `e2e-scope-${RUN}`, '--scope', 'a=', '--username', 'alice', ...base(`e2e-scope-${RUN}`).slice(0, 2)], { env: emulatorEnv(tempStateDir()) });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('error: --scope "a=": description must not be empty');
  });
});

describe('summary and status (issues 13.6, 13.8)', () => {
  const stack = `e2e-m2m-${RUN}`;
  const stateDir = tempStateDir();
  const env = emulatorEnv(stateDir);
  let init = { code: 0 as number | null, stdout: '', stderr: '' };
  beforeAll(async () => {
    init = await runCli(['init', '--yes', ...base(stack), '--no-user', '--m2m-client', '--domain-prefix', `${stack}-login`], { env });
  });
  afterAll(async () => {
    await runCli(['destroy', '--yes', '--stack', stack], { env });
  });

  it('init --m2m-client --no-user: the summary shows the M2M client id and its commands, says there is no user and how to add one', async () => {
    expect(init.code, init.stderr).toBe(0);
    const state = JSON.parse(readFileSync(join(stateDir, `${stack}.json`), 'utf8'));
    const m2mId = state.resources.m2mClient.id as string;
    expect(init.stdout).toMatch(new RegExp(`M2M client id\\s+${m2mId}`));
    expect(init.stdout).toContain(`npx cognito-scope-setup token --stack ${stack} --client-credentials`);
    expect(init.stdout).toContain(`npx cognito-scope-setup verify --stack ${stack} --client-credentials`);
    expect(init.stdout).toContain('No user');
    expect(init.stdout).toContain(`npx cognito-scope-setup init --stack ${stack} --username <name>`);
    expect(init.stdout).not.toMatch(/sign in once|Get New Access Token|sign in as/);

    const out = await runCli(['outputs', '--stack', stack], { env });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(m2mId);
    expect(out.stdout).toContain('--client-credentials');
    const secret = await runCli(['outputs', '--show-secret', '--stack', stack], { env });
    expect(secret.code, secret.stderr).toBe(0);
    expect(secret.stdout).toMatch(new RegExp(`M2M client ${m2mId}\\s+secret \\S+`));
    expect(secret.stdout).toMatch(new RegExp(`App client ${state.resources.client.id}\\s+secret \\S+`));
  });

  it('status after a harmless out-of-band redeploy (same configuration) is in sync', async () => {
    const state = JSON.parse(readFileSync(join(stateDir, `${stack}.json`), 'utf8'));
    // API Gateway dates deployments to the second: let the clock pass init's deployment's second,
    // so that the one made by hand is strictly newer (on AWS its 5 s CreateDeployment quota does that).
    const first = (await aws.apigw.send(new GetDeploymentCommand({ restApiId: state.resources.api.id, deploymentId: state.resources.deployment.deploymentId }))).createdDate!;
    while (Math.floor(Date.now() / 1000) <= Math.floor(first.getTime() / 1000)) await new Promise((r) => setTimeout(r, 100));
    await aws.apigw.send(new CreateDeploymentCommand({ restApiId: state.resources.api.id, stageName: 'dev', description: 'redeployed by hand' }));
    const s = await runCli(['status', '--json', '--stack', stack], { env });
    expect(s.json().resources.find((r: { key: string }) => r.key === 'deployment').state).toBe('ok');
    expect(s.code, s.stdout).toBe(0);
  });

  it('a stage rolled back to an older deployment is drifted, live then wanted; init redeploys', async () => {
    const before = JSON.parse(readFileSync(join(stateDir, `${stack}.json`), 'utf8'));
    // init records the newer deployment the stage now serves (no change, no mutating request).
    const again = await runCli(['init', '--yes', '--json', '--stack', stack], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().steps.find((x: { key: string }) => x.key === 'deployment').action).toBe('unchanged');
    const after = JSON.parse(readFileSync(join(stateDir, `${stack}.json`), 'utf8'));
    expect(after.resources.deployment.deploymentId).not.toBe(before.resources.deployment.deploymentId);
    // Roll the stage back to the deployment init made first (at least 5 s older: API Gateway's CreateDeployment quota).
    await aws.apigw.send(new UpdateStageCommand({ restApiId: after.resources.api.id, stageName: 'dev', patchOperations: [{ op: 'replace', path: '/deploymentId', value: before.resources.deployment.deploymentId }] }));
    const s = await runCli(['status', '--stack', stack], { env });
    expect(s.code, s.stdout).toBe(3);
    expect(s.stdout).toMatch(new RegExp(`deployment {2}live: "an older deployment \\(${before.resources.deployment.deploymentId}, [^)]+\\)" {2}wanted: "a new deployment of the current configuration"`));
    const fix = await runCli(['init', '--yes', '--stack', stack], { env });
    expect(fix.code, fix.stderr).toBe(0);
    expect((await runCli(['status', '--stack', stack], { env })).code).toBe(0);
  });

  it('plan --scope shows what the user set, live then wanted, and no fingerprint', async () => {
    const p = await runCli(['plan', '--stack', stack, '--scope', 'read.helloworld.message', '--scope', 'extra.scope'], { env });
    expect(p.code, p.stderr).toBe(3);
    expect(p.stdout).not.toMatch(/deployedConfiguration|stale|fingerprint|[0-9a-f]{16}/);
    expect(p.stdout).toMatch(/ scopes {2}live: \[.*"read\.helloworld\.message=.*\] {2}wanted: \[.*"extra\.scope=.*\]/);
    expect(p.stdout).toMatch(/Deployment to stage\s+dev\n\s+servedConfiguration {2}live: "an earlier configuration of the method" {2}wanted: "the current one \(a new deployment\)"/);
  });
});

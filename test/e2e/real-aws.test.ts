// Behaviours of real AWS that the emulator lacks, through the strict-AWS layer
// (test/support/strict-aws.ts): API Gateway's quotas at their real 30 s scale, IAM roles being
// global to the account while stacks are per region, and the log group teardown leaves behind.
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { DescribeLogGroupsCommand, CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient } from '@aws-sdk/client-iam';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { emulatorEnv, runCli, tempStateDir } from '../support/cli.js';
import { inventory } from '../support/inventory.js';
import { APIGW_WINDOWS_S, strictReport } from '../support/strict-aws.js';

const endpoint = inject('emulatorEndpoint');
const id = Date.now().toString(36);

const conn = (stack: string, region: string) => ['--stack', stack, '--region', region, '--endpoint-url', endpoint, '--yes', '--json'];
const flags = (stack: string, region = 'us-east-1') => [...conn(stack, region), '--domain-prefix', `${stack}-${region === 'us-east-1' ? 'e' : 'w'}-login`, '--no-user'];
const destroyFlags = (stack: string, region = 'us-east-1') => conn(stack, region);

/** An account of its own (ministack: a 12-digit access key is the account), so its quota windows are its own. */
const accountEnv = (account: string, stateDir: string) => ({ ...emulatorEnv(stateDir), AWS_ACCESS_KEY_ID: account });

async function setTimeScale(account: string, timeScale: number): Promise<void> {
  const res = await fetch(new URL('/_strict/config', endpoint), { method: 'POST', body: JSON.stringify({ account, timeScale }) });
  expect(res.status).toBe(200);
}

describe('API Gateway quotas at their real scale (one edge-optimized CreateRestApi per 30 s per account)', () => {
  const account = '111122223333';
  const stack = `e2e-quota-${id}`;
  const stateDir = tempStateDir();
  const env = accountEnv(account, stateDir);

  it('init, destroy, init back-to-back in one account: the second CreateRestApi waits out the window, says so, and succeeds', async () => {
    await setTimeScale(account, 1);
    const first = await runCli(['init', ...flags(stack)], { env });
    expect(first.code, first.stderr).toBe(0);
    const gone = await runCli(['destroy', ...destroyFlags(stack)], { env });
    expect(gone.code, gone.stderr).toBe(0);
    const before = (await strictReport(endpoint)).fired['quota:CreateRestApi'] ?? 0;

    const again = await runCli(['init', ...flags(stack)], { env, timeoutMs: 170_000 });
    expect(again.code, again.stderr).toBe(0);
    // The layer refused the CreateRestApi that came inside the 30 s window with 429 + Retry-After...
    expect((await strictReport(endpoint)).fired['quota:CreateRestApi']).toBeGreaterThan(before);
    // ...and the CLI waited what Retry-After said, telling the user why.
    expect(again.stderr).toMatch(/API Gateway allows one CreateRestApi per 30 s \(edge-optimized; per 3 s regional\) in an account; waiting \d+ s/);
    const waited = Number(/waiting (\d+) s/.exec(again.stderr)![1]);
    expect(waited).toBeGreaterThan(1);
    expect(waited).toBeLessThanOrEqual(APIGW_WINDOWS_S.CreateRestApiEdge);
    expect(again.json().outputs.restApiId).toBeTruthy();

    const last = await runCli(['destroy', ...destroyFlags(stack)], { env, timeoutMs: 170_000 });
    expect(last.code, last.stderr).toBe(0);
  }, 400_000);
});

describe('IAM is global, stacks are regional: the same stack name in two regions', () => {
  const account = '222233334444';
  const stack = `e2e-regions-${id}`;
  const east = tempStateDir();
  const west = tempStateDir();
  const iam = new IAMClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: account, secretAccessKey: 'test' } });
  afterAll(() => iam.destroy());

  it('has one role per region, and destroying one region never touches the other region\'s role', async () => {
    const a = await runCli(['init', ...flags(stack, 'us-east-1')], { env: accountEnv(account, east) });
    expect(a.code, a.stderr).toBe(0);
    const b = await runCli(['init', ...flags(stack, 'eu-west-1')], { env: accountEnv(account, west) });
    expect(b.code, b.stderr).toBe(0);
    // No adoption across regions: each region created its own role.
    expect(a.json().steps.find((r: { key: string }) => r.key === 'role')).toMatchObject({ action: 'created' });
    expect(b.json().steps.find((r: { key: string }) => r.key === 'role')).toMatchObject({ action: 'created' });
    const westRole = (await iam.send(new GetRoleCommand({ RoleName: `${stack}-eu-west-1-lambda-role` }))).Role!;
    expect(westRole.Tags).toEqual(expect.arrayContaining([{ Key: 'cognito-scope-setup:region', Value: 'eu-west-1' }]));
    const eastRole = (await iam.send(new GetRoleCommand({ RoleName: `${stack}-us-east-1-lambda-role` }))).Role!;
    expect(eastRole.Tags).toEqual(expect.arrayContaining([{ Key: 'cognito-scope-setup:region', Value: 'us-east-1' }]));

    const d = await runCli(['destroy', ...destroyFlags(stack, 'eu-west-1')], { env: accountEnv(account, west) });
    expect(d.code, d.stderr).toBe(0);
    // us-east-1's role is still there, and its stack is still in sync.
    expect((await iam.send(new GetRoleCommand({ RoleName: `${stack}-us-east-1-lambda-role` }))).Role!.Arn).toBe(eastRole.Arn);
    const status = await runCli(['status', '--json', '--stack', stack, '--region', 'us-east-1', '--endpoint-url', endpoint], { env: accountEnv(account, east) });
    expect(status.code, status.stdout + status.stderr).toBe(0);
    const inv = await inventory(endpoint, stack, 'us-east-1', account);
    expect(inv.roles).toBe(1);

    const last = await runCli(['destroy', ...destroyFlags(stack, 'us-east-1')], { env: accountEnv(account, east) });
    expect(last.code, last.stderr).toBe(0);
  }, 300_000);
});

describe('the Lambda log group', () => {
  const stack = `e2e-logs-${id}`;
  const stateDir = tempStateDir();
  const env = emulatorEnv(stateDir);
  const logs = new CloudWatchLogsClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  afterAll(() => logs.destroy());
  const groups = async () => (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/${stack}-lambda` }))).logGroups ?? [];

  it('is created up front with a 14-day retention, is known to plan, and destroy leaves none', async () => {
    const i = await runCli(['init', ...flags(stack)], { env });
    expect(i.code, i.stderr).toBe(0);
    expect((await groups()).map((g) => [g.logGroupName, g.retentionInDays])).toEqual([[`/aws/lambda/${stack}-lambda`, 14]]);
    const plan = await runCli(['plan', '--json', '--stack', stack, '--region', 'us-east-1', '--endpoint-url', endpoint, '--log-retention-days', '30'], { env });
    expect(plan.json().steps.find((s: { key: string }) => s.key === 'logGroup')).toMatchObject({ action: 'update', changes: [{ field: 'retentionInDays', from: 14, to: 30 }] });
    const d = await runCli(['destroy', ...destroyFlags(stack)], { env });
    expect(d.code, d.stderr).toBe(0);
    expect(d.json().deleted).toContain('logGroup');
    expect(await groups()).toEqual([]);
    expect((await inventory(endpoint, stack)).logGroups).toBe(0);
  }, 200_000);
});

// Every tagged copy is found (issue 11.2), end to end. Copies carrying the stack's tag are made
// with plain SDK calls next to a complete stack: a second user pool and REST API (same name and
// tag), a second app client in the recorded pool and a second authorizer in the recorded API, as
// a create retried after a lost answer used to leave. status reports them (exit 3), plan shows
// them as deletions (exit 3), init keeps the recorded copies and deletes the others, and destroy
// deletes every copy; an independent inventory checks each claim.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateAuthorizerCommand, CreateRestApiCommand } from '@aws-sdk/client-api-gateway';
import { CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { emulatorEnv, runCli, tempStateDir } from '../support/cli.js';
import { inventory, sdkClients } from '../support/inventory.js';

const endpoint = inject('emulatorEndpoint');
const RUN = Date.now().toString(36);
const PASSWORD = 'Corr3ct-Horse!';
const TAG = 'cognito-scope-setup:stack';
const stack = `e2e-dups-${RUN}`;
const stateDir = tempStateDir();
const env = emulatorEnv(stateDir);
const common = ['--stack', stack, '--endpoint-url', endpoint, '--region', 'us-east-1'];
const initArgs = ['init', '--yes', '--json', ...common, '--domain-prefix', `${stack}-login`, '--username', 'alice', '--password-stdin'];

const recorded = () => (JSON.parse(readFileSync(join(stateDir, `${stack}.json`), 'utf8')) as { resources: Record<string, { id: string; arn?: string }> }).resources;

interface Copies {
  pool: string;
  api: string;
  client: string;
  authorizer: string;
}

/** Make one more copy of each of the four resources that can have copies. */
async function makeCopies(): Promise<Copies> {
  const c = sdkClients(endpoint);
  const r = recorded();
  const pool = (await c.cognito.send(new CreateUserPoolCommand({ PoolName: `${stack}-user-pool`, UserPoolTags: { [TAG]: stack } }))).UserPool!.Id!;
  const api = (await c.apigw.send(new CreateRestApiCommand({ name: `${stack}-api`, tags: { [TAG]: stack } }))).id!;
  const client = (await c.cognito.send(new CreateUserPoolClientCommand({ UserPoolId: r.userPool!.id, ClientName: `${stack}-client`, GenerateSecret: true }))).UserPoolClient!.ClientId!;
  const authorizer = (
    await c.apigw.send(new CreateAuthorizerCommand({ restApiId: r.api!.id, name: `${stack}-authorizer`, type: 'COGNITO_USER_POOLS', providerARNs: [r.userPool!.arn!], identitySource: 'method.request.header.Authorization' }))
  ).id!;
  return { pool, api, client, authorizer };
}

describe('copies tagged as the stack\'s', () => {
  let copies: Copies;

  beforeAll(async () => {
    const made = await runCli(initArgs, { env, input: PASSWORD + '\n' });
    expect(made.code, made.stderr).toBe(0);
    copies = await makeCopies();
    const inv = await inventory(endpoint, stack);
    expect({ pools: inv.pools, apis: inv.apis, clients: inv.clients, authorizers: inv.authorizers }).toEqual({ pools: 2, apis: 2, clients: 2, authorizers: 2 });
  }, 240_000);

  it('status reports each step with a copy as duplicate, naming the copy, and exits 3', async () => {
    const st = await runCli(['status', '--json', ...common], { env });
    expect(st.code, st.stdout + st.stderr).toBe(3);
    const doc = st.json();
    expect(doc.inSync).toBe(false);
    const dup = Object.fromEntries((doc.resources as { key: string; state: string; duplicates?: string[] }[]).filter((r) => r.state === 'duplicate').map((r) => [r.key, r.duplicates]));
    expect(dup).toEqual({ userPool: [copies.pool], api: [copies.api], client: [copies.client], authorizer: [copies.authorizer] });
  });

  it('plan shows the copies as deletions and exits 3', async () => {
    const p = await runCli(['plan', '--json', ...common, '--username', 'alice'], { env });
    expect(p.code, p.stdout + p.stderr).toBe(3);
    const steps = p.json().steps as { key: string; extras?: string[] }[];
    const extras = Object.fromEntries(steps.filter((s) => s.extras?.length).map((s) => [s.key, s.extras]));
    expect(extras).toEqual({ userPool: [copies.pool], api: [copies.api], client: [copies.client], authorizer: [copies.authorizer] });
  });

  it('init keeps the recorded copies, deletes the others; status is then in sync', async () => {
    const before = recorded();
    const r = await runCli(initArgs, { env, input: PASSWORD + '\n' });
    expect(r.code, r.stderr).toBe(0);
    const inv = await inventory(endpoint, stack);
    expect(inv.ids.pools).toEqual([before.userPool!.id]);
    expect(inv.ids.apis).toEqual([before.api!.id]);
    expect(inv.ids.clients).toEqual([before.client!.id]);
    expect(inv.ids.authorizers).toEqual([before.authorizer!.id]);
    const st = await runCli(['status', '--json', ...common], { env });
    expect(st.code, st.stdout).toBe(0);
  });

  it('destroy deletes every copy and says nothing remains', async () => {
    copies = await makeCopies();
    const d = await runCli(['destroy', '--yes', '--json', ...common], { env });
    expect(d.code, d.stdout + d.stderr).toBe(0);
    expect(d.json().remaining).toEqual([]);
    const inv = await inventory(endpoint, stack);
    expect({ pools: inv.pools, apis: inv.apis, clients: inv.clients, authorizers: inv.authorizers, roles: inv.roles, functions: inv.functions }).toEqual({ pools: 0, apis: 0, clients: 0, authorizers: 0, roles: 0, functions: 0 });
  });
});

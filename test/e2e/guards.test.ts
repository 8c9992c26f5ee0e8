// The guards that keep a run from doing harm: one run per stack (lock), a state file that cannot
// be read is refused and left as it is, resources with our name but not our tag are never
// touched, and state recorded for one account or region refuses to run under another.
import { CreateRestApiCommand, DeleteRestApiCommand, GetResourcesCommand, GetRestApisCommand, GetMethodCommand } from '@aws-sdk/client-api-gateway';
import { CreateUserPoolCommand, DeleteUserPoolCommand, DescribeUserPoolCommand, ListResourceServersCommand, ListUserPoolClientsCommand, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CreateRoleCommand, DeleteRoleCommand, GetRoleCommand, ListAttachedRolePoliciesCommand, ListRoleTagsCommand } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, DeleteFunctionCommand, GetFunctionCommand, GetPolicyCommand } from '@aws-sdk/client-lambda';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { lambdaCode } from '../../src/steps/lambda-code.js';
import { fileLockHolder } from '../../src/state/file-lock.js';
import { emulatorEnv, initArgsFor, killCli, PASSWORD, runCli, spawnCli, tempStateDir } from '../support/cli.js';
import { inventory, sdkClients } from '../support/inventory.js';
import { holdAtFirstWrite, startCountingProxy, type CountingProxy } from '../support/proxy.js';

const endpoint = inject('emulatorEndpoint');
const RUN = Date.now().toString(36);
const aws = sdkClients(endpoint);

const initArgs = (stack: string, ep: string, user = true) => initArgsFor(stack, ep, { json: false, user });

/** A proxy of its own for each group of tests below, so no group sees another's requests. */
function useProxy(): { readonly p: CountingProxy } {
  const box = {} as { p: CountingProxy };
  beforeAll(async () => {
    box.p = await startCountingProxy(endpoint);
  });
  afterAll(async () => {
    await box.p?.close();
  });
  return box;
}

describe('one run at a time', () => {
  const px = useProxy();
  const stack = `e2e-lock-${RUN}`;
  const stateDir = tempStateDir();
  const env = emulatorEnv(stateDir);
  const stateFile = join(stateDir, `${stack}.json`);

  it('a second init or destroy exits at once naming the holder pid, and sends nothing', async () => {
    const gate = holdAtFirstWrite(px.p);
    const first = spawnCli(initArgs(stack, px.p.endpoint), { env, input: PASSWORD + '\n' });
    try {
      await gate.held;
      const owner = fileLockHolder(stateFile)!.owner;
      expect(owner.pid).toBe(first.child.pid);
      // Every branch of the first run is now blocked on a held request: wait until none is left to arrive.
      let before = -1;
      while (before !== px.p.requests.length) {
        before = px.p.requests.length;
        await new Promise((r) => setTimeout(r, 400));
      }
      for (const args of [initArgs(stack, px.p.endpoint), ['destroy', '--yes', '--stack', stack]]) {
        const second = await runCli(args, { env, input: PASSWORD + '\n' });
        expect(second.code).toBe(1);
        expect(second.stdout).toBe('');
        expect(second.stderr).toContain(`Another cognito-scope-setup run (pid ${first.child.pid}) holds the lock on ${stateFile}`);
        expect(second.stderr).toMatch(/hint: Wait for it to finish/);
      }
      const json = await runCli(['destroy', '--yes', '--json', '--stack', stack], { env });
      expect(json.code).toBe(1);
      expect(json.json().error).toMatchObject({ code: 'LOCKED' });
      // The first run is frozen: every request here would have come from the others.
      expect(px.p.requests.length).toBe(before);
    } finally {
      gate.release();
      await first.done;
    }
    const done = await first.done;
    expect(done.code, done.stderr).toBe(0);
    expect(existsSync(`${stateFile}.lock`)).toBe(false);
  });

  it('a lock left by a killed run is taken over by the next one', async () => {
    const gate = holdAtFirstWrite(px.p);
    const doomed = spawnCli(['destroy', '--yes', '--stack', stack], { env });
    await gate.held;
    await killCli(doomed.child);
    gate.release();
    expect((await doomed.done).signal).toBe('SIGKILL');
    // The lock is still there, with the dead pid in it.
    expect(fileLockHolder(stateFile)!.owner.pid).toBe(doomed.child.pid);
    const next = await runCli(['destroy', '--yes', '--json', '--stack', stack], { env });
    expect(next.code, next.stderr).toBe(0);
    expect(next.json().remaining).toEqual([]);
    expect(existsSync(`${stateFile}.lock`)).toBe(false);
    expect(await inventory(endpoint, stack)).toMatchObject({ roles: 0, functions: 0, apis: 0, pools: 0 });
  });
});

describe('a state file that cannot be used is refused and left as it is', () => {
  const px = useProxy();
  const stack = `e2e-badstate-${RUN}`;
  const valid = {
    version: 1,
    tool: 'cognito-scope-setup',
    stack,
    region: 'us-east-1',
    accountId: '000000000000',
    endpoint: 'http://127.0.0.1:1',
    inputs: {
      stack,
      runtime: 'python3.13',
      endpointType: 'EDGE',
      stage: 'dev',
      domainPrefix: `${stack}-login`,
      resourceServerId: `${stack}-api`,
      scopes: [{ name: 'read.helloworld.message', description: 'Read the hello world message' }],
      callbackUrls: ['https://oauth.pstmn.io/v1/callback'],
      userMode: 'none',
    },
    domainPrefixGenerated: false,
    resources: { api: { id: 'abc123', rootResourceId: 'r00t' } },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
  const text = JSON.stringify(valid, null, 2) + '\n';
  const cases: [string, string, RegExp, RegExp][] = [
    ['truncated', text.slice(0, Math.floor(text.length / 2)), /is not valid JSON \(truncated or edited\?\)/, /Fix the file by hand, restore it from a backup, or move it aside/],
    ['invalid JSON', text.replace('"stage": "dev",', '"stage": "dev",,'), /is not valid JSON/, /move it aside and run init again/],
    ['empty', '', /is empty/, /move it aside and run init again/],
    ['from a newer version', JSON.stringify({ ...valid, version: 7 }), /was written by a newer cognito-scope-setup \(state version 7; this one reads up to 1\)/, /Upgrade: npx cognito-scope-setup@latest/],
    ['against the schema', JSON.stringify({ ...valid, resources: 'none' }), /does not match the expected format: resources/, /move it aside and run init again/],
  ];
  for (const [name, content, message, hint] of cases) {
    it(`${name}: init, status and destroy exit 1, name the file, say what to do, and change nothing`, async () => {
      const stateDir = tempStateDir();
      const env = emulatorEnv(stateDir);
      const file = join(stateDir, `${stack}.json`);
      writeFileSync(file, content, { mode: 0o600 });
      px.p.clear();
      for (const args of [initArgs(stack, px.p.endpoint, false), ['status', '--stack', stack], ['destroy', '--yes', '--stack', stack], ['status', '--json', '--stack', stack]]) {
        const r = await runCli(args, { env });
        expect(r.code, `${args[0]}: ${r.stderr}`).toBe(1);
        expect(r.stderr).toContain(file);
        expect(r.stderr).toMatch(message);
        expect(r.stderr).toMatch(hint);
        // No stack trace without --verbose.
        expect(r.stderr).not.toMatch(/^\s+at /m);
        if (args.includes('--json')) expect(r.json().error.message).toMatch(message);
        else expect(r.stdout).toBe('');
        expect(readFileSync(file, 'utf8')).toBe(content);
        expect(existsSync(`${file}.lock`)).toBe(false);
      }
      // Refused before any AWS request.
      expect(px.p.requests).toEqual([]);
    });
  }
});

describe('resources with our name but without our tag', () => {
  const foreignRolePolicy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

  interface Case {
    kind: string;
    key: string;
    name: (stack: string) => string;
    create: (stack: string) => Promise<string>;
    /** Proves the foreign resource is still there and untouched; returns a snapshot to compare. */
    snapshot: (stack: string, id: string) => Promise<unknown>;
    remove: (stack: string, id: string) => Promise<void>;
  }
  const cases: Case[] = [
    {
      kind: 'IAM role',
      key: 'role',
      name: (s) => `${s}-us-east-1-lambda-role`,
      create: async (s) => {
        await aws.iam.send(new CreateRoleCommand({ RoleName: `${s}-us-east-1-lambda-role`, AssumeRolePolicyDocument: foreignRolePolicy, Description: 'not ours' }));
        return `${s}-us-east-1-lambda-role`;
      },
      snapshot: async (_s, id) => {
        const role = (await aws.iam.send(new GetRoleCommand({ RoleName: id }))).Role!;
        const tags = (await aws.iam.send(new ListRoleTagsCommand({ RoleName: id }))).Tags ?? [];
        const attached = (await aws.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: id }))).AttachedPolicies ?? [];
        return { arn: role.Arn, description: role.Description, tags, attached };
      },
      remove: async (_s, id) => {
        await aws.iam.send(new DeleteRoleCommand({ RoleName: id }));
      },
    },
    {
      kind: 'Lambda function',
      key: 'function',
      name: (s) => `${s}-lambda`,
      create: async (s) => {
        const role = await aws.iam.send(new CreateRoleCommand({ RoleName: `${s}-other-role`, AssumeRolePolicyDocument: foreignRolePolicy }));
        const code = lambdaCode('python3.13');
        // As on AWS (enforced by the strict-AWS layer), a new role cannot be assumed by Lambda at once: retry like any AWS client must.
        for (let tries = 0; ; tries++) {
          try {
            await aws.lambda.send(new CreateFunctionCommand({ FunctionName: `${s}-lambda`, Runtime: 'python3.12', Role: role.Role!.Arn!, Handler: code.handler, Code: { ZipFile: code.zip }, Description: 'not ours' }));
            break;
          } catch (e) {
            if (tries > 100 || !/cannot be assumed/.test((e as Error).message)) throw e;
            await new Promise((r) => setTimeout(r, 200));
          }
        }
        return `${s}-lambda`;
      },
      snapshot: async (_s, id) => {
        const f = await aws.lambda.send(new GetFunctionCommand({ FunctionName: id }));
        const policy = await aws.lambda.send(new GetPolicyCommand({ FunctionName: id })).then((p) => p.Policy, () => 'none');
        return { arn: f.Configuration!.FunctionArn, runtime: f.Configuration!.Runtime, sha: f.Configuration!.CodeSha256, description: f.Configuration!.Description, tags: f.Tags ?? {}, policy };
      },
      remove: async (s, id) => {
        await aws.lambda.send(new DeleteFunctionCommand({ FunctionName: id }));
        await aws.iam.send(new DeleteRoleCommand({ RoleName: `${s}-other-role` }));
      },
    },
    {
      kind: 'REST API',
      key: 'api',
      name: (s) => `${s}-api`,
      create: async (s) => (await aws.apigw.send(new CreateRestApiCommand({ name: `${s}-api`, description: 'not ours' }))).id!,
      snapshot: async (s, id) => {
        const named = ((await aws.apigw.send(new GetRestApisCommand({ limit: 500 }))).items ?? []).filter((a) => a.name === `${s}-api`);
        const resources = (await aws.apigw.send(new GetResourcesCommand({ restApiId: id }))).items ?? [];
        const root = resources.find((r) => r.path === '/')!;
        const method = await aws.apigw.send(new GetMethodCommand({ restApiId: id, resourceId: root.id, httpMethod: 'GET' })).then(() => 'GET', () => 'none');
        return { ids: named.map((a) => a.id), tags: named.map((a) => a.tags ?? {}), resources: resources.length, method };
      },
      remove: async (_s, id) => {
        await aws.apigw.send(new DeleteRestApiCommand({ restApiId: id }));
      },
    },
    {
      kind: 'user pool',
      key: 'userPool',
      name: (s) => `${s}-user-pool`,
      create: async (s) => (await aws.cognito.send(new CreateUserPoolCommand({ PoolName: `${s}-user-pool` }))).UserPool!.Id!,
      snapshot: async (s, id) => {
        const named = ((await aws.cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools ?? []).filter((p) => p.Name === `${s}-user-pool`);
        const pool = (await aws.cognito.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool!;
        const clients = (await aws.cognito.send(new ListUserPoolClientsCommand({ UserPoolId: id, MaxResults: 60 }))).UserPoolClients ?? [];
        const servers = (await aws.cognito.send(new ListResourceServersCommand({ UserPoolId: id, MaxResults: 50 }))).ResourceServers ?? [];
        return { ids: named.map((p) => p.Id), tags: pool.UserPoolTags ?? {}, domain: pool.Domain ?? null, clients: clients.length, servers: servers.length };
      },
      remove: async (_s, id) => {
        await aws.cognito.send(new DeleteUserPoolCommand({ UserPoolId: id }));
      },
    },
  ];

  for (const c of cases) {
    it(`a foreign ${c.kind}: init stops with a conflict naming it and --stack before creating anything; destroy leaves it and removes the state`, async () => {
      const stack = `e2e-own-${c.key.toLowerCase()}-${RUN}`;
      const env = emulatorEnv(tempStateDir());
      const id = await c.create(stack);
      try {
        const before = await c.snapshot(stack, id);
        const r = await runCli(initArgs(stack, endpoint, false), { env });
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toContain(`A ${c.kind} named "${c.name(stack)}" already exists in us-east-1, but it was not created by cognito-scope-setup for stack "${stack}"`);
        expect(r.stderr).toMatch(/It was left untouched/);
        expect(r.stderr).toMatch(/--stack/);
        expect(r.stderr).toMatch(/Nothing was created or changed/);
        expect(await c.snapshot(stack, id)).toEqual(before);
        // The conflict was found by the reads: nothing else of the stack was created (issue 13.2).
        const created = await inventory(endpoint, stack);
        expect({ role: created.roles, function: created.functions, api: created.apis, userPool: created.pools }).toEqual({ role: 0, function: 0, api: 0, userPool: 0, [c.key]: 1 });

        // destroy deletes what this stack created, and nothing of the foreign resource; with only
        // a foreign resource found, it succeeds, removes the state file and says what it left alone.
        const d = await runCli(['destroy', '--yes', '--json', '--stack', stack], { env });
        const doc = d.json();
        expect(doc.notOwned).toEqual([c.key]);
        expect(doc.leftAlone).toEqual([{ step: c.key, kind: c.kind, name: c.name(stack) }]);
        expect(doc.deleted).not.toContain(c.key);
        expect(doc.remaining).toEqual([]);
        expect(doc.stateFile).toBeNull();
        expect(d.code, d.stderr).toBe(0);
        expect(await c.snapshot(stack, id)).toEqual(before);

        // And without a state file, looking by name and tag, still nothing of it is deleted.
        const env2 = emulatorEnv(tempStateDir());
        const d2 = await runCli(['destroy', '--yes', '--json', '--stack', stack, '--endpoint-url', endpoint, '--region', 'us-east-1'], { env: env2 });
        expect(d2.json().notOwned).toEqual([c.key]);
        expect(d2.json().deleted).toEqual([]);
        expect(await c.snapshot(stack, id)).toEqual(before);
        const left = await inventory(endpoint, stack);
        const count = { role: left.roles, function: left.functions, api: left.apis, userPool: left.pools };
        expect(count).toEqual({ role: 0, function: 0, api: 0, userPool: 0, [c.key]: 1 });
      } finally {
        await c.remove(stack, id);
      }
    });
  }
});

describe('state recorded for one account or region', () => {
  const px = useProxy();
  const stack = `e2e-account-${RUN}`;
  const stateDir = tempStateDir();
  const env = emulatorEnv(stateDir);
  const file = join(stateDir, `${stack}.json`);
  let original = '';

  beforeAll(async () => {
    const r = await runCli([...initArgs(stack, px.p.endpoint, false), '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    original = readFileSync(file, 'utf8');
  });
  afterAll(async () => {
    writeFileSync(file, original, { mode: 0o600 });
    await runCli(['destroy', '--yes', '--stack', stack], { env });
  });

  it('another account: init, status and destroy refuse, explain, and change nothing', async () => {
    const state = JSON.parse(original);
    const live = state.accountId;
    const edited = JSON.stringify({ ...state, accountId: '111122223333' }, null, 2) + '\n';
    writeFileSync(file, edited, { mode: 0o600 });
    px.p.clear();
    for (const args of [initArgs(stack, px.p.endpoint, false), ['status', '--stack', stack], ['destroy', '--yes', '--stack', stack]]) {
      const r = await runCli(args, { env });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`State file ${file} records stack "${stack}" in account 111122223333, but your credentials are for account ${live}.`);
      expect(r.stderr).toMatch(/hint: Switch to the credentials of that account \(--profile\), or use another --stack/);
      expect(readFileSync(file, 'utf8')).toBe(edited);
    }
    // The identity check went out (with the first reads), and nothing was changed.
    expect(px.p.writes()).toEqual([]);
    expect(px.p.requests.filter((q) => q.operation === 'GetCallerIdentity')).toHaveLength(3);
    expect(await inventory(endpoint, stack)).toMatchObject({ roles: 1, functions: 1, apis: 1, pools: 1 });
    writeFileSync(file, original, { mode: 0o600 });
  });

  it('another region: init, status and destroy refuse before any AWS request', async () => {
    px.p.clear();
    for (const args of [initArgs(stack, px.p.endpoint, false), ['status', '--stack', stack], ['destroy', '--yes', '--stack', stack]]) {
      const withRegion = [...args.filter((a, i) => a !== '--region' && args[i - 1] !== '--region'), '--region', 'eu-west-1'];
      const r = await runCli(withRegion, { env });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`State file ${file} records stack "${stack}" in us-east-1, but this run targets eu-west-1.`);
      expect(r.stderr).toMatch(/hint: Run with --region us-east-1, or use another --stack/);
      expect(readFileSync(file, 'utf8')).toBe(original);
    }
    expect(px.p.requests).toEqual([]);
    const st = await runCli(['status', '--stack', stack], { env });
    expect(st.code, st.stdout).toBe(0);
  });
});

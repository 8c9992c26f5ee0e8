// Routes under crashes and faults. The CLI is killed after AWS ran each kind of route request
// (CreateResource, PutMethod, PutIntegration, AddPermission on a new stack; DeleteMethod,
// DeleteResource, RemovePermission, CreateResource when the routes change), or that request's
// answer is lost while the process lives; the next run (or the same one) must leave exactly the
// routes asked for: each path once, each method with its scopes, one statement per route with its
// SourceArn, and `status` in sync. Last, a routes stack made and changed under 30% faults.
import { GetMethodCommand, GetResourcesCommand, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { GetPolicyCommand } from '@aws-sdk/client-lambda';
import { describe, expect, inject, it } from 'vitest';
import { emulatorEnv, killCli, runCli, spawnCli, tempStateDir } from '../support/cli.js';
import { sdkClients } from '../support/inventory.js';
import { startCountingProxy, type AwsRequest } from '../support/proxy.js';

const endpoint = inject('emulatorEndpoint');
const RUN = Date.now().toString(36);
const SCOPES = ['--scope', 'read', '--scope', 'write', '--scope', 'admin'];
type R = [method: string, path: string, scopes: string[]];
const FIRST: R[] = [['GET', '/messages', ['read']], ['POST', '/messages', ['write']], ['DELETE', '/messages/{id}', ['write', 'admin']]];
const NEXT: R[] = [['GET', '/messages', ['read', 'admin']], ['PUT', '/items/{id}', ['write']]];
const routeFlags = (rs: R[]) => rs.flatMap(([m, p, s]) => ['--route', `${m} ${p}=${s.join(',')}`]);
const initArgs = (stack: string, proxy: string, rs: R[]) => ['init', '--yes', '--json', '--endpoint-url', proxy, '--stack', stack, '--region', 'us-east-1', '--endpoint-type', 'REGIONAL', '--domain-prefix', `${stack}-login`, '--no-user', ...SCOPES, ...routeFlags(rs)];
const { apigw, lambda } = sdkClients(endpoint);

/** The kind of a request: `apigateway PUT /restapis/{id}/resources/{id}/methods/DELETE`. */
const opKey = (r: AwsRequest) => `${r.service} ${r.operation}`.replace(/\/(restapis|resources|functions|authorizers|deployments|stages|policy)\/[^/?]+/g, '/$1/{id}');
const isRouteOp = (op: string) => /\/resources\/\{id\}|\/policy/.test(op);

/** Exactly the routes asked for, seen by plain SDK clients; undefined when so, else what is wrong. */
async function exactly(stack: string, rs: R[], env: Record<string, string>): Promise<string | undefined> {
  const apis = (await apigw.send(new GetRestApisCommand({ limit: 500 }))).items?.filter((a) => a.name === `${stack}-api`) ?? [];
  if (apis.length !== 1) return `${apis.length} REST APIs`;
  const apiId = apis[0]!.id!;
  const items = (await apigw.send(new GetResourcesCommand({ restApiId: apiId, limit: 500 }))).items ?? [];
  const paths = items.map((r) => r.path!).sort();
  const want = [...new Set(['/', ...rs.flatMap(([, p]) => p.split('/').slice(1).map((_, i, a) => `/${a.slice(0, i + 1).join('/')}`))])].sort();
  if (JSON.stringify(paths) !== JSON.stringify(want)) return `resources ${JSON.stringify(paths)}, expected ${JSON.stringify(want)}`;
  for (const it of items) {
    const methods = Object.keys(it.resourceMethods ?? {}).sort();
    const wantMethods = rs.filter(([, p]) => p === it.path).map(([m]) => m).sort();
    if (JSON.stringify(methods) !== JSON.stringify(wantMethods)) return `${it.path}: methods ${methods}, expected ${wantMethods}`;
    for (const [m, , s] of rs.filter(([, p]) => p === it.path)) {
      const got = await apigw.send(new GetMethodCommand({ restApiId: apiId, resourceId: it.id, httpMethod: m }));
      if (JSON.stringify(got.authorizationScopes) !== JSON.stringify(s.map((x) => `${stack}-api/${x}`))) return `${m} ${it.path}: scopes ${got.authorizationScopes}`;
      if (got.methodIntegration?.type !== 'AWS_PROXY') return `${m} ${it.path}: no Lambda integration`;
    }
  }
  const policy = JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: `${stack}-lambda` }))).Policy!);
  const arns = (policy.Statement as any[]).map((x) => x.Condition.ArnLike['AWS:SourceArn'].replace(/^.*?\/\*\//, '')).sort();
  const wantArns = rs.map(([m, p]) => `${m}/${p.slice(1).replace(/\{[^}]+\}/g, '*')}`).sort();
  if (JSON.stringify(arns) !== JSON.stringify(wantArns)) return `statements ${JSON.stringify(arns)}, expected ${JSON.stringify(wantArns)}`;
  const st = await runCli(['status', '--json', '--stack', stack], { env });
  if (st.code !== 0) return `status: exit ${st.code}: ${st.stdout.slice(0, 400)}`;
  return undefined;
}

let cycles = 0;
/** Kill (after AWS ran it) or lose the answer of the first `op` of an init to `to` routes (from `from`, when given). */
async function cycle(op: string, mode: 'after' | 'lost', to: R[], from?: R[]): Promise<string | undefined> {
  const stack = `e2e-rf-${mode[0]}${++cycles}-${RUN}`;
  const env = emulatorEnv(tempStateDir());
  const proxy = await startCountingProxy(endpoint);
  try {
    if (from) {
      const made = await runCli(initArgs(stack, proxy.endpoint, from), { env });
      if (made.code !== 0) return `setup: exit ${made.code}`;
    }
    const args = initArgs(stack, proxy.endpoint, to);
    const match = (r: AwsRequest) => opKey(r) === op;
    if (mode === 'lost') {
      const lostAt = proxy.loseAnswerAt({ k: 1, how: cycles % 2 ? 'error500' : 'reset', match });
      const run = await runCli(args, { env });
      proxy.disarm();
      if (!(await lostAt).at) return `the run never sent ${op}`;
      if (run.code !== 0) return `the run whose answer was lost: exit ${run.code}: ${run.stderr.trim().split('\n').slice(-2).join(' | ')}`;
    } else {
      const cli = spawnCli(args, { env });
      const crashed = proxy.crashAt({ k: 1, mode: 'after', kill: () => killCli(cli.child), match });
      await cli.done;
      proxy.disarm();
      if (!(await crashed).at) return `the run never sent ${op}`;
      const resumed = await runCli(args, { env });
      if (resumed.code !== 0) return `resume: exit ${resumed.code}: ${resumed.stderr.trim().split('\n').slice(-2).join(' | ')}`;
    }
    return await exactly(stack, to, env);
  } finally {
    proxy.disarm();
    await runCli(['destroy', '--yes', '--json', '--stack', stack], { env }).catch(() => undefined);
    await proxy.close();
  }
}

/** The route requests of one init, as the proxy sees them. */
async function routeOps(to: R[], from?: R[]): Promise<string[]> {
  const stack = `e2e-rf-n${++cycles}-${RUN}`;
  const env = emulatorEnv(tempStateDir());
  const proxy = await startCountingProxy(endpoint);
  try {
    if (from) expect((await runCli(initArgs(stack, proxy.endpoint, from), { env })).code).toBe(0);
    proxy.clear();
    expect((await runCli(initArgs(stack, proxy.endpoint, to), { env })).code).toBe(0);
    return [...new Set(proxy.writes().map(opKey).filter(isRouteOp))];
  } finally {
    await runCli(['destroy', '--yes', '--json', '--stack', stack], { env });
    await proxy.close();
  }
}

async function sweep(label: string, to: R[], from?: R[]) {
  const ops = await routeOps(to, from);
  expect(ops.length, ops.join('\n')).toBeGreaterThanOrEqual(from ? 5 : 4);
  const lines: string[] = [];
  for (const mode of ['after', 'lost'] as const) {
    for (const op of ops) lines.push(`${mode.padEnd(5)} ${op.padEnd(70)} ${(await cycle(op, mode, to, from)) ?? 'ok'}`);
  }
  console.log(`[routes, ${label}]\n${lines.join('\n')}`);
  expect(lines.filter((l) => !l.endsWith(' ok')), lines.join('\n')).toEqual([]);
}

describe('routes survive a crash or a lost answer at each kind of route request', () => {
  it('on a new stack', () => sweep('new stack', FIRST), 900_000);
  it('when the routes change', () => sweep('routes changed', NEXT, FIRST), 900_000);
});

describe('routes under 30% faults', () => {
  it('init, a change of routes and a re-run converge with exactly the routes asked for', async () => {
    const stack = `e2e-rf-faults-${RUN}`;
    const env = emulatorEnv(tempStateDir());
    const proxy = await startCountingProxy(endpoint);
    try {
      // At most two faults in a row per operation: a create is tried three times in one run
      // (createOrAdopt, src/aws/create.ts) and three lost answers in a row end the run by design (the
      // next run resumes; convergence.test.ts covers that). With three, whether one create drew
      // three in a row depended on how the requests interleaved, not on the code.
      proxy.faults = { rate: 0.3, kinds: ['error500', 'throttle'], seed: 5, maxConsecutive: 2 };
      const r = await runCli(initArgs(stack, proxy.endpoint, FIRST), { env });
      expect(r.code, r.stderr).toBe(0);
      const c = await runCli(initArgs(stack, proxy.endpoint, NEXT), { env });
      expect(c.code, c.stderr).toBe(0);
      expect(proxy.injected.length).toBeGreaterThanOrEqual(4);
      proxy.clear();
      const again = await runCli(initArgs(stack, proxy.endpoint, NEXT), { env });
      expect(again.code, again.stderr).toBe(0);
      expect(proxy.writes().map(opKey)).toEqual([]);
      proxy.faults = undefined;
      expect(await exactly(stack, NEXT, env)).toBeUndefined();
    } finally {
      proxy.faults = undefined;
      await runCli(['destroy', '--yes', '--json', '--stack', stack], { env });
      await proxy.close();
    }
  }, 300_000);
});

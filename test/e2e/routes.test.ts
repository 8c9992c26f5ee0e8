// Several routes, each with its own scopes, and the user's own Lambda code, against the emulator
// (through the strict-AWS layer): GET /messages (read), POST /messages (write) and
// DELETE /messages/{id} (write or admin). verify proves every gate route by route; a read-only
// token is refused on POST; route changes converge in one init; a Python handler directory of the
// user's is deployed, answers, and is no update when unchanged.
import { GetDeploymentsCommand, GetMethodCommand, GetResourcesCommand } from '@aws-sdk/client-api-gateway';
import { GetFunctionCommand, GetPolicyCommand } from '@aws-sdk/client-lambda';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { emulatorEnv, runCli, tempStateDir } from '../support/cli.js';
import { sdkClients } from '../support/inventory.js';

const endpoint = inject('emulatorEndpoint');
const id = Date.now().toString(36);
const stack = `e2e-routes-${id}`;
const RS = `${stack}-api`;
const SCOPES = ['--scope', 'read', '--scope', 'write', '--scope', 'admin'];
const ROUTES = ['--route', 'GET /messages=read', '--route', 'POST /messages=write', '--route', 'DELETE /messages/{id}=write,admin'];
const base = ['--json', '--endpoint-url', endpoint, '--stack', stack];
const { apigw, lambda } = sdkClients(endpoint);

let env: Record<string, string>;
let init: any;

const resources = async (apiId: string) => ((await apigw.send(new GetResourcesCommand({ restApiId: apiId, limit: 500 }))).items ?? []).map((r) => r.path).sort();
const statements = async () => {
  const p = await lambda.send(new GetPolicyCommand({ FunctionName: `${stack}-lambda` }));
  return Object.fromEntries((JSON.parse(p.Policy!).Statement as any[]).map((s) => [s.Sid, s.Condition.ArnLike['AWS:SourceArn']]));
};
const deployments = async (apiId: string) => (await apigw.send(new GetDeploymentsCommand({ restApiId: apiId, limit: 500 }))).items?.length ?? 0;

async function call(method: string, path: string, token?: string) {
  const res = await fetch(init.outputs.invokeUrl + path, { method, headers: token ? { Authorization: token } : {} });
  return { status: res.status, body: await res.text() };
}
async function m2mToken(...scopes: string[]) {
  const r = await runCli(['token', '--stack', stack, '--client-credentials', ...scopes.flatMap((s) => ['--scope', s])], { env });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

beforeAll(async () => {
  env = emulatorEnv(tempStateDir());
  const r = await runCli(['init', '--yes', ...base, '--endpoint-type', 'REGIONAL', '--domain-prefix', `${stack}-login`, '--no-user', '--m2m-client', ...SCOPES, ...ROUTES], { env });
  expect(r.code, r.stderr).toBe(0);
  init = r.json();
});
afterAll(async () => {
  const r = await runCli(['destroy', '--yes', '--json', '--stack', stack], { env });
  expect(r.code, r.stderr).toBe(0);
});

describe('three routes with their own scopes', () => {
  it('makes each path once, a method per route with its scopes, and one least-privilege permission per route', async () => {
    const apiId = init.outputs.restApiId;
    expect(await resources(apiId)).toEqual(['/', '/messages', '/messages/{id}']);
    const byPath = Object.fromEntries(((await apigw.send(new GetResourcesCommand({ restApiId: apiId }))).items ?? []).map((r) => [r.path, r.id]));
    const method = (path: string, httpMethod: string) => apigw.send(new GetMethodCommand({ restApiId: apiId, resourceId: byPath[path], httpMethod }));
    expect((await method('/messages', 'GET')).authorizationScopes).toEqual([`${RS}/read`]);
    expect((await method('/messages', 'POST')).authorizationScopes).toEqual([`${RS}/write`]);
    const del = await method('/messages/{id}', 'DELETE');
    expect(del).toMatchObject({ authorizationType: 'COGNITO_USER_POOLS', authorizationScopes: [`${RS}/write`, `${RS}/admin`] });
    expect(del.methodIntegration).toMatchObject({ type: 'AWS_PROXY', httpMethod: 'POST' });
    // No GET / at the root: the tutorial's method is not part of these routes.
    await expect(method('/', 'GET')).rejects.toMatchObject({ name: 'NotFoundException' });

    const arn = (part: string) => `arn:aws:execute-api:us-east-1:000000000000:${apiId}/*/${part}`;
    const got = await statements();
    expect(Object.values(got).sort()).toEqual([arn('DELETE/messages/*'), arn('GET/messages'), arn('POST/messages')].sort());
    expect(Object.keys(got).every((sid) => sid.startsWith(`${stack}-apigateway-`))).toBe(true);

    expect(init.outputs.routes).toEqual([
      { method: 'GET', path: '/messages', url: `${init.outputs.invokeUrl}messages`, scopes: [`${RS}/read`] },
      { method: 'POST', path: '/messages', url: `${init.outputs.invokeUrl}messages`, scopes: [`${RS}/write`] },
      { method: 'DELETE', path: '/messages/{id}', url: `${init.outputs.invokeUrl}messages/{id}`, scopes: [`${RS}/write`, `${RS}/admin`] },
    ]);
    const text = await runCli(['outputs', '--stack', stack], { env });
    expect(text.stdout).toMatch(/DELETE\s+\S+messages\/\{id\}\s+write, admin/);
  });

  it('verify passes every gate of every route; --json has them route by route', async () => {
    const r = await runCli(['verify', '--stack', stack, '--client-credentials', '--json'], { env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const doc = r.json();
    expect(doc.routes.map((x: any) => [x.route, x.passed, x.checks])).toEqual(
      ['GET /messages', 'POST /messages', 'DELETE /messages/{id}'].map((route) => [
        route,
        true,
        { 'no-token': 'pass', 'access-token-with-scope': 'pass', 'id-token': 'skipped', 'access-token-without-scope': 'pass' },
      ]),
    );
    // The with-scope token of each route carried exactly its scopes; the gate refused the rest.
    const refused = doc.checks.filter((c: any) => c.id === 'access-token-without-scope').map((c: any) => c.actual.status);
    for (const s of refused) expect([401, 403]).toContain(s);
    const text = await runCli(['verify', '--stack', stack, '--client-credentials'], { env });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Route by route:/);
    expect(text.stdout).toMatch(/DELETE \/messages\/\{id\}\s+pass\s+pass\s+skip\s+pass/);
  });

  it('a read-only token gets GET /messages and is refused on POST /messages and DELETE /messages/{id}', async () => {
    const read = await m2mToken('read');
    expect((await call('GET', 'messages', read)).status).toBe(200);
    expect([401, 403]).toContain((await call('POST', 'messages', read)).status);
    expect([401, 403]).toContain((await call('DELETE', 'messages/42', read)).status);
    const admin = await m2mToken('admin');
    expect((await call('DELETE', 'messages/42', admin)).status).toBe(200);
    expect((await call('GET', 'messages')).status).toBe(401);
  });

  it('a re-run changes nothing', async () => {
    const r = await runCli(['init', '--yes', '--json', '--stack', stack], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().steps.filter((s: any) => s.action !== 'unchanged')).toEqual([]);
  });

  it('route changes converge in one init: removed routes lose method, permission and unused resources; the stage is redeployed once', async () => {
    const apiId = init.outputs.restApiId;
    const before = await deployments(apiId);
    const next = ['--route', 'GET /messages=read,admin', '--route', 'POST /messages=write', '--route', 'GET /health=read'];
    const plan = await runCli(['plan', ...base, ...next], { env });
    expect(plan.code, plan.stderr).toBe(3);
    const actions = Object.fromEntries(plan.json().steps.map((s: any) => [s.key, s.action]));
    expect(actions).toMatchObject({
      'method:GET /messages': 'update',
      'method:POST /messages': 'no change',
      'method:DELETE /messages/{id}': 'delete',
      'permission:DELETE /messages/{id}': 'delete',
      'resource:/messages/{id}': 'delete',
      'resource:/health': 'create',
      'method:GET /health': 'create',
      'permission:GET /health': 'create',
      deployment: 'update',
    });
    // The text plan says the same as routes: added, changed (live then wanted scopes), removed.
    const text = await runCli(['plan', ...base.filter((a) => a !== '--json'), ...next], { env });
    expect(text.code, text.stderr).toBe(3);
    const block = text.stdout.slice(text.stdout.indexOf('Routes:')).split('\n\n')[0];
    expect(block.split('\n').map((l: string) => l.trim().replace(/\s+/g, ' '))).toEqual([
      'Routes:',
      `~ GET /messages scopes live: ["${stack}-api/read"] wanted: ["${stack}-api/read","${stack}-api/admin"]`,
      `+ GET /health scopes: ${stack}-api/read`,
      '- DELETE /messages/{id}',
    ]);
    const r = await runCli(['init', '--yes', ...base, ...next], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(await resources(apiId)).toEqual(['/', '/health', '/messages']);
    const arn = (part: string) => `arn:aws:execute-api:us-east-1:000000000000:${apiId}/*/${part}`;
    expect(Object.values(await statements()).sort()).toEqual([arn('GET/health'), arn('GET/messages'), arn('POST/messages')].sort());
    expect(await deployments(apiId)).toBe(before + 1);
    const admin = await m2mToken('admin');
    expect((await call('GET', 'messages', admin)).status).toBe(200);
    expect((await call('GET', 'health', admin)).status).not.toBe(200);
    const again = await runCli(['init', '--yes', '--json', '--stack', stack], { env });
    expect(again.json().steps.filter((s: any) => s.action !== 'unchanged')).toEqual([]);
    const v = await runCli(['verify', '--stack', stack, '--client-credentials', '--json'], { env });
    expect(v.code, v.stdout + v.stderr).toBe(0);
  });

  it("deploys the user's own Python handler directory, which answers; unchanged code is no update; a change is", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'css-code-'));
    const handler = (word: string) => `import json\n\ndef handle(event, context):\n    return {'statusCode': 200, 'body': json.dumps({'said': '${word}', 'method': event.get('httpMethod')})}\n`;
    writeFileSync(join(dir, 'app.py'), handler('hello'));
    const r = await runCli(['init', '--yes', '--json', '--stack', stack, '--code', dir, '--handler', 'app.handle'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().steps.find((s: any) => s.key === 'function').action).toBe('updated');
    const fn = (await lambda.send(new GetFunctionCommand({ FunctionName: `${stack}-lambda` }))).Configuration;
    expect(fn?.Handler).toBe('app.handle');
    // Not the tutorial's "Hello World": the user's code gets a neutral description with the handler change.
    expect(fn?.Description).toBe(`${stack} API handler (cognito-scope-setup)`);
    const write = await m2mToken('write');
    const answer = await call('POST', 'messages', write);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ said: 'hello', method: 'POST' });

    const same = await runCli(['init', '--yes', '--json', '--stack', stack], { env });
    expect(same.json().steps.filter((s: any) => s.action !== 'unchanged')).toEqual([]);
    writeFileSync(join(dir, 'app.py'), handler('changed'));
    const changed = await runCli(['init', '--yes', '--json', '--stack', stack], { env });
    expect(changed.json().steps.filter((s: any) => s.action !== 'unchanged').map((s: any) => s.key)).toEqual(['function']);
    expect(JSON.parse((await call('POST', 'messages', write)).body).said).toBe('changed');
    const v = await runCli(['verify', '--stack', stack, '--client-credentials', '--json'], { env });
    expect(v.code, v.stdout + v.stderr).toBe(0);
  });

  it('refuses before any request: an undeclared scope, a bad route, a missing handler file', async () => {
    const bad = async (args: string[], message: RegExp) => {
      const r = await runCli(['init', '--yes', ...base, ...args], { env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.json().error.message).toMatch(message);
    };
    await bad(['--route', 'GET /x=nope'], /--route "GET \/x=nope": "nope" is not declared by any --scope/);
    await bad(['--route', 'FETCH /x=read'], /--route.*method must be one of GET, POST, PUT, PATCH, DELETE, ANY/);
    await bad(['--route', 'GET /a/{x}=read', '--route', 'GET /a/{y}/b=read'], /one per level/);
    await bad(['--route', 'GET messages'], /must be "METHOD \/path=scope/);
    const dir = mkdtempSync(join(tmpdir(), 'css-code-'));
    writeFileSync(join(dir, 'main.py'), 'x = 1\n');
    await bad(['--code', dir, '--handler', 'app.handle'], /--handler "app.handle": app.py is not in/);
    await bad(['--code', join(dir, 'nothing-here')], /--code ".*nothing-here": cannot be read \(ENOENT\)/);
  });
});

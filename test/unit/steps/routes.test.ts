// Routes: parsing and rules of --route, the least-privilege SourceArn of every route's invoke
// permission (pinned here: the emulator does not check SourceArns), the statement ids, the
// graph a stack's routes make, and the stacks made before routes reading exactly as before.
import { AddPermissionCommand, GetPolicyCommand, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import { CreateResourceCommand, GetMethodCommand, GetResourcesCommand, PutIntegrationCommand, PutMethodCommand, UpdateMethodCommand } from '@aws-sdk/client-api-gateway';
import { beforeEach, describe, expect, it } from 'vitest';
import { configDocument, resolveInputs, valueProblems } from '../../../src/config/resolve.js';
import { resourcePaths, routesOf, statementId, type Route } from '../../../src/config/routes.js';
import { UsageError } from '../../../src/errors.js';
import { deployedFingerprint } from '../../../src/steps/deployment.js';
import { STEPS, everyStepFor, retiredStep, stepsFor } from '../../../src/steps/index.js';
import { methodFingerprint, methodStep, methodStepFor } from '../../../src/steps/method.js';
import { permissionStepFor, sourceArn } from '../../../src/steps/permission.js';
import { resourceStep } from '../../../src/steps/resource.js';
import { ACCOUNT, RECORDS, REGION, STACK, apigwMock, lambdaMock, makeHarness, resetMocks } from './harness.js';

beforeEach(resetMocks);

const SCOPES = [
  { name: 'read', description: 'Read' },
  { name: 'write', description: 'Write' },
  { name: 'admin', description: 'Admin' },
];
const ROUTES: Route[] = [
  { method: 'GET', path: '/messages', scopes: ['read'] },
  { method: 'POST', path: '/messages', scopes: ['write'] },
  { method: 'DELETE', path: '/messages/{id}', scopes: ['write', 'admin'] },
];
const API = RECORDS.api;

describe('least-privilege SourceArns, one per route', () => {
  const h = () => makeHarness({ inputs: { scopes: SCOPES, routes: ROUTES } });
  it.each([
    [{ method: 'GET', path: '/' }, `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API.id}/*/GET/`],
    [{ method: 'GET', path: '/messages' }, `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API.id}/*/GET/messages`],
    [{ method: 'POST', path: '/messages' }, `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API.id}/*/POST/messages`],
    [{ method: 'DELETE', path: '/messages/{id}' }, `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API.id}/*/DELETE/messages/*`],
    [{ method: 'ANY', path: '/items/{proxy+}' }, `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API.id}/*/*/items/*`],
    [{ method: 'PATCH', path: '/a/{b}/c' }, `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API.id}/*/PATCH/a/*/c`],
  ] as const)('%o -> %s', async (r, arn) => {
    expect(sourceArn(h().app, API.id, r)).toBe(arn);
    const harness = makeHarness({ records: { function: RECORDS.function, api: API } });
    lambdaMock.on(AddPermissionCommand).resolves({ Statement: '{}' });
    await permissionStepFor(r).create(harness.ctx);
    expect(lambdaMock.commandCalls(AddPermissionCommand)[0]!.args[0].input).toEqual({
      FunctionName: RECORDS.function.id,
      StatementId: statementId(STACK, r),
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      SourceArn: arn,
    });
  });

  it("statement ids: the tutorial's for GET /, else distinct, at most 100 characters of Lambda's alphabet", () => {
    expect(statementId(STACK, { method: 'GET', path: '/' })).toBe(`${STACK}-apigateway-get-root`);
    const long = 'a'.repeat(32);
    const ids = [
      statementId(long, { method: 'DELETE', path: `/${'x'.repeat(200)}/{id}` }),
      statementId(long, { method: 'GET', path: '/a-b' }),
      statementId(long, { method: 'GET', path: '/a/b' }),
      statementId(long, { method: 'ANY', path: '/a/{proxy+}' }),
    ];
    for (const id of ids) expect(id).toMatch(/^[a-zA-Z0-9_-]{1,100}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("a removed route's permission is removed by its own statement id", async () => {
    const r = { method: 'POST', path: '/messages' } as const;
    const step = retiredStep(`permission:POST /messages`, { id: statementId(STACK, r) })!;
    const harness = makeHarness({ records: { function: RECORDS.function, api: API } });
    lambdaMock.on(RemovePermissionCommand).resolves({});
    await step.delete(harness.ctx, { id: statementId(STACK, r), sourceArn: '' });
    expect(lambdaMock.commandCalls(RemovePermissionCommand)[0]!.args[0].input).toEqual({ FunctionName: RECORDS.function.id, StatementId: statementId(STACK, r) });
  });

  it('reads a route statement with another SourceArn as a change', async () => {
    const r = { method: 'DELETE', path: '/messages/{id}' } as const;
    const harness = makeHarness({ records: { function: RECORDS.function, api: API } });
    const wide = `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API.id}/*/*/*`;
    lambdaMock.on(GetPolicyCommand).resolves({ Policy: JSON.stringify({ Statement: [{ Sid: statementId(STACK, r), Principal: { Service: 'apigateway.amazonaws.com' }, Condition: { ArnLike: { 'AWS:SourceArn': wide } } }] }) });
    const live = await permissionStepFor(r).read(harness.ctx, undefined);
    expect(live?.changes).toEqual([{ field: 'sourceArn', from: wide, to: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API.id}/*/DELETE/messages/*` }]);
  });
});

describe('--route rules', () => {
  const resolve = (routes: string[], scopes = ['read', 'write']) => resolveInputs({ flags: { stack: 's', username: 'u', scopes, routes } });
  const problem = (routes: string[], scopes?: string[]) => {
    try {
      resolve(routes, scopes);
    } catch (e) {
      return (e as UsageError).problems.join('\n');
    }
    return '';
  };

  it('parses METHOD /path=scopes into routes, method case-insensitive', () => {
    expect(resolve(['get /messages=read', 'DELETE /messages/{id}=write, read']).routes).toEqual([
      { method: 'GET', path: '/messages', scopes: ['read'] },
      { method: 'DELETE', path: '/messages/{id}', scopes: ['write', 'read'] },
    ]);
  });

  it.each([
    [['GET /x=nope'], '--route "GET /x=nope": "nope" is not declared by any --scope (declared: read, write)'],
    [['GET /x'], '--route "GET /x": must be "METHOD /path=scope[,scope...]"'],
    [['HEAD /x=read'], 'method must be one of GET, POST, PUT, PATCH, DELETE, ANY'],
    [['GET x=read'], 'path "x" must start with /'],
    [['GET /x/=read'], 'must not end with /'],
    [['GET /a//b=read'], 'empty part'],
    [['GET /a b=read'], 'must be "METHOD /path=scope'],
    [['GET /{p+}/x=read'], 'a greedy {param+} must be the last part'],
    [['GET /x=read', 'get /x=write'], 'route GET /x is given twice'],
    [['GET /a/{x}=read', 'PUT /a/{y}=read'], '/a has the variable parts {x} and {y}; API Gateway allows one per level'],
    [['GET /x='], 'needs at least one scope'],
  ])('%j is refused: %s', (routes, message) => {
    expect(problem(routes)).toContain(message);
  });

  it('checks each value on its own before anything else, naming the flag', () => {
    expect(valueProblems({ routes: ['GET /x=read', 'nonsense'] })).toEqual(['--route "nonsense": must be "METHOD /path=scope[,scope...]", e.g. "POST /messages=write"']);
  });

  it('--handler needs --code', () => {
    expect(() => resolveInputs({ flags: { stack: 's', username: 'u', handler: 'app.handler' } })).toThrow(/--handler "app.handler": needs --code/);
  });

  it('a config file holds routes as objects; --print-config prints them so', () => {
    const inputs = resolveInputs({ flags: { stack: 's', username: 'u', scopes: ['read'] }, config: { routes: [{ method: 'post', path: '/m', scopes: ['read'] }] } });
    expect(configDocument(inputs, 'us-east-1').routes).toEqual([{ method: 'POST', path: '/m', scopes: ['read'] }]);
    // Without routes, the document has none: the tutorial's GET / is the default.
    expect(configDocument(resolve(undefined as never), 'us-east-1')).not.toHaveProperty('routes');
  });
});

describe('the graph of a stack with routes', () => {
  it('without routes: the tutorial graph, as before (state files made before routes read the same)', () => {
    const inputs = makeHarness().app.inputs;
    expect(inputs.routes).toBeUndefined();
    expect(stepsFor(inputs)).toEqual(STEPS.filter((s) => s.key !== 'm2mClient'));
    expect(routesOf(inputs)).toEqual([{ method: 'GET', path: '/', scopes: ['read.helloworld.message'] }]);
    // GET / keeps its fingerprint; the deployment keeps the method's.
    const h = makeHarness();
    expect(methodStepFor({ method: 'GET', path: '/' }).key).toBe('method');
    expect(methodFingerprint(h.app, 'auth42', { method: 'GET', path: '/' })).toBe(methodFingerprint(h.app, 'auth42'));
    expect(deployedFingerprint(() => ({ id: 'GET /', fingerprint: 'abc' }), ['method'])).toBe('abc');
  });

  it('with routes: each path once (parents first), a method and a permission per route, the deployment after every method', () => {
    expect(resourcePaths(ROUTES)).toEqual(['/messages', '/messages/{id}']);
    const keys = stepsFor({ userMode: 'none', m2mClient: false, routes: ROUTES }).map((s) => s.key);
    expect(keys).toEqual(expect.arrayContaining(['resource:/messages', 'resource:/messages/{id}', 'method:GET /messages', 'method:POST /messages', 'method:DELETE /messages/{id}', 'permission:GET /messages', 'permission:POST /messages', 'permission:DELETE /messages/{id}', 'deployment']));
    expect(keys).not.toContain('method');
    expect(keys).not.toContain('permission');
    const byKey = new Map(everyStepFor({ routes: ROUTES }).map((s) => [s.key, s]));
    expect(byKey.get('resource:/messages/{id}')).toMatchObject({ dependsOn: ['api', 'resource:/messages'], deletedWith: 'resource:/messages' });
    expect(byKey.get('method:DELETE /messages/{id}')).toMatchObject({ deletedWith: 'resource:/messages/{id}' });
    expect(byKey.get('deployment')!.dependsOn).toEqual(['api', 'method:GET /messages', 'method:POST /messages', 'method:DELETE /messages/{id}', 'authorizer']);
    // A removed route's steps come back from their keys alone.
    expect(retiredStep('method:DELETE /messages/{id}', {})?.deletedWith).toBe('resource:/messages/{id}');
    expect(retiredStep('resource:/messages/{id}', {})?.key).toBe('resource:/messages/{id}');
    expect(retiredStep('method', {})).toBe(methodStep);
  });

  it('a nested route puts its method on its own resource', async () => {
    const h = makeHarness({ inputs: { scopes: SCOPES, routes: ROUTES }, records: { api: API, authorizer: RECORDS.authorizer, function: RECORDS.function, 'resource:/messages/{id}': { id: 'res-id', path: '/messages/{id}' } } });
    apigwMock.on(PutMethodCommand).resolves({}).on(PutIntegrationCommand).resolves({});
    const step = methodStepFor({ method: 'DELETE', path: '/messages/{id}' });
    expect(await step.create(h.ctx)).toEqual({ id: 'DELETE /messages/{id}', fingerprint: methodFingerprint(h.app, 'auth42', { method: 'DELETE', path: '/messages/{id}' }) });
    expect(apigwMock.commandCalls(PutMethodCommand)[0]!.args[0].input).toEqual({
      restApiId: API.id,
      resourceId: 'res-id',
      httpMethod: 'DELETE',
      authorizationType: 'COGNITO_USER_POOLS',
      authorizerId: 'auth42',
      authorizationScopes: ['hello-world-api/write', 'hello-world-api/admin'],
    });
    apigwMock.on(GetMethodCommand).resolves({ authorizationType: 'COGNITO_USER_POOLS', authorizerId: 'auth42', authorizationScopes: ['hello-world-api/write'], methodIntegration: { type: 'AWS_PROXY', httpMethod: 'POST', uri: 'x' } });
    const live = await step.read(h.ctx, undefined);
    expect(live?.changes.map((c) => c.field)).toEqual(['authorizationScopes', 'integration']);
  });

  it('a resource is created under its parent; a lost answer is found by its path, not created twice', async () => {
    const h = makeHarness({ records: { api: API, 'resource:/messages': { id: 'msg', path: '/messages' } } });
    const lost = Object.assign(new Error('socket hang up'), { name: 'TimeoutError', $metadata: {} });
    apigwMock.on(CreateResourceCommand).rejectsOnce(lost);
    apigwMock.on(GetResourcesCommand).resolves({ items: [{ id: 'root123', path: '/' }, { id: 'msg', path: '/messages' }, { id: 'idres', path: '/messages/{id}' }] });
    expect(await resourceStep('/messages/{id}').create(h.ctx)).toEqual({ id: 'idres', path: '/messages/{id}' });
    expect(apigwMock.commandCalls(CreateResourceCommand).map((c) => c.args[0].input)).toEqual([{ restApiId: API.id, parentId: 'msg', pathPart: '{id}' }]);
  });
});

describe('a PutMethod whose answer was lost', () => {
  it('the SDK sends it again and AWS answers ConflictException: the method there is taken when it is the one asked for', async () => {
    const h = makeHarness({ inputs: { scopes: SCOPES, routes: ROUTES }, records: { api: API, authorizer: RECORDS.authorizer, function: RECORDS.function, 'resource:/messages': { id: 'm', path: '/messages' } } });
    const conflict = Object.assign(new Error('Method already exists for this resource'), { name: 'ConflictException', $fault: 'client', $metadata: { httpStatusCode: 409 } });
    apigwMock.on(PutMethodCommand).rejects(conflict).on(PutIntegrationCommand).resolves({});
    apigwMock.on(GetMethodCommand).resolves({ authorizationType: 'COGNITO_USER_POOLS', authorizerId: 'auth42', authorizationScopes: ['hello-world-api/write'] });
    const step = methodStepFor({ method: 'POST', path: '/messages' });
    await expect(step.create(h.ctx)).resolves.toMatchObject({ id: 'POST /messages' });
    expect(apigwMock.commandCalls(PutIntegrationCommand)).toHaveLength(1);
    // Another method there (other scopes) is not taken as it is: create converges it.
    apigwMock.on(GetMethodCommand).resolves({ authorizationType: 'COGNITO_USER_POOLS', authorizerId: 'auth42', authorizationScopes: ['hello-world-api/read'], methodIntegration: { type: 'AWS_PROXY', httpMethod: 'POST', uri: 'x' } });
    apigwMock.on(UpdateMethodCommand).resolves({ authorizationScopes: ['hello-world-api/write'] });
    await step.create(h.ctx);
    expect(apigwMock.commandCalls(UpdateMethodCommand)).toHaveLength(1);
  });
});

import {
  ConflictException,
  DeleteMethodCommand,
  GetMethodCommand,
  NotFoundException,
  PutIntegrationCommand,
  PutMethodCommand,
  UpdateMethodCommand,
  type GetMethodCommandOutput,
} from '@aws-sdk/client-api-gateway';
import { beforeEach, describe, expect, it } from 'vitest';
import { methodFingerprint, methodStep } from '../../../src/steps/method.js';
import { ACCOUNT, RECORDS, REGION, STACK, apigwMock, makeHarness, resetMocks, sent } from './harness.js';

const API = RECORDS.api;
const AUTH = RECORDS.authorizer;
const RS = `${STACK}-api`;
const READ = `${RS}/read.helloworld.message`;
const WRITE = `${RS}/write.helloworld.message`;
const SCOPES = [
  { name: 'read.helloworld.message', description: 'Read' },
  { name: 'write.helloworld.message', description: 'Write' },
];
const URI = `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/arn:aws:lambda:${REGION}:${ACCOUNT}:function:${STACK}-lambda/invocations`;
const deps = { api: API, authorizer: AUTH, function: RECORDS.function };

const liveMethod = (over: Partial<GetMethodCommandOutput> = {}): Partial<GetMethodCommandOutput> => ({
  httpMethod: 'GET',
  authorizationType: 'COGNITO_USER_POOLS',
  authorizerId: AUTH.id,
  authorizationScopes: [READ, WRITE],
  methodIntegration: { type: 'AWS_PROXY', httpMethod: 'POST', uri: URI },
  ...over,
});

beforeEach(resetMocks);

describe('method.create', () => {
  it('puts GET / with the Cognito authorizer and the scopes, then the AWS_PROXY integration', async () => {
    const h = makeHarness({ records: deps, inputs: { scopes: SCOPES } });

    const record = await methodStep.create(h.ctx);

    expect(record).toEqual({ id: 'GET /', fingerprint: methodFingerprint(h.app, AUTH.id) });
    expect(sent(apigwMock)).toEqual(['PutMethodCommand', 'PutIntegrationCommand']);
    expect(apigwMock.commandCalls(PutMethodCommand)[0].args[0].input).toEqual({
      restApiId: API.id,
      resourceId: API.rootResourceId,
      httpMethod: 'GET',
      authorizationType: 'COGNITO_USER_POOLS',
      authorizerId: AUTH.id,
      authorizationScopes: [READ, WRITE],
    });
    expect(apigwMock.commandCalls(PutIntegrationCommand)[0].args[0].input).toEqual({
      restApiId: API.id,
      resourceId: API.rootResourceId,
      httpMethod: 'GET',
      type: 'AWS_PROXY',
      integrationHttpMethod: 'POST',
      uri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:hello-world-lambda/invocations',
    });
  });

  it('builds the integration URI for the region and stack', async () => {
    const h = makeHarness({ stack: 'demo', region: 'eu-west-2', records: deps });
    await methodStep.create(h.ctx);
    expect(apigwMock.commandCalls(PutIntegrationCommand)[0].args[0].input.uri).toBe(
      'arn:aws:apigateway:eu-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-2:123456789012:function:demo-lambda/invocations',
    );
    expect(apigwMock.commandCalls(PutMethodCommand)[0].args[0].input.authorizationScopes).toEqual(['demo-api/read.helloworld.message']);
  });

  it('converges a method left by a crashed run (ConflictException)', async () => {
    const h = makeHarness({ records: deps, inputs: { scopes: SCOPES } });
    apigwMock.on(PutMethodCommand).rejects(new ConflictException({ message: 'Method already exists for this resource', $metadata: {} }));
    apigwMock.on(GetMethodCommand).resolves(liveMethod({ authorizationScopes: [READ] }));
    apigwMock.on(UpdateMethodCommand).resolves(liveMethod());
    const record = await methodStep.create(h.ctx);
    expect(record).toEqual({ id: 'GET /', fingerprint: methodFingerprint(h.app, AUTH.id) });
    expect(apigwMock.commandCalls(UpdateMethodCommand)[0].args[0].input.patchOperations).toEqual([{ op: 'add', path: '/authorizationScopes', value: WRITE }]);
  });
});

describe('method.read', () => {
  it('is in sync with the method as created', async () => {
    const h = makeHarness({ records: deps, inputs: { scopes: SCOPES } });
    apigwMock.on(GetMethodCommand).resolves(liveMethod({ authorizationScopes: [WRITE, READ] }));
    await expect(methodStep.read(h.ctx, undefined)).resolves.toEqual({ record: { id: 'GET /', fingerprint: methodFingerprint(h.app, AUTH.id) }, changes: [] });
    expect(apigwMock.commandCalls(GetMethodCommand)[0].args[0].input).toEqual({ restApiId: API.id, resourceId: API.rootResourceId, httpMethod: 'GET' });
  });

  it('reads scopes stored as one string (what ministack leaves after an UpdateMethod) as drift', async () => {
    // Such a method refuses every token on the emulator (its authorizer iterates the characters),
    // so it must never count as in sync; init re-puts the method (see test/EMULATOR.md).
    const h = makeHarness({ records: deps });
    apigwMock.on(GetMethodCommand).resolves(liveMethod({ authorizationScopes: READ as unknown as string[] }));
    await expect(methodStep.read(h.ctx, undefined)).resolves.toMatchObject({ changes: [{ field: 'authorizationScopes', from: READ, to: [READ] }] });
  });

  it('reports missing scopes as drift', async () => {
    const h = makeHarness({ records: deps, inputs: { scopes: SCOPES } });
    apigwMock.on(GetMethodCommand).resolves(liveMethod({ authorizationScopes: undefined }));
    const live = await methodStep.read(h.ctx, undefined);
    expect(live?.changes).toEqual([{ field: 'authorizationScopes', from: [], to: [READ, WRITE] }]);
  });

  it('reports a wrong authorizer, authorization type and integration', async () => {
    const h = makeHarness({ records: deps });
    apigwMock.on(GetMethodCommand).resolves(
      liveMethod({ authorizationType: 'NONE', authorizerId: 'old', authorizationScopes: [READ], methodIntegration: { type: 'AWS', httpMethod: 'GET', uri: 'x' } }),
    );
    const live = await methodStep.read(h.ctx, undefined);
    expect(live?.changes.map((c) => c.field)).toEqual(['authorizationType', 'authorizerId', 'integration']);
  });

  it('reports a missing integration', async () => {
    const h = makeHarness({ records: deps });
    apigwMock.on(GetMethodCommand).resolves(liveMethod({ authorizationScopes: [READ], methodIntegration: undefined }));
    const live = await methodStep.read(h.ctx, undefined);
    expect(live?.changes).toEqual([{ field: 'integration', from: 'none', to: `AWS_PROXY POST ${URI}` }]);
  });

  it('returns undefined when the method does not exist', async () => {
    const h = makeHarness({ records: deps });
    apigwMock.on(GetMethodCommand).rejects(new NotFoundException({ message: 'Invalid Method identifier specified', $metadata: {} }));
    await expect(methodStep.read(h.ctx, undefined)).resolves.toBeUndefined();
  });
});

describe('method.update', () => {
  it('adds and removes scopes with patch operations on /authorizationScopes', async () => {
    const h = makeHarness({ records: deps, inputs: { scopes: SCOPES } });
    const old = `${RS}/old.scope`;
    apigwMock.on(UpdateMethodCommand).resolves(liveMethod());
    const record = await methodStep.update!(h.ctx, {
      record: { id: 'GET /', fingerprint: 'x' },
      changes: [{ field: 'authorizationScopes', from: [READ, old], to: [READ, WRITE] }],
    });
    expect(record).toEqual({ id: 'GET /', fingerprint: methodFingerprint(h.app, AUTH.id) });
    expect(apigwMock.commandCalls(UpdateMethodCommand).map((c) => c.args[0].input)).toEqual([
      {
        restApiId: API.id,
        resourceId: API.rootResourceId,
        httpMethod: 'GET',
        patchOperations: [
          { op: 'add', path: '/authorizationScopes', value: WRITE },
          { op: 'remove', path: '/authorizationScopes', value: old },
        ],
      },
    ]);
    expect(apigwMock.commandCalls(PutIntegrationCommand)).toHaveLength(0);
    expect(sent(apigwMock)).toEqual(['UpdateMethodCommand']);
    expect(h.notes).toEqual([]);
  });

  it('puts the whole method again when UpdateMethod does not come back with the scopes asked for', async () => {
    const h = makeHarness({ records: deps, inputs: { scopes: SCOPES } });
    // An API (ministack) that treats add on /authorizationScopes as a plain field.
    apigwMock.on(UpdateMethodCommand).resolves(liveMethod({ authorizationScopes: WRITE as unknown as string[] }));
    await methodStep.update!(h.ctx, { record: { id: 'GET /', fingerprint: 'x' }, changes: [{ field: 'authorizationScopes', from: [READ], to: [READ, WRITE] }] });
    expect(sent(apigwMock)).toEqual(['UpdateMethodCommand', 'DeleteMethodCommand', 'PutMethodCommand', 'PutIntegrationCommand']);
    expect(apigwMock.commandCalls(PutMethodCommand)[0].args[0].input.authorizationScopes).toEqual([READ, WRITE]);
    expect(apigwMock.commandCalls(PutIntegrationCommand)[0].args[0].input).toMatchObject({ type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: URI });
    expect(h.notes).toHaveLength(1);
  });

  it('replaces the authorization type and authorizer, and re-puts the integration', async () => {
    const h = makeHarness({ records: deps });
    await methodStep.update!(h.ctx, {
      record: { id: 'GET /', fingerprint: 'x' },
      changes: [
        { field: 'authorizationType', from: 'NONE', to: 'COGNITO_USER_POOLS' },
        { field: 'authorizerId', from: 'old', to: AUTH.id },
        { field: 'integration', from: 'none', to: 'AWS_PROXY' },
      ],
    });
    expect(apigwMock.commandCalls(UpdateMethodCommand)[0].args[0].input.patchOperations).toEqual([
      { op: 'replace', path: '/authorizationType', value: 'COGNITO_USER_POOLS' },
      { op: 'replace', path: '/authorizerId', value: AUTH.id },
    ]);
    expect(apigwMock.commandCalls(PutIntegrationCommand)[0].args[0].input).toMatchObject({ type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: URI });
  });
});

describe('methodFingerprint', () => {
  it('changes with the scopes and the authorizer, not with scope order', () => {
    const a = makeHarness({ inputs: { scopes: SCOPES } }).app;
    const b = makeHarness({ inputs: { scopes: [...SCOPES].reverse() } }).app;
    const c = makeHarness({ inputs: { scopes: [SCOPES[0]] } }).app;
    expect(methodFingerprint(a, 'auth1')).toBe(methodFingerprint(b, 'auth1'));
    expect(methodFingerprint(a, 'auth1')).not.toBe(methodFingerprint(c, 'auth1'));
    expect(methodFingerprint(a, 'auth1')).not.toBe(methodFingerprint(a, 'auth2'));
  });
});

describe('method.delete', () => {
  it('deletes GET / and treats not-found as success', async () => {
    const h = makeHarness({ records: deps });
    apigwMock.on(DeleteMethodCommand).rejects(new NotFoundException({ message: 'no', $metadata: {} }));
    await expect(methodStep.delete(h.ctx, { id: 'GET /', fingerprint: 'x' })).resolves.toBeUndefined();
    expect(apigwMock.commandCalls(DeleteMethodCommand)[0].args[0].input).toEqual({ restApiId: API.id, resourceId: API.rootResourceId, httpMethod: 'GET' });
  });
});

import {
  CreateAuthorizerCommand,
  DeleteAuthorizerCommand,
  GetAuthorizerCommand,
  GetAuthorizersCommand,
  NotFoundException,
  UpdateAuthorizerCommand,
} from '@aws-sdk/client-api-gateway';
import { beforeEach, describe, expect, it } from 'vitest';
import { authorizerStep } from '../../../src/steps/authorizer.js';
import { RECORDS, STACK, apigwMock, makeHarness, resetMocks, sent } from './harness.js';

const API = RECORDS.api;
const POOL = RECORDS.userPool;
const NAME = `${STACK}-authorizer`;
const deps = { api: API, userPool: POOL };
const liveAuthorizer = { id: 'auth42', name: NAME, type: 'COGNITO_USER_POOLS' as const, providerARNs: [POOL.arn], identitySource: 'method.request.header.Authorization' };

beforeEach(resetMocks);

describe('authorizer.create', () => {
  it('creates a COGNITO_USER_POOLS authorizer on the pool, reading the Authorization header', async () => {
    const h = makeHarness({ records: deps });
    apigwMock.on(CreateAuthorizerCommand).resolves({ id: 'auth42' });
    await expect(authorizerStep.create(h.ctx)).resolves.toEqual({ id: 'auth42' });
    expect(apigwMock.commandCalls(CreateAuthorizerCommand).map((c) => c.args[0].input)).toEqual([
      {
        restApiId: API.id,
        name: NAME,
        type: 'COGNITO_USER_POOLS',
        providerARNs: [POOL.arn],
        identitySource: 'method.request.header.Authorization',
      },
    ]);
  });
});

describe('authorizer.read', () => {
  it('reads the recorded authorizer: in sync', async () => {
    const h = makeHarness({ records: deps });
    apigwMock.on(GetAuthorizerCommand).resolves(liveAuthorizer);
    await expect(authorizerStep.read(h.ctx, { id: 'auth42' })).resolves.toEqual({ record: { id: 'auth42' }, changes: [] });
    expect(apigwMock.commandCalls(GetAuthorizerCommand)[0].args[0].input).toEqual({ restApiId: API.id, authorizerId: 'auth42' });
  });

  it('finds it by name when nothing is recorded', async () => {
    const h = makeHarness({ records: deps });
    apigwMock.on(GetAuthorizersCommand).resolves({ items: [{ id: 'x', name: 'other' }, liveAuthorizer] });
    await expect(authorizerStep.read(h.ctx, undefined)).resolves.toEqual({ record: { id: 'auth42' }, changes: [] });
    expect(apigwMock.commandCalls(GetAuthorizersCommand)[0].args[0].input).toMatchObject({ restApiId: API.id });
  });

  it('reports a different pool and identity source', async () => {
    const h = makeHarness({ records: deps });
    apigwMock.on(GetAuthorizerCommand).resolves({ ...liveAuthorizer, providerARNs: ['arn:aws:cognito-idp:us-east-1:1:userpool/old'], identitySource: 'method.request.header.X-Token' });
    const live = await authorizerStep.read(h.ctx, { id: 'auth42' });
    expect(live?.changes).toEqual([
      { field: 'identitySource', from: 'method.request.header.X-Token', to: 'method.request.header.Authorization' },
      { field: 'providerARNs', from: ['arn:aws:cognito-idp:us-east-1:1:userpool/old'], to: [POOL.arn] },
    ]);
  });

  it('returns undefined when it is gone', async () => {
    const h = makeHarness({ records: deps });
    apigwMock.on(GetAuthorizerCommand).rejects(new NotFoundException({ message: 'no', $metadata: {} }));
    apigwMock.on(GetAuthorizersCommand).resolves({ items: [] });
    await expect(authorizerStep.read(h.ctx, { id: 'auth42' })).resolves.toBeUndefined();
  });
});

describe('authorizer.update', () => {
  it('patches the identity source', async () => {
    const h = makeHarness({ records: deps });
    await authorizerStep.update!(h.ctx, {
      record: { id: 'auth42' },
      changes: [{ field: 'identitySource', from: 'method.request.header.X-Token', to: 'method.request.header.Authorization' }],
    });
    expect(apigwMock.commandCalls(UpdateAuthorizerCommand)[0].args[0].input).toEqual({
      restApiId: API.id,
      authorizerId: 'auth42',
      patchOperations: [{ op: 'replace', path: '/identitySource', value: 'method.request.header.Authorization' }],
    });
  });

  // providerARNs are patched as Terraform's aws_api_gateway_authorizer does against real AWS: add
  // first (the list may never be empty), then remove, both on path '/providerARNs' with the ARN as
  // value (an ARN holds '/', so it cannot be a path segment).
  it('patches the provider ARNs: add the new pool first, then remove the old one, ARN as value', async () => {
    const h = makeHarness({ records: deps });
    const old = 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Old';
    apigwMock.on(UpdateAuthorizerCommand).resolves({ id: 'auth42', providerARNs: [POOL.arn] });
    await expect(authorizerStep.update!(h.ctx, { record: { id: 'auth42' }, changes: [{ field: 'providerARNs', from: [old], to: [POOL.arn] }] })).resolves.toEqual({ id: 'auth42' });
    expect(sent(apigwMock)).toEqual(['UpdateAuthorizerCommand']);
    expect(apigwMock.commandCalls(UpdateAuthorizerCommand)[0].args[0].input).toEqual({
      restApiId: API.id,
      authorizerId: 'auth42',
      patchOperations: [
        { op: 'add', path: '/providerARNs', value: POOL.arn },
        { op: 'remove', path: '/providerARNs', value: old },
      ],
    });
  });

  it('an answer without the list asked for (ministack: add/remove on /providerARNs break the list) re-creates the authorizer', async () => {
    const h = makeHarness({ records: deps });
    const old = 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Old';
    // What ministack 1.5.33 answers: `add` set the field to a string, `remove` then dropped it.
    apigwMock.on(UpdateAuthorizerCommand).resolves({ id: 'auth42' });
    apigwMock.on(GetAuthorizersCommand).resolves({ items: [] });
    apigwMock.on(CreateAuthorizerCommand).resolves({ id: 'auth43' });
    await expect(authorizerStep.update!(h.ctx, { record: { id: 'auth42' }, changes: [{ field: 'providerARNs', from: [old], to: [POOL.arn] }] })).resolves.toEqual({ id: 'auth43' });
    expect(sent(apigwMock)).toEqual(['UpdateAuthorizerCommand', 'DeleteAuthorizerCommand', 'CreateAuthorizerCommand']);
    expect(apigwMock.commandCalls(CreateAuthorizerCommand)[0].args[0].input.providerARNs).toEqual([POOL.arn]);
    expect(h.notes.join('\n')).toMatch(/re-creating the authorizer/);
  });

  it('sends nothing when there is nothing to patch', async () => {
    const h = makeHarness({ records: deps });
    await authorizerStep.update!(h.ctx, { record: { id: 'auth42' }, changes: [] });
    expect(sent(apigwMock)).toEqual([]);
  });

  it('replaces an authorizer of the wrong type', async () => {
    const h = makeHarness({ records: deps });
    apigwMock.on(CreateAuthorizerCommand).resolves({ id: 'auth43' });
    await expect(authorizerStep.update!(h.ctx, { record: { id: 'auth42' }, changes: [{ field: 'type', from: 'TOKEN', to: 'COGNITO_USER_POOLS', replace: true }] })).resolves.toEqual({ id: 'auth43' });
    expect(sent(apigwMock)).toEqual(['DeleteAuthorizerCommand', 'CreateAuthorizerCommand']);
  });
});

describe('authorizer.delete', () => {
  it('deletes and treats not-found as success', async () => {
    const h = makeHarness({ records: deps });
    apigwMock.on(DeleteAuthorizerCommand).rejects(new NotFoundException({ message: 'no', $metadata: {} }));
    await expect(authorizerStep.delete(h.ctx, { id: 'auth42' })).resolves.toBeUndefined();
    expect(apigwMock.commandCalls(DeleteAuthorizerCommand)[0].args[0].input).toEqual({ restApiId: API.id, authorizerId: 'auth42' });
  });
});

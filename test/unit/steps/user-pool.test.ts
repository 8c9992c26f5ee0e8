import {
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolCommand,
  InvalidParameterException,
  ListUserPoolsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { beforeEach, describe, expect, it } from 'vitest';
import { NotOwned } from '../../../src/engine/errors.js';
import { userPoolStep } from '../../../src/steps/user-pool.js';
import { OUR_TAG, RECORDS, STACK, awsError, cognitoMock, makeHarness, resetMocks } from './harness.js';

const NAME = `${STACK}-user-pool`;
const POOL = RECORDS.userPool;
const notFound = () => new ResourceNotFoundException({ message: 'User pool does not exist.', $metadata: {} });

beforeEach(resetMocks);

describe('userPool.create', () => {
  it('creates the pool with MFA off and our tag', async () => {
    const h = makeHarness();
    cognitoMock.on(CreateUserPoolCommand).resolves({ UserPool: { Id: POOL.id, Arn: POOL.arn, Name: NAME } });

    await expect(userPoolStep.create(h.ctx)).resolves.toEqual({ id: POOL.id, arn: POOL.arn });

    const input = cognitoMock.commandCalls(CreateUserPoolCommand)[0].args[0].input;
    expect(input).toMatchObject({
      PoolName: NAME,
      MfaConfiguration: 'OFF',
      UserPoolTags: { 'cognito-scope-setup:stack': STACK },
    });
    // Deletion protection stays off so destroy can delete the pool.
    expect(input.DeletionProtection).not.toBe('ACTIVE');
  });

  it('derives the ARN when the response lacks it', async () => {
    const h = makeHarness();
    cognitoMock.on(CreateUserPoolCommand).resolves({ UserPool: { Id: POOL.id, Name: NAME } });
    await expect(userPoolStep.create(h.ctx)).resolves.toEqual({ id: POOL.id, arn: POOL.arn });
  });
});

describe('userPool.read', () => {
  it('finds the pool by name with ListUserPools + DescribeUserPool and checks the tag', async () => {
    const h = makeHarness();
    cognitoMock
      .on(ListUserPoolsCommand)
      .resolvesOnce({ UserPools: [{ Id: 'us-east-1_other', Name: 'unrelated' }], NextToken: 't2' })
      .resolvesOnce({ UserPools: [{ Id: POOL.id, Name: NAME }] });
    cognitoMock.on(DescribeUserPoolCommand, { UserPoolId: POOL.id }).resolves({ UserPool: { Id: POOL.id, Arn: POOL.arn, Name: NAME, UserPoolTags: OUR_TAG, UserPoolTier: 'LITE' } });

    await expect(userPoolStep.read(h.ctx, undefined)).resolves.toEqual({ record: { id: POOL.id, arn: POOL.arn }, changes: [], adopted: true });
    const lists = cognitoMock.commandCalls(ListUserPoolsCommand).map((c) => c.args[0].input);
    expect(lists).toEqual([{ MaxResults: 60 }, { MaxResults: 60, NextToken: 't2' }]);
    // Only the same-named pool is described.
    expect(cognitoMock.commandCalls(DescribeUserPoolCommand).map((c) => c.args[0].input)).toEqual([{ UserPoolId: POOL.id }]);
  });

  it('prefers our tagged pool among same-named ones', async () => {
    const h = makeHarness();
    cognitoMock.on(ListUserPoolsCommand).resolves({ UserPools: [{ Id: 'us-east-1_foreign', Name: NAME }, { Id: POOL.id, Name: NAME }] });
    cognitoMock.on(DescribeUserPoolCommand, { UserPoolId: 'us-east-1_foreign' }).resolves({ UserPool: { Id: 'us-east-1_foreign', Name: NAME, UserPoolTags: {} } });
    cognitoMock.on(DescribeUserPoolCommand, { UserPoolId: POOL.id }).resolves({ UserPool: { Id: POOL.id, Arn: POOL.arn, Name: NAME, UserPoolTags: OUR_TAG, UserPoolTier: 'LITE' } });
    const live = await userPoolStep.read(h.ctx, undefined);
    expect(live?.record).toEqual({ id: POOL.id, arn: POOL.arn });
  });

  it('throws NotOwned for a same-named pool without our tag', async () => {
    const h = makeHarness();
    cognitoMock.on(ListUserPoolsCommand).resolves({ UserPools: [{ Id: 'us-east-1_foreign', Name: NAME }] });
    cognitoMock.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: 'us-east-1_foreign', Name: NAME, UserPoolTags: { owner: 'someone' } } });
    const err = await userPoolStep.read(h.ctx, undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotOwned);
    expect(err).toMatchObject({ code: 'CONFLICT' });
  });

  it('returns undefined when no pool has the name', async () => {
    const h = makeHarness();
    cognitoMock.on(ListUserPoolsCommand).resolves({ UserPools: [{ Id: 'x', Name: 'unrelated' }] });
    await expect(userPoolStep.read(h.ctx, undefined)).resolves.toBeUndefined();
    expect(cognitoMock.commandCalls(DescribeUserPoolCommand)).toHaveLength(0);
  });

  it('reads by the recorded id, listing at the same time only to notice other copies', async () => {
    const h = makeHarness();
    cognitoMock.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL.id, Arn: POOL.arn, Name: NAME, UserPoolTags: OUR_TAG, UserPoolTier: 'LITE' } });
    cognitoMock.on(ListUserPoolsCommand).resolves({ UserPools: [{ Id: POOL.id, Name: NAME }] });
    await expect(userPoolStep.read(h.ctx, POOL)).resolves.toEqual({ record: POOL, changes: [], adopted: false });
    expect(cognitoMock.commandCalls(DescribeUserPoolCommand).map((c) => c.args[0].input)).toEqual([{ UserPoolId: POOL.id }]);
    expect(cognitoMock.commandCalls(ListUserPoolsCommand)).toHaveLength(1);
  });

  it('refuses a recorded pool that is not ours', async () => {
    const h = makeHarness();
    cognitoMock.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL.id, Arn: POOL.arn, Name: NAME } });
    await expect(userPoolStep.read(h.ctx, POOL)).rejects.toBeInstanceOf(NotOwned);
  });

  it('falls back to the name when the recorded pool is gone', async () => {
    const h = makeHarness();
    cognitoMock.on(DescribeUserPoolCommand).rejects(notFound());
    cognitoMock.on(ListUserPoolsCommand).resolves({ UserPools: [] });
    await expect(userPoolStep.read(h.ctx, POOL)).resolves.toBeUndefined();
    expect(cognitoMock.commandCalls(ListUserPoolsCommand)).toHaveLength(1);
  });

  it('rethrows errors that are not not-found', async () => {
    const h = makeHarness();
    cognitoMock.on(DescribeUserPoolCommand).rejects(awsError('NotAuthorizedException'));
    await expect(userPoolStep.read(h.ctx, POOL)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  });
});

describe('userPool.delete', () => {
  it('deletes by id and treats not-found as success', async () => {
    const h = makeHarness();
    cognitoMock.on(DeleteUserPoolCommand).rejects(notFound());
    await expect(userPoolStep.delete(h.ctx, POOL)).resolves.toBeUndefined();
    expect(cognitoMock.commandCalls(DeleteUserPoolCommand)[0].args[0].input).toEqual({ UserPoolId: POOL.id });
  });

  it('explains deletion protection', async () => {
    const h = makeHarness();
    cognitoMock.on(DeleteUserPoolCommand).rejects(new InvalidParameterException({ message: 'The user pool cannot be deleted because deletion protection is activated.', $metadata: {} }));
    await expect(userPoolStep.delete(h.ctx, POOL)).rejects.toMatchObject({ code: 'DELETION_PROTECTED' });
  });
});

describe('userPool tier (feature plan)', () => {
  it('creates the pool on the Lite plan explicitly (AWS would default to Essentials), or on the tier asked for', async () => {
    cognitoMock.on(CreateUserPoolCommand).resolves({ UserPool: { Id: POOL.id, Arn: POOL.arn, Name: NAME } });
    await userPoolStep.create(makeHarness().ctx);
    await userPoolStep.create(makeHarness({ inputs: { tier: 'plus' } as never }).ctx);
    expect(cognitoMock.commandCalls(CreateUserPoolCommand).map((c) => c.args[0].input.UserPoolTier)).toEqual(['LITE', 'PLUS']);
  });

  it('reports a pool on another plan as a change (a pool that answers no tier is on Essentials)', async () => {
    cognitoMock.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL.id, Arn: POOL.arn, Name: NAME, UserPoolTags: OUR_TAG } });
    const live = await userPoolStep.read(makeHarness().ctx, POOL);
    expect(live?.changes).toEqual([{ field: 'tier', from: 'essentials', to: 'lite' }]);
  });

  it('changes the tier by read-modify-write: UpdateUserPool gets every member it would otherwise reset, set ones only', async () => {
    const h = makeHarness();
    cognitoMock.on(DescribeUserPoolCommand).resolves({
      UserPool: {
        Id: POOL.id, Arn: POOL.arn, Name: NAME, UserPoolTags: OUR_TAG, UserPoolTier: 'ESSENTIALS', MfaConfiguration: 'OFF', AutoVerifiedAttributes: ['email'],
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: false }, DeletionProtection: 'INACTIVE', EmailVerificationMessage: '', LambdaConfig: {}, Domain: 'x', Status: 'Enabled' as never,
      },
    });
    const { UpdateUserPoolCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    cognitoMock.on(UpdateUserPoolCommand).resolves({});
    await userPoolStep.update!(h.ctx, { record: POOL, changes: [{ field: 'tier', from: 'essentials', to: 'lite' }] });
    expect(cognitoMock.commandCalls(UpdateUserPoolCommand)[0].args[0].input).toEqual({
      UserPoolId: POOL.id, PoolName: NAME, UserPoolTags: OUR_TAG, UserPoolTier: 'LITE', MfaConfiguration: 'OFF', AutoVerifiedAttributes: ['email'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false }, DeletionProtection: 'INACTIVE',
    });
  });
});

// Every tagged copy is found (issue 11.2): a read by name and tag that meets more than one
// resource of ours keeps the recorded one (else the oldest) and returns the others as extras, for
// the engine to delete; copies of someone else's are never extras.
import { GetAuthorizerCommand, GetAuthorizersCommand, GetRestApiCommand, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { DescribeUserPoolClientCommand, DescribeUserPoolCommand, ListUserPoolClientsCommand, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { beforeEach, describe, expect, it } from 'vitest';
import { apiStep } from '../../../src/steps/api.js';
import { authorizerStep } from '../../../src/steps/authorizer.js';
import { clientStep } from '../../../src/steps/client.js';
import { userPoolStep } from '../../../src/steps/user-pool.js';
import { ACCOUNT, OUR_TAG, RECORDS, REGION, STACK, apigwMock, cognitoMock, makeHarness, resetMocks } from './harness.js';

beforeEach(resetMocks);

const arn = (id: string) => `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${id}`;
const POOL_NAME = `${STACK}-user-pool`;
const pool = (id: string, tags: Record<string, string> = OUR_TAG) => ({ UserPool: { Id: id, Arn: arn(id), Name: POOL_NAME, UserPoolTags: tags, UserPoolTier: 'LITE' as const } });

describe('user pool', () => {
  const twoOfOurs = () => {
    cognitoMock.on(ListUserPoolsCommand).resolves({
      UserPools: [
        { Id: 'p2', Name: POOL_NAME, CreationDate: new Date(2026, 1, 2) },
        { Id: 'p1', Name: POOL_NAME, CreationDate: new Date(2026, 1, 1) },
        { Id: 'p3', Name: POOL_NAME, CreationDate: new Date(2026, 1, 3) },
        { Id: 'x', Name: 'unrelated' },
      ],
    });
    cognitoMock.on(DescribeUserPoolCommand, { UserPoolId: 'p1' }).resolves(pool('p1'));
    cognitoMock.on(DescribeUserPoolCommand, { UserPoolId: 'p2' }).resolves(pool('p2'));
    cognitoMock.on(DescribeUserPoolCommand, { UserPoolId: 'p3' }).resolves(pool('p3', { 'cognito-scope-setup:stack': 'another-stack' }));
  };

  it('keeps the recorded pool and returns the other tagged copy as an extra (not the one of another stack)', async () => {
    twoOfOurs();
    const live = await userPoolStep.read(makeHarness().ctx, { id: 'p2', arn: arn('p2') });
    expect(live).toEqual({ record: { id: 'p2', arn: arn('p2') }, changes: [], adopted: false, extras: [{ id: 'p1', arn: arn('p1') }] });
  });

  it('without a record keeps the oldest and returns the rest', async () => {
    twoOfOurs();
    const live = await userPoolStep.read(makeHarness().ctx, undefined);
    expect(live).toMatchObject({ record: { id: 'p1' }, adopted: true, extras: [{ id: 'p2', arn: arn('p2') }] });
  });

  it('one pool: no extras field at all', async () => {
    cognitoMock.on(ListUserPoolsCommand).resolves({ UserPools: [{ Id: 'p1', Name: POOL_NAME }] });
    cognitoMock.on(DescribeUserPoolCommand).resolves(pool('p1'));
    expect(await userPoolStep.read(makeHarness().ctx, { id: 'p1', arn: arn('p1') })).not.toHaveProperty('extras');
  });
});

describe('REST API', () => {
  it('keeps the recorded API and returns the other tagged copies', async () => {
    apigwMock.on(GetRestApiCommand).resolves({ id: 'a2', name: `${STACK}-api`, tags: OUR_TAG, endpointConfiguration: { types: ['EDGE'] } });
    apigwMock.on(GetRestApisCommand).resolves({
      items: [
        { id: 'a1', name: `${STACK}-api`, tags: OUR_TAG, rootResourceId: 'r1', createdDate: new Date(2026, 1, 1) },
        { id: 'a2', name: `${STACK}-api`, tags: OUR_TAG, createdDate: new Date(2026, 1, 2) },
        { id: 'f1', name: `${STACK}-api`, tags: {}, createdDate: new Date(2026, 1, 3) },
      ],
    });
    const live = await apiStep.read(makeHarness().ctx, { id: 'a2', rootResourceId: 'r2' });
    expect(live).toEqual({ record: { id: 'a2', rootResourceId: 'r2' }, changes: [], adopted: false, extras: [{ id: 'a1', rootResourceId: 'r1' }] });
  });
});

describe('app client', () => {
  it('keeps the recorded client and returns the others with its name', async () => {
    const POOL = RECORDS.userPool;
    cognitoMock.on(ListUserPoolClientsCommand).resolves({
      UserPoolClients: [
        { ClientId: 'c1', ClientName: `${STACK}-client` },
        { ClientId: 'c2', ClientName: `${STACK}-client` },
        { ClientId: 'm1', ClientName: `${STACK}-m2m-client` },
      ],
    });
    cognitoMock.on(DescribeUserPoolClientCommand).callsFake((input: { ClientId: string }) => ({ UserPoolClient: { ClientId: input.ClientId, ClientName: `${STACK}-client`, ClientSecret: 's', UserPoolId: POOL.id } }));
    const live = await clientStep.read(makeHarness({ records: { userPool: POOL } }).ctx, { id: 'c2' });
    expect(live?.record).toEqual({ id: 'c2' });
    expect(live?.extras).toEqual([{ id: 'c1' }]);
    // Without a record: the first listed is kept.
    const again = await clientStep.read(makeHarness({ records: { userPool: POOL } }).ctx, undefined);
    expect(again?.record).toEqual({ id: 'c1' });
    expect(again?.extras).toEqual([{ id: 'c2' }]);
  });
});

describe('authorizer', () => {
  it('keeps the recorded authorizer and returns the others with its name', async () => {
    const deps = { api: RECORDS.api, userPool: RECORDS.userPool };
    const a = (id: string) => ({ id, name: `${STACK}-authorizer`, type: 'COGNITO_USER_POOLS' as const, identitySource: 'method.request.header.Authorization', providerARNs: [RECORDS.userPool.arn] });
    apigwMock.on(GetAuthorizerCommand).resolves(a('z2'));
    apigwMock.on(GetAuthorizersCommand).resolves({ items: [a('z1'), a('z2'), { ...a('other'), name: 'someone-elses' }] });
    const live = await authorizerStep.read(makeHarness({ records: deps }).ctx, { id: 'z2' });
    expect(live).toEqual({ record: { id: 'z2' }, changes: [], extras: [{ id: 'z1' }] });
  });
});

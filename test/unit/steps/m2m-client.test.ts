import {
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand,
  UpdateUserPoolClientCommand,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import { beforeEach, describe, expect, it } from 'vitest';
import { m2mClientStep } from '../../../src/steps/m2m-client.js';
import { stepsFor } from '../../../src/steps/index.js';
import { RECORDS, STACK, cognitoMock, makeHarness, resetMocks, sent } from './harness.js';

const POOL = RECORDS.userPool;
const NAME = `${STACK}-m2m-client`;
const RS = `${STACK}-api`;
const SECRET = 'm2m-secret-0987654321';
const WANT_SCOPES = [`${RS}/read.helloworld.message`, `${RS}/verify.noaccess`];

const live = (over: Partial<UserPoolClientType> = {}): UserPoolClientType => ({
  UserPoolId: POOL.id,
  ClientId: 'm2m1',
  ClientName: NAME,
  ClientSecret: SECRET,
  AccessTokenValidity: 15,
  TokenValidityUnits: { AccessToken: 'minutes' },
  ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
  AllowedOAuthFlows: ['client_credentials'],
  AllowedOAuthScopes: WANT_SCOPES,
  AllowedOAuthFlowsUserPoolClient: true,
  SupportedIdentityProviders: ['COGNITO'],
  ...over,
});

beforeEach(resetMocks);

describe('m2mClient', () => {
  it('is only enabled with --m2m-client', () => {
    expect(stepsFor(makeHarness().app.inputs)).not.toContain(m2mClientStep);
    expect(stepsFor(makeHarness({ inputs: { m2mClient: true } }).app.inputs)).toContain(m2mClientStep);
  });

  it('creates its own client: client_credentials only, secret, custom scopes plus the verify scope, no openid', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { m2mClient: true } });
    cognitoMock.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: live() });
    const record = await m2mClientStep.create(h.ctx);
    expect(record).toEqual({ id: 'm2m1' });
    expect(JSON.stringify(record)).not.toContain(SECRET);
    const input = cognitoMock.commandCalls(CreateUserPoolClientCommand)[0].args[0].input;
    expect(input).toMatchObject({
      UserPoolId: POOL.id,
      ClientName: NAME,
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: WANT_SCOPES,
      SupportedIdentityProviders: ['COGNITO'],
    });
    // client_credentials cannot share a client with code, and grants no openid.
    expect(input.AllowedOAuthFlows).toEqual(['client_credentials']);
    expect(input.AllowedOAuthScopes).not.toContain('openid');
  });

  it('finds it by name and reports scope drift', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { m2mClient: true } });
    cognitoMock.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [{ ClientId: 'c1', ClientName: `${STACK}-client` }, { ClientId: 'm2m1', ClientName: NAME }] });
    cognitoMock.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: live({ AllowedOAuthScopes: [WANT_SCOPES[0]] }) });
    const got = await m2mClientStep.read(h.ctx, undefined);
    expect(got).toEqual({ record: { id: 'm2m1' }, changes: [{ field: 'AllowedOAuthScopes', from: [WANT_SCOPES[0]], to: WANT_SCOPES }] });
    expect(cognitoMock.commandCalls(DescribeUserPoolClientCommand)[0].args[0].input).toEqual({ UserPoolId: POOL.id, ClientId: 'm2m1' });
    expect(JSON.stringify(got)).not.toContain(SECRET);
  });

  it('updates read-modify-write, keeping out-of-band settings and never sending the secret', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { m2mClient: true } });
    cognitoMock.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: live({ AllowedOAuthScopes: [WANT_SCOPES[0]] }) });
    await m2mClientStep.update!(h.ctx, { record: { id: 'm2m1' }, changes: [{ field: 'AllowedOAuthScopes', from: [WANT_SCOPES[0]], to: WANT_SCOPES }] });
    const input = cognitoMock.commandCalls(UpdateUserPoolClientCommand)[0].args[0].input;
    expect(input).toMatchObject({
      UserPoolId: POOL.id,
      ClientId: 'm2m1',
      ClientName: NAME,
      AccessTokenValidity: 15,
      TokenValidityUnits: { AccessToken: 'minutes' },
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: WANT_SCOPES,
    });
    expect(JSON.stringify(input)).not.toContain(SECRET);
  });

  it('deletes and treats not-found as success', async () => {
    const h = makeHarness({ records: { userPool: POOL } });
    await m2mClientStep.delete(h.ctx, { id: 'm2m1' });
    expect(sent(cognitoMock)).toEqual(['DeleteUserPoolClientCommand']);
    expect(cognitoMock.commandCalls(DeleteUserPoolClientCommand)[0].args[0].input).toEqual({ UserPoolId: POOL.id, ClientId: 'm2m1' });
  });
});

import {
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand,
  ResourceNotFoundException,
  UpdateUserPoolClientCommand,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import { beforeEach, describe, expect, it } from 'vitest';
import { clientStep } from '../../../src/steps/client.js';
import { RECORDS, STACK, cognitoMock, makeHarness, resetMocks, sent } from './harness.js';

const POOL = RECORDS.userPool;
const NAME = `${STACK}-client`;
const RS = `${STACK}-api`;
const SECRET = 'super-secret-value-1234567890';
const SCOPES = [
  { name: 'read.helloworld.message', description: 'Read' },
  { name: 'write.helloworld.message', description: 'Write' },
];
const WANT_SCOPES = ['openid', `${RS}/read.helloworld.message`, `${RS}/write.helloworld.message`];

/** A live client in sync with the inputs, plus fields a user set out of band. */
const liveClient = (over: Partial<UserPoolClientType> = {}): UserPoolClientType => ({
  UserPoolId: POOL.id,
  ClientId: 'client123',
  ClientName: NAME,
  ClientSecret: SECRET,
  RefreshTokenValidity: 30,
  AccessTokenValidity: 5,
  IdTokenValidity: 60,
  TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
  ReadAttributes: ['email'],
  WriteAttributes: ['email'],
  ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_PASSWORD_AUTH'],
  SupportedIdentityProviders: ['COGNITO'],
  CallbackURLs: ['https://oauth.pstmn.io/v1/callback'],
  LogoutURLs: ['https://example.com/logout'],
  DefaultRedirectURI: 'https://oauth.pstmn.io/v1/callback',
  AllowedOAuthFlows: ['code'],
  AllowedOAuthScopes: WANT_SCOPES,
  AllowedOAuthFlowsUserPoolClient: true,
  PreventUserExistenceErrors: 'ENABLED',
  EnableTokenRevocation: true,
  EnablePropagateAdditionalUserContextData: false,
  AuthSessionValidity: 7,
  LastModifiedDate: new Date('2026-01-01T00:00:00Z'),
  CreationDate: new Date('2026-01-01T00:00:00Z'),
  ...over,
});

beforeEach(resetMocks);

describe('client.create', () => {
  it('creates the tutorial client: secret, code flow, openid + custom scopes, Postman callback, Cognito IdP', async () => {
    const h = makeHarness({ records: { userPool: POOL, resourceServer: { id: RS } }, inputs: { scopes: SCOPES } });
    cognitoMock.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: liveClient() });

    const record = await clientStep.create(h.ctx);

    expect(record).toEqual({ id: 'client123' });
    expect(JSON.stringify(record)).not.toContain(SECRET);
    const input = cognitoMock.commandCalls(CreateUserPoolClientCommand)[0].args[0].input;
    expect(input).toMatchObject({
      UserPoolId: POOL.id,
      ClientName: NAME,
      GenerateSecret: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: WANT_SCOPES,
      CallbackURLs: ['https://oauth.pstmn.io/v1/callback'],
      SupportedIdentityProviders: ['COGNITO'],
    });
    // The flows are exactly ['code']: client_credentials cannot share a client with code and costs money.
    expect(input.AllowedOAuthFlows).toEqual(['code']);
    expect(input.AllowedOAuthScopes).toEqual(WANT_SCOPES);
  });

  it('uses the callback URLs from the inputs', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { callbackUrls: ['https://app.example.com/cb', 'http://localhost:3000/cb'] } });
    cognitoMock.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: liveClient() });
    await clientStep.create(h.ctx);
    expect(cognitoMock.commandCalls(CreateUserPoolClientCommand)[0].args[0].input.CallbackURLs).toEqual(['https://app.example.com/cb', 'http://localhost:3000/cb']);
  });

  it("adds the loopback callback that `token` and `verify` sign in through when a loopback port is set", async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { loopbackPort: 8976 } });
    cognitoMock.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: liveClient() });
    await clientStep.create(h.ctx);
    expect(cognitoMock.commandCalls(CreateUserPoolClientCommand)[0].args[0].input.CallbackURLs).toEqual([
      'https://oauth.pstmn.io/v1/callback',
      'http://localhost:8976/callback',
    ]);
  });
});

describe('client.read', () => {
  it('reads the recorded client: in sync, and the secret is not in the record', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { scopes: SCOPES } });
    cognitoMock.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: liveClient() });
    const live = await clientStep.read(h.ctx, { id: 'client123' });
    expect(live).toEqual({ record: { id: 'client123' }, changes: [] });
    expect(JSON.stringify(live)).not.toContain(SECRET);
    expect(cognitoMock.commandCalls(DescribeUserPoolClientCommand)[0].args[0].input).toEqual({ UserPoolId: POOL.id, ClientId: 'client123' });
  });

  it('finds the client by name when nothing is recorded', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { scopes: SCOPES } });
    cognitoMock
      .on(ListUserPoolClientsCommand)
      .resolvesOnce({ UserPoolClients: [{ ClientId: 'zzz', ClientName: 'other' }], NextToken: 'n2' })
      .resolvesOnce({ UserPoolClients: [{ ClientId: 'client123', ClientName: NAME }] });
    cognitoMock.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: liveClient() });
    await expect(clientStep.read(h.ctx, undefined)).resolves.toEqual({ record: { id: 'client123' }, changes: [] });
    expect(cognitoMock.commandCalls(ListUserPoolClientsCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'n2']);
    expect(cognitoMock.commandCalls(DescribeUserPoolClientCommand)[0].args[0].input).toEqual({ UserPoolId: POOL.id, ClientId: 'client123' });
  });

  it('reports a missing custom scope and a wrong callback', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { scopes: SCOPES } });
    cognitoMock.on(DescribeUserPoolClientCommand).resolves({
      UserPoolClient: liveClient({ AllowedOAuthScopes: ['openid', `${RS}/read.helloworld.message`], CallbackURLs: ['https://elsewhere.example.com/'] }),
    });
    const live = await clientStep.read(h.ctx, { id: 'client123' });
    expect(live?.changes).toEqual([
      { field: 'AllowedOAuthScopes', from: ['openid', `${RS}/read.helloworld.message`], to: WANT_SCOPES },
      { field: 'CallbackURLs', from: ['https://elsewhere.example.com/'], to: ['https://oauth.pstmn.io/v1/callback'] },
    ]);
  });

  it('reports a client without a secret as needing replacement', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { scopes: SCOPES } });
    cognitoMock.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: liveClient({ ClientSecret: undefined }) });
    const live = await clientStep.read(h.ctx, { id: 'client123' });
    expect(live?.changes).toEqual([{ field: 'clientSecret', from: 'none', to: 'generated', replace: true, reason: expect.stringMatching(/cannot be added to an existing app client/) }]);
  });

  it('returns undefined when the client is gone and none has the name', async () => {
    const h = makeHarness({ records: { userPool: POOL } });
    cognitoMock.on(DescribeUserPoolClientCommand).rejects(new ResourceNotFoundException({ message: 'no', $metadata: {} }));
    cognitoMock.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [] });
    await expect(clientStep.read(h.ctx, { id: 'client123' })).resolves.toBeUndefined();
  });
});

describe('client.update', () => {
  it('reads, modifies and writes the whole client: out-of-band settings survive, the secret is not sent', async () => {
    const h = makeHarness({ records: { userPool: POOL }, inputs: { scopes: SCOPES } });
    const live = liveClient({ AllowedOAuthScopes: ['openid'], AllowedOAuthFlows: ['code', 'implicit'] });
    cognitoMock.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: live });

    const record = await clientStep.update!(h.ctx, {
      record: { id: 'client123' },
      changes: [{ field: 'AllowedOAuthScopes', from: ['openid'], to: WANT_SCOPES }],
    });

    expect(record).toEqual({ id: 'client123' });
    expect(JSON.stringify(record)).not.toContain(SECRET);
    expect(sent(cognitoMock)).toEqual(['DescribeUserPoolClientCommand', 'UpdateUserPoolClientCommand']);
    const input = cognitoMock.commandCalls(UpdateUserPoolClientCommand)[0].args[0].input;
    expect(JSON.parse(JSON.stringify(input))).toEqual({
      UserPoolId: POOL.id,
      ClientId: 'client123',
      ClientName: NAME,
      RefreshTokenValidity: 30,
      AccessTokenValidity: 5,
      IdTokenValidity: 60,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
      ReadAttributes: ['email'],
      WriteAttributes: ['email'],
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_PASSWORD_AUTH'],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: ['https://oauth.pstmn.io/v1/callback'],
      LogoutURLs: ['https://example.com/logout'],
      DefaultRedirectURI: 'https://oauth.pstmn.io/v1/callback',
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: WANT_SCOPES,
      AllowedOAuthFlowsUserPoolClient: true,
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      EnablePropagateAdditionalUserContextData: false,
      AuthSessionValidity: 7,
    });
    expect(input).not.toHaveProperty('ClientSecret');
    expect(JSON.stringify(input)).not.toContain(SECRET);
  });

  it('replaces a client without a secret: delete, then create', async () => {
    const h = makeHarness({ records: { userPool: POOL } });
    cognitoMock.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: liveClient({ ClientId: 'newclient' }) });
    const record = await clientStep.update!(h.ctx, { record: { id: 'client123' }, changes: [{ field: 'clientSecret', from: 'none', to: 'generated', replace: true }] });
    expect(record).toEqual({ id: 'newclient' });
    expect(sent(cognitoMock)).toEqual(['DeleteUserPoolClientCommand', 'CreateUserPoolClientCommand']);
    expect(cognitoMock.commandCalls(DeleteUserPoolClientCommand)[0].args[0].input).toEqual({ UserPoolId: POOL.id, ClientId: 'client123' });
    expect(cognitoMock.commandCalls(UpdateUserPoolClientCommand)).toHaveLength(0);
  });
});

describe('client.delete', () => {
  it('deletes and treats not-found as success', async () => {
    const h = makeHarness({ records: { userPool: POOL } });
    cognitoMock.on(DeleteUserPoolClientCommand).rejects(new ResourceNotFoundException({ message: 'no', $metadata: {} }));
    await expect(clientStep.delete(h.ctx, { id: 'client123' })).resolves.toBeUndefined();
    expect(cognitoMock.commandCalls(DeleteUserPoolClientCommand)[0].args[0].input).toEqual({ UserPoolId: POOL.id, ClientId: 'client123' });
  });
});

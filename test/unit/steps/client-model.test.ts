// The app client's read-modify-write against AWS's own model (botocore's cognito-idp JSON model,
// installed in the test virtualenv): it sends exactly the writable members of
// UpdateUserPoolClientRequest, each copied only when set and valid.
import type { UserPoolClientType } from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, it } from 'vitest';
import { UPDATE_CLIENT_MEMBERS, fullUpdate } from '../../../src/steps/client.js';
import { loadModels, validateInput } from '../../support/aws-models.js';
import { ensureMinistack } from '../../support/ministack.mjs';

beforeAll(async () => {
  await ensureMinistack(); // the virtualenv holds botocore's models (fails loudly when it cannot be made)
}, 300_000);

const LIVE: UserPoolClientType = {
  UserPoolId: 'us-east-1_abc123',
  ClientId: 'client123',
  ClientName: 'hello-world-client',
  ClientSecret: 'shh',
  RefreshTokenValidity: 30,
  TokenValidityUnits: {},
  ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  SupportedIdentityProviders: ['COGNITO'],
  CallbackURLs: ['https://oauth.pstmn.io/v1/callback'],
  LogoutURLs: [],
  DefaultRedirectURI: '',
  AllowedOAuthFlows: ['code'],
  AllowedOAuthScopes: ['openid', 'hello/read'],
  AllowedOAuthFlowsUserPoolClient: true,
  PreventUserExistenceErrors: 'ENABLED',
  EnableTokenRevocation: true,
  AuthSessionValidity: 3,
  CreationDate: new Date(),
  LastModifiedDate: new Date(),
};

describe('UpdateUserPoolClient read-modify-write', () => {
  it('knows exactly the writable members of the current model', () => {
    const model = loadModels().get('cognito-idp')!;
    const members = Object.keys(model.shapes.UpdateUserPoolClientRequest!.members!).filter((m) => m !== 'UserPoolId' && m !== 'ClientId');
    expect(Object.keys(UPDATE_CLIENT_MEMBERS).sort()).toEqual(members.sort());
  });

  it('copies back only members that are set and valid: no empty DefaultRedirectURI, no read-only fields', () => {
    const input = fullUpdate(LIVE);
    expect(input).not.toHaveProperty('DefaultRedirectURI');
    expect(input).not.toHaveProperty('ClientSecret');
    expect(input).not.toHaveProperty('CreationDate');
    expect(input).not.toHaveProperty('AccessTokenValidity');
    expect(input).toMatchObject({ UserPoolId: LIVE.UserPoolId, ClientId: LIVE.ClientId, CallbackURLs: LIVE.CallbackURLs, LogoutURLs: [], AuthSessionValidity: 3 });
    expect(fullUpdate({ ...LIVE, DefaultRedirectURI: 'https://oauth.pstmn.io/v1/callback' }).DefaultRedirectURI).toBe('https://oauth.pstmn.io/v1/callback');
    expect(fullUpdate({ ...LIVE, AuthSessionValidity: 99 })).not.toHaveProperty('AuthSessionValidity');
    expect(fullUpdate({ ...LIVE, ExplicitAuthFlows: ['NOT_A_FLOW' as never] })).not.toHaveProperty('ExplicitAuthFlows');
  });

  it('the request it builds passes validation against botocore\'s model', () => {
    const model = loadModels().get('cognito-idp')!;
    const input = JSON.parse(JSON.stringify(fullUpdate(LIVE)));
    expect(validateInput({ model, operation: 'UpdateUserPoolClient', input, problems: [] })).toEqual([]);
    // ...and the validator does catch what AWS refuses (an empty DefaultRedirectURI).
    expect(validateInput({ model, operation: 'UpdateUserPoolClient', input: { ...input, DefaultRedirectURI: '' }, problems: [] }).join('\n')).toMatch(/DefaultRedirectURI: length 0 is below the minimum 1/);
  });
});

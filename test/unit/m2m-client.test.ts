// The M2M client step, and what --m2m-client and --callback-port change in the other steps and inputs.
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand,
  UpdateUserPoolClientCommand,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { resolveInputs } from '../../src/config/resolve.js';
import type { StepRecord } from '../../src/engine/types.js';
import { dependencyAccess } from '../../src/engine/index.js';
import { namesFor, type App, type Ctx } from '../../src/steps/app.js';
import { callbackUrlsOf, desiredClient } from '../../src/steps/client.js';
import { STEPS, stepsFor } from '../../src/steps/index.js';
import { M2M_BILLING_WARNING } from '../../src/commands/notices.js';
import { m2mClientStep } from '../../src/steps/m2m-client.js';
import { serverScopes } from '../../src/steps/resource-server.js';
import { stateSchema } from '../../src/state/schema.js';
import { fakeState } from './support/fake-stack.js';

const cognitoMock = mockClient(CognitoIdentityProviderClient);
const POOL = { id: 'us-east-1_AbCdEf123' };
const RS = 'hello-world-api';

function harness(flags: Record<string, unknown> = {}) {
  const inputs = resolveInputs({ flags: { stack: 'hello-world', domainPrefix: 'hello-world-login', userMode: 'none', ...flags } });
  const client = new CognitoIdentityProviderClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  const aws = { region: 'us-east-1', cognito: async () => client, destroy: () => client.destroy() } as unknown as AwsClients;
  const app: App = { aws, stack: 'hello-world', region: 'us-east-1', accountId: '123456789012', partition: 'aws', inputs, names: namesFor('hello-world', 'us-east-1') };
  const records: Record<string, StepRecord> = { userPool: POOL, resourceServer: { id: RS } };
  const ctx: Ctx = { app, ...dependencyAccess<App>('m2mClient', (k) => records[k]), changedDeps: [], checkpoint: async () => undefined, note: () => undefined };
  return { app, ctx };
}

const liveM2m = (over: Partial<UserPoolClientType> = {}): UserPoolClientType => ({
  UserPoolId: POOL.id,
  ClientId: 'm2m123',
  ClientName: 'hello-world-m2m-client',
  ClientSecret: 's3cr3t',
  AllowedOAuthFlows: ['client_credentials' as const],
  AllowedOAuthFlowsUserPoolClient: true,
  AllowedOAuthScopes: [`${RS}/verify.noaccess`, `${RS}/read.helloworld.message`],
  SupportedIdentityProviders: ['COGNITO'],
  RefreshTokenValidity: 30,
  ...over,
});

beforeEach(() => cognitoMock.reset());

describe('M2M client step', () => {
  it('is enabled only with --m2m-client, and is a separate client from the code-flow one', () => {
    expect(stepsFor(harness().app.inputs)).not.toContain(m2mClientStep);
    expect(stepsFor(harness({ m2mClient: true }).app.inputs)).toContain(m2mClientStep);
    expect(STEPS.map((s) => s.key)).toContain('m2mClient');
    expect(m2mClientStep.dependsOn).toEqual(['userPool', 'resourceServer']);
    expect(m2mClientStep.deletedWith).toBe('userPool');
    expect(M2M_BILLING_WARNING).toMatch(/bills .* monthly/);
  });

  it('creates a client_credentials-only client with a secret, the custom scopes and the verify scope, no openid', async () => {
    const { ctx } = harness({ m2mClient: true });
    cognitoMock.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'm2m123' } });
    expect(await m2mClientStep.create(ctx)).toEqual({ id: 'm2m123' });
    expect(cognitoMock.commandCalls(CreateUserPoolClientCommand)[0]!.args[0].input).toEqual({
      UserPoolId: POOL.id,
      ClientName: 'hello-world-m2m-client',
      GenerateSecret: true,
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: [`${RS}/read.helloworld.message`, `${RS}/verify.noaccess`],
      SupportedIdentityProviders: ['COGNITO'],
    });
  });

  it('reads by recorded id; in sync means no change', async () => {
    const { ctx } = harness({ m2mClient: true });
    cognitoMock.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: liveM2m() });
    expect(await m2mClientStep.read(ctx, { id: 'm2m123' })).toEqual({ record: { id: 'm2m123' }, changes: [] });
  });

  it('finds a client a crash left unrecorded by its name', async () => {
    const { ctx } = harness({ m2mClient: true });
    cognitoMock.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [{ ClientId: 'other', ClientName: 'hello-world-client' }, { ClientId: 'm2m123', ClientName: 'hello-world-m2m-client' }] });
    cognitoMock.on(DescribeUserPoolClientCommand, { ClientId: 'm2m123' }).resolves({ UserPoolClient: liveM2m() });
    expect((await m2mClientStep.read(ctx, undefined))?.record).toEqual({ id: 'm2m123' });
  });

  it('converges drifted scopes with a read-modify-write that keeps the other fields', async () => {
    const { ctx } = harness({ m2mClient: true });
    cognitoMock.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: liveM2m({ AllowedOAuthScopes: [`${RS}/read.helloworld.message`] }) });
    const live = (await m2mClientStep.read(ctx, { id: 'm2m123' }))!;
    expect(live.changes.map((c) => c.field)).toEqual(['AllowedOAuthScopes']);
    await m2mClientStep.update!(ctx, live);
    const input = cognitoMock.commandCalls(UpdateUserPoolClientCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ ClientId: 'm2m123', ClientName: 'hello-world-m2m-client', RefreshTokenValidity: 30, AllowedOAuthFlows: ['client_credentials'] });
    expect(input.AllowedOAuthScopes).toEqual([`${RS}/read.helloworld.message`, `${RS}/verify.noaccess`]);
  });

  it('replaces a client without a secret (a secret cannot be added), and deletes leniently', async () => {
    const { ctx } = harness({ m2mClient: true });
    cognitoMock.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: liveM2m({ ClientSecret: undefined }) });
    const live = (await m2mClientStep.read(ctx, { id: 'm2m123' }))!;
    expect(live.changes).toContainEqual(expect.objectContaining({ field: 'clientSecret', replace: true }));
    cognitoMock.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'm2m456' } });
    expect(await m2mClientStep.update!(ctx, live)).toEqual({ id: 'm2m456' });
    expect(cognitoMock.commandCalls(DeleteUserPoolClientCommand)[0]!.args[0].input).toEqual({ UserPoolId: POOL.id, ClientId: 'm2m123' });
    cognitoMock.on(DeleteUserPoolClientCommand).rejects(Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' }));
    await expect(m2mClientStep.delete(ctx, { id: 'm2m123' })).resolves.toBeUndefined();
  });
});

describe('--m2m-client and --callback-port in the other steps', () => {
  it('the resource server gets the verify scope only with --m2m-client', () => {
    expect(serverScopes(harness().app).map((s) => s.ScopeName)).toEqual(['read.helloworld.message']);
    expect(serverScopes(harness({ m2mClient: true }).app)).toEqual([
      { ScopeName: 'read.helloworld.message', ScopeDescription: 'Read the hello world message' },
      { ScopeName: 'verify.noaccess', ScopeDescription: expect.stringMatching(/Grants nothing/) },
    ]);
  });

  it('every app client gets the loopback callback (default port 8976) next to the user callbacks; the code-flow client never gets the verify scope', () => {
    const d = desiredClient(harness({ m2mClient: true }).app);
    expect(d.CallbackURLs).toEqual(['https://oauth.pstmn.io/v1/callback', 'http://localhost:8976/callback']);
    expect(d.AllowedOAuthScopes).toEqual(['openid', `${RS}/read.helloworld.message`]);
    expect(callbackUrlsOf(harness({ loopbackPort: '9123', callbackUrls: ['http://localhost:9123/callback'] }).app)).toEqual(['http://localhost:9123/callback']);
  });

  it('resolves and validates the new inputs; old state files without them stay valid', () => {
    expect(harness().app.inputs).toMatchObject({ loopbackPort: 8976 });
    expect(harness().app.inputs.m2mClient).toBeUndefined();
    expect(harness({ loopbackPort: '9000' }).app.inputs.loopbackPort).toBe(9000);
    expect(() => harness({ loopbackPort: '80' })).toThrow(/--callback-port "80": must be from 1024 to 65535/);
    expect(() => harness({ loopbackPort: 'x' })).toThrow(/--callback-port "x": must be a port number/);
    expect(() => harness({ m2mClient: true, scopes: ['verify.noaccess'] })).toThrow(/--scope: "verify.noaccess" is reserved/);
    // A recorded stack keeps its choices when the flags are not repeated.
    const recorded = harness({ m2mClient: true, loopbackPort: '9001' }).app.inputs;
    const again = resolveInputs({ flags: { stack: 'hello-world' }, recorded });
    expect(again).toMatchObject({ m2mClient: true, loopbackPort: 9001 });
  });

  it('a state file written before loopbackPort and m2mClient existed still loads', () => {
    const s = fakeState();
    delete (s.inputs as Partial<typeof s.inputs>).loopbackPort;
    const parsed = stateSchema.parse(JSON.parse(JSON.stringify(s)));
    expect(parsed.inputs.loopbackPort).toBeUndefined();
    expect(parsed.inputs.m2mClient).toBeUndefined();
    // Resuming it registers the default loopback callback.
    expect(resolveInputs({ flags: { stack: s.stack }, recorded: parsed.inputs }).loopbackPort).toBe(8976);
  });
});

// The machine-to-machine app client (only with `init --m2m-client`): its own client, because
// `client_credentials` may not share a client with the code flow. It holds the custom scopes plus
// a verify-only scope that GET / does not require, so `verify` can get an access token without
// the method's scope. Cognito bills such clients monthly: `init` warns before creating it.
import {
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand,
  UpdateUserPoolClientCommand,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import { ignoreNotFound, orAbsent } from '../aws/errors.js';
import { verifyNoAccessScope } from '../config/schema.js';
import type { Change, Step } from '../engine/types.js';
import { fullScopes, sameSet, type App } from './app.js';
import { fullUpdate } from './client.js';
import type { UserPoolRecord } from './user-pool.js';

export interface M2mClientRecord extends Record<string, unknown> {
  id: string;
}

export const M2M_BILLING_WARNING =
  'warning: --m2m-client creates an app client for the client_credentials grant. Cognito bills machine-to-machine app clients ' +
  'monthly (about $6 per client per month) plus a fee per token request, even on the free tier. `destroy` removes it.';

export const m2mClientName = (app: App): string => `${app.stack}-m2m-client`;

export function desiredM2mClient(app: App) {
  return {
    AllowedOAuthFlows: ['client_credentials'] as ('code' | 'implicit' | 'client_credentials')[],
    AllowedOAuthFlowsUserPoolClient: true,
    // client_credentials grants only resource-server scopes: no openid.
    AllowedOAuthScopes: [...fullScopes(app.inputs), verifyNoAccessScope(app.inputs)],
    SupportedIdentityProviders: ['COGNITO'],
  };
}

async function describe(app: App, poolId: string, clientId: string): Promise<UserPoolClientType | undefined> {
  const cognito = await app.aws.cognito();
  return (await orAbsent(cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))))?.UserPoolClient;
}

async function findByName(app: App, poolId: string): Promise<UserPoolClientType | undefined> {
  const cognito = await app.aws.cognito();
  let NextToken: string | undefined;
  do {
    const page = await orAbsent(cognito.send(new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 60, NextToken })));
    const hit = page?.UserPoolClients?.find((c) => c.ClientName === m2mClientName(app));
    if (hit) return describe(app, poolId, hit.ClientId!);
    NextToken = page?.NextToken;
  } while (NextToken);
  return undefined;
}

export const m2mClientStep: Step<App, M2mClientRecord> = {
  key: 'm2mClient',
  title: 'M2M app client (client credentials)',
  dependsOn: ['userPool', 'resourceServer'],
  deletedWith: 'userPool',
  enabled: (app) => app.inputs.m2mClient === true,
  async read(ctx, recorded) {
    const { app } = ctx;
    const pool = ctx.get<UserPoolRecord>('userPool');
    if (!pool) return undefined;
    let c = recorded?.id ? await describe(app, pool.id, recorded.id) : undefined;
    c ??= await findByName(app, pool.id);
    if (!c) return undefined;
    const want = desiredM2mClient(app);
    const changes: Change[] = [];
    if (!c.ClientSecret) changes.push({ field: 'clientSecret', from: 'none', to: 'generated', replace: true });
    for (const f of ['AllowedOAuthFlows', 'AllowedOAuthScopes', 'SupportedIdentityProviders'] as const) {
      if (!sameSet(c[f], want[f])) changes.push({ field: f, from: c[f] ?? [], to: want[f] });
    }
    if (c.AllowedOAuthFlowsUserPoolClient !== true) changes.push({ field: 'AllowedOAuthFlowsUserPoolClient', from: c.AllowedOAuthFlowsUserPoolClient ?? false, to: true });
    return { record: { id: c.ClientId! }, changes };
  },
  async create(ctx) {
    const { app } = ctx;
    const pool = ctx.get<UserPoolRecord>('userPool')!;
    const cognito = await app.aws.cognito();
    const out = await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: pool.id,
        ClientName: m2mClientName(app),
        GenerateSecret: true,
        ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
        PreventUserExistenceErrors: 'ENABLED',
        EnableTokenRevocation: true,
        ...desiredM2mClient(app),
      }),
    );
    return { id: out.UserPoolClient!.ClientId! };
  },
  async update(ctx, live) {
    const { app } = ctx;
    const pool = ctx.get<UserPoolRecord>('userPool')!;
    if (live.changes.some((c) => c.field === 'clientSecret')) {
      await m2mClientStep.delete(ctx, live.record);
      return m2mClientStep.create(ctx);
    }
    const current = await describe(app, pool.id, live.record.id);
    if (!current) return m2mClientStep.create(ctx);
    const cognito = await app.aws.cognito();
    // Read-modify-write: UpdateUserPoolClient resets every field it is not given.
    await cognito.send(new UpdateUserPoolClientCommand({ ...fullUpdate(current), ...desiredM2mClient(app) }));
    return live.record;
  },
  async delete(ctx, record) {
    const pool = ctx.get<UserPoolRecord>('userPool');
    if (!pool) return;
    const cognito = await ctx.app.aws.cognito();
    await ignoreNotFound(cognito.send(new DeleteUserPoolClientCommand({ UserPoolId: pool.id, ClientId: record.id })));
  },
};

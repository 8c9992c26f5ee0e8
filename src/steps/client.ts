// The app client (tutorial steps 3 and 5): a generated secret, the authorization-code flow,
// scopes openid plus every custom scope, the Postman callback. The secret is never recorded.
import {
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand,
  UpdateUserPoolClientCommand,
  type ExplicitAuthFlowsType,
  type UpdateUserPoolClientCommandInput,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import { createOrAdopt } from '../aws/create.js';
import { ignoreNotFound, orAbsent } from '../aws/errors.js';
import { loopbackCallbackUrl } from '../config/schema.js';
import type { Change, Step } from '../engine/types.js';
import { fullScopes, sameSet, type App } from './app.js';
import { userPoolStep } from './user-pool.js';

export interface ClientRecord extends Record<string, unknown> {
  id: string;
}

/** The user's callback URLs plus the loopback one that `token` and `verify` sign in through. */
export function callbackUrlsOf(app: App): string[] {
  const port = app.inputs.loopbackPort;
  return [...new Set([...app.inputs.callbackUrls, ...(port ? [loopbackCallbackUrl(port)] : [])])];
}

/** The OAuth settings the client must have. */
export function desiredClient(app: App): DesiredClient {
  return {
    AllowedOAuthFlows: ['code'] as ('code' | 'implicit' | 'client_credentials')[],
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthScopes: ['openid', ...fullScopes(app.inputs)],
    CallbackURLs: callbackUrlsOf(app),
    SupportedIdentityProviders: ['COGNITO'],
  };
}

/** The OAuth fields an app client step converges (all of them lists except the flag). */
type DesiredClient = {
  AllowedOAuthFlows: ('code' | 'implicit' | 'client_credentials')[];
  AllowedOAuthFlowsUserPoolClient: boolean;
  AllowedOAuthScopes: string[];
  CallbackURLs?: string[];
  SupportedIdentityProviders: string[];
};

async function describe(app: App, poolId: string, clientId: string): Promise<UserPoolClientType | undefined> {
  const cognito = await app.aws.cognito();
  return (await orAbsent(cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))))?.UserPoolClient;
}

/** The ids of every client with this name in the pool (names are not unique). */
async function namedIds(app: App, poolId: string, name: string): Promise<string[]> {
  const cognito = await app.aws.cognito();
  const ids: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await orAbsent(cognito.send(new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 60, NextToken })));
    ids.push(...(page?.UserPoolClients ?? []).filter((c) => c.ClientName === name).map((c) => c.ClientId!));
    NextToken = page?.NextToken;
  } while (NextToken);
  return ids;
}

async function findByName(app: App, poolId: string, name: string): Promise<UserPoolClientType | undefined> {
  const [first] = await namedIds(app, poolId, name);
  return first ? describe(app, poolId, first) : undefined;
}

/** A member's rule in AWS's model (botocore cognito-idp 2016-04-18, UpdateUserPoolClientRequest). */
type Rule =
  | { type: 'string'; min?: number; max?: number; pattern?: RegExp; enum?: readonly string[] }
  | { type: 'integer'; min: number; max: number }
  | { type: 'boolean' }
  | { type: 'list'; min?: number; max?: number; item: Rule }
  | { type: 'structure'; valid: (v: Record<string, unknown>) => boolean };

const URL_TYPE: Rule = { type: 'string', min: 1, max: 1024, pattern: /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u };
const UNIT = ['seconds', 'minutes', 'hours', 'days'];

/**
 * Exactly the writable members of UpdateUserPoolClient in AWS's current model (botocore
 * cognito-idp 2016-04-18: UpdateUserPoolClientRequest minus the two ids), each with its model
 * rule. test/unit/steps/client-model.test.ts checks this table against botocore's model, so a
 * member AWS adds later shows up there instead of being reset silently.
 */
export const UPDATE_CLIENT_MEMBERS = {
  ClientName: { type: 'string', min: 1, max: 128, pattern: /^[\w\s+=,.@-]+$/u },
  RefreshTokenValidity: { type: 'integer', min: 0, max: 315360000 },
  AccessTokenValidity: { type: 'integer', min: 1, max: 86400 },
  IdTokenValidity: { type: 'integer', min: 1, max: 86400 },
  TokenValidityUnits: { type: 'structure', valid: (v) => Object.entries(v).every(([k, x]) => ['AccessToken', 'IdToken', 'RefreshToken'].includes(k) && (x === undefined || UNIT.includes(String(x)))) },
  ReadAttributes: { type: 'list', item: { type: 'string', min: 1, max: 2048 } },
  WriteAttributes: { type: 'list', item: { type: 'string', min: 1, max: 2048 } },
  ExplicitAuthFlows: { type: 'list', item: { type: 'string', enum: ['ADMIN_NO_SRP_AUTH', 'CUSTOM_AUTH_FLOW_ONLY', 'USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_AUTH'] } },
  SupportedIdentityProviders: { type: 'list', item: { type: 'string', min: 1, max: 32, pattern: /^[\p{L}\p{M}\p{S}\p{N}\p{P}\p{Z}]+$/u } },
  CallbackURLs: { type: 'list', min: 0, max: 100, item: URL_TYPE },
  LogoutURLs: { type: 'list', min: 0, max: 100, item: URL_TYPE },
  DefaultRedirectURI: URL_TYPE,
  AllowedOAuthFlows: { type: 'list', min: 0, max: 3, item: { type: 'string', enum: ['code', 'implicit', 'client_credentials'] } },
  AllowedOAuthScopes: { type: 'list', max: 50, item: { type: 'string', min: 1, max: 256, pattern: /^[\x21\x23-\x5B\x5D-\x7E]+$/ } },
  AllowedOAuthFlowsUserPoolClient: { type: 'boolean' },
  AnalyticsConfiguration: { type: 'structure', valid: (v) => typeof v.ApplicationId === 'string' || typeof v.ApplicationArn === 'string' },
  PreventUserExistenceErrors: { type: 'string', enum: ['LEGACY', 'ENABLED'] },
  EnableTokenRevocation: { type: 'boolean' },
  EnablePropagateAdditionalUserContextData: { type: 'boolean' },
  AuthSessionValidity: { type: 'integer', min: 3, max: 15 },
  RefreshTokenRotation: { type: 'structure', valid: (v) => v.Feature === 'ENABLED' || v.Feature === 'DISABLED' },
} as const satisfies Record<string, Rule>;

/** Is a value set, and valid by its model rule? (Describe answers are not update requests: an empty DefaultRedirectURI is refused by AWS.) */
export function validByModel(rule: Rule, v: unknown): boolean {
  if (v === undefined || v === null) return false;
  switch (rule.type) {
    case 'string':
      if (typeof v !== 'string') return false;
      if (rule.min !== undefined && [...v].length < rule.min) return false;
      if (rule.max !== undefined && [...v].length > rule.max) return false;
      if (rule.enum && !rule.enum.includes(v)) return false;
      return !rule.pattern || rule.pattern.test(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) && v >= rule.min && v <= rule.max;
    case 'boolean':
      return typeof v === 'boolean';
    case 'list':
      return Array.isArray(v) && (rule.min === undefined || v.length >= rule.min) && (rule.max === undefined || v.length <= rule.max) && v.every((x) => validByModel(rule.item, x));
    case 'structure':
      return typeof v === 'object' && !Array.isArray(v) && rule.valid(v as Record<string, unknown>);
  }
}

/**
 * The update request for a live client: UpdateUserPoolClient resets every member it is not given,
 * so each writable member of the model is copied back, but only when it is set and valid (a
 * member that is unset or invalid in the Describe answer is left out, which resets it to what it
 * already is: unset).
 */
export function fullUpdate(live: UserPoolClientType): UpdateUserPoolClientCommandInput {
  const input: Record<string, unknown> = { UserPoolId: live.UserPoolId, ClientId: live.ClientId };
  const from = live as Record<string, unknown>;
  for (const [k, rule] of Object.entries(UPDATE_CLIENT_MEMBERS) as [string, Rule][]) if (validByModel(rule, from[k])) input[k] = from[k];
  return input as unknown as UpdateUserPoolClientCommandInput;
}

export interface AppClientSpec {
  key: string;
  title: string;
  name: (app: App) => string;
  desired: (app: App) => DesiredClient;
  explicitAuthFlows: ExplicitAuthFlowsType[];
}

/**
 * An app client with a generated secret (found by recorded id, else by name within the pool),
 * converged by read-modify-write. Both the tutorial's client and the opt-in M2M client are one.
 */
export function appClientStep(spec: AppClientSpec): Step<App, ClientRecord> {
  const step: Step<App, ClientRecord> = {
    key: spec.key,
    title: spec.title,
    displayName: spec.name,
    dependsOn: ['userPool', 'resourceServer'],
    deletedWith: 'userPool',
    async read(ctx, recorded) {
      const { app } = ctx;
      const pool = ctx.get(userPoolStep);
      if (!pool) return undefined;
      // The recorded client and every client with our name at once: a second copy (left by a
      // create whose answer was lost, before creates were read back) is reported as an extra.
      const [byId, ids] = await Promise.all([recorded?.id ? describe(app, pool.id, recorded.id) : undefined, namedIds(app, pool.id, spec.name(app))]);
      const others = ids.filter((id) => id !== byId?.ClientId);
      const c = byId ?? (others.length ? await describe(app, pool.id, others.shift()!) : undefined);
      if (!c) return undefined;
      const extras = others.filter((id) => id !== c.ClientId).map((id) => ({ id }));
      const want = spec.desired(app);
      const changes: Change[] = [];
      if (!c.ClientSecret) changes.push({ field: 'clientSecret', from: 'none', to: 'generated', replace: true, reason: 'a secret cannot be added to an existing app client: it is deleted and created again, with a new client id' });
      for (const f of ['AllowedOAuthFlows', 'AllowedOAuthScopes', 'CallbackURLs', 'SupportedIdentityProviders'] as const) {
        if (want[f] && !sameSet(c[f], want[f])) changes.push({ field: f, from: c[f] ?? [], to: want[f] });
      }
      if (c.AllowedOAuthFlowsUserPoolClient !== true) changes.push({ field: 'AllowedOAuthFlowsUserPoolClient', from: c.AllowedOAuthFlowsUserPoolClient ?? false, to: true });
      return { record: { id: c.ClientId! }, changes, ...(extras.length ? { extras } : {}) };
    },
    async create(ctx) {
      const { app } = ctx;
      const pool = ctx.need(userPoolStep);
      const cognito = await app.aws.cognito();
      const { value: client } = await createOrAdopt({
        what: `app client ${spec.name(app)}`,
        note: ctx.note,
        // Clients carry no tags: one with this name in our own pool is ours.
        find: () => findByName(app, pool.id, spec.name(app)),
        create: async () => (await cognito.send(
        new CreateUserPoolClientCommand({
          UserPoolId: pool.id,
          ClientName: spec.name(app),
          GenerateSecret: true,
          ExplicitAuthFlows: spec.explicitAuthFlows,
          PreventUserExistenceErrors: 'ENABLED',
          EnableTokenRevocation: true,
          ...spec.desired(app),
        }),
      )).UserPoolClient!,
      });
      return { id: client.ClientId! };
    },
    async update(ctx, live) {
      const { app } = ctx;
      const pool = ctx.need(userPoolStep);
      if (live.changes.some((c) => c.field === 'clientSecret')) {
        // A secret cannot be added to a client: replace it (only when replacing is allowed).
        await step.delete(ctx, live.record);
        return step.create(ctx);
      }
      const current = await describe(app, pool.id, live.record.id);
      if (!current) return step.create(ctx);
      const cognito = await app.aws.cognito();
      const want = spec.desired(app);
      // Read-modify-write: UpdateUserPoolClient resets every field it is not given.
      const input = { ...fullUpdate(current), ...want };
      // A default redirect set by hand must stay one of the callback URLs, or Cognito refuses the update.
      if (want.CallbackURLs && input.DefaultRedirectURI && !want.CallbackURLs.includes(input.DefaultRedirectURI)) delete input.DefaultRedirectURI;
      await cognito.send(new UpdateUserPoolClientCommand(input));
      return live.record;
    },
    async delete(ctx, record) {
      const pool = ctx.get(userPoolStep);
      if (!pool) return;
      const cognito = await ctx.app.aws.cognito();
      await ignoreNotFound(cognito.send(new DeleteUserPoolClientCommand({ UserPoolId: pool.id, ClientId: record.id })));
    },
  };
  return step;
}

export const clientStep = appClientStep({
  key: 'client',
  title: 'App client',
  name: (app) => app.names.client,
  desired: desiredClient,
  explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
});

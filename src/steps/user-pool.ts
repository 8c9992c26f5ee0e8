// The user pool (tutorial step 3): user-name sign-in, no MFA, tagged as ours.
import {
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolCommand,
  ListUserPoolsCommand,
  UpdateUserPoolCommand,
  type UpdateUserPoolCommandInput,
  type UserPoolTierType,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { DEFAULT_TIER } from '../config/schema.js';
import { createOrAdopt } from '../aws/create.js';
import { ignoreNotFound, orAbsent } from '../aws/errors.js';
import type { Change, Step } from '../engine/types.js';
import { TAG_KEY, accountOf, assertOwned, tagsObject, type App } from './app.js';
import { DeletionProtected } from './errors.js';

export interface UserPoolRecord extends Record<string, unknown> {
  id: string;
  arn: string;
}

/** The pool's feature plan (the `tier` input, default lite): set explicitly, since AWS's default for a new pool is Essentials. */
export const tierOf = (app: App): UserPoolTierType => (app.inputs.tier ?? DEFAULT_TIER).toUpperCase() as UserPoolTierType;

/**
 * The members of UpdateUserPool (botocore cognito-idp 2016-04-18 UpdateUserPoolRequest, minus the
 * id) by the name DescribeUserPool answers them under: UpdateUserPool resets every member it is
 * not given, so a change of tier copies the rest back, each only when set.
 */
const UPDATE_POOL_MEMBERS: Record<string, string> = {
  Policies: 'Policies', DeletionProtection: 'DeletionProtection', LambdaConfig: 'LambdaConfig', AutoVerifiedAttributes: 'AutoVerifiedAttributes',
  SmsVerificationMessage: 'SmsVerificationMessage', EmailVerificationMessage: 'EmailVerificationMessage', EmailVerificationSubject: 'EmailVerificationSubject',
  VerificationMessageTemplate: 'VerificationMessageTemplate', SmsAuthenticationMessage: 'SmsAuthenticationMessage', UserAttributeUpdateSettings: 'UserAttributeUpdateSettings',
  MfaConfiguration: 'MfaConfiguration', DeviceConfiguration: 'DeviceConfiguration', EmailConfiguration: 'EmailConfiguration', SmsConfiguration: 'SmsConfiguration',
  UserPoolTags: 'UserPoolTags', AdminCreateUserConfig: 'AdminCreateUserConfig', UserPoolAddOns: 'UserPoolAddOns', AccountRecoverySetting: 'AccountRecoverySetting',
  PoolName: 'Name', UserPoolTier: 'UserPoolTier', KeyConfiguration: 'KeyConfiguration', IssuerConfiguration: 'IssuerConfiguration',
};

const isSet = (v: unknown): boolean =>
  v !== undefined && v !== null && v !== '' && !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);

/** A full UpdateUserPool request from a Describe answer, with the tier asked for. */
export function fullPoolUpdate(live: UserPoolType, tier: UserPoolTierType): UpdateUserPoolCommandInput {
  const input: Record<string, unknown> = { UserPoolId: live.Id };
  const from = live as Record<string, unknown>;
  for (const [member, described] of Object.entries(UPDATE_POOL_MEMBERS)) if (isSet(from[described])) input[member] = from[described];
  input.UserPoolTier = tier;
  return input as unknown as UpdateUserPoolCommandInput;
}

async function describe(app: App, id: string): Promise<UserPoolType | undefined> {
  const cognito = await app.aws.cognito();
  return (await orAbsent(cognito.send(new DescribeUserPoolCommand({ UserPoolId: id }))))?.UserPool;
}

/** The ids of every pool with our name, oldest first (names are not unique). */
async function namedIds(app: App): Promise<string[]> {
  const cognito = await app.aws.cognito();
  const named: { id: string; at: number }[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken }));
    named.push(...(page?.UserPools ?? []).filter((p) => p.Name === app.names.userPool).map((p) => ({ id: p.Id!, at: p.CreationDate?.getTime() ?? 0 })));
    NextToken = page?.NextToken;
  } while (NextToken);
  return named.sort((a, b) => a.at - b.at).map((p) => p.id);
}

/** Which of these pools carry our tag (in the same order), and the first that does not. */
async function oursAmong(app: App, ids: string[]): Promise<{ ours: UserPoolType[]; foreign?: UserPoolType }> {
  const pools = (await Promise.all(ids.map((id) => describe(app, id)))).filter((p): p is UserPoolType => !!p);
  return { ours: pools.filter((p) => p.UserPoolTags?.[TAG_KEY] === app.stack), foreign: pools.find((p) => p.UserPoolTags?.[TAG_KEY] !== app.stack) };
}

/** The oldest pool with our name and tag; a same-named pool of someone else's alone: ConflictError. */
async function findByName(app: App): Promise<UserPoolType | undefined> {
  const { ours, foreign } = await oursAmong(app, await namedIds(app));
  if (!ours.length && foreign) assertOwned(app, 'user pool', app.names.userPool, foreign.UserPoolTags);
  return ours[0];
}

const recordOf = (app: App, pool: UserPoolType): UserPoolRecord => ({ id: pool.Id!, arn: pool.Arn ?? `arn:${app.partition}:cognito-idp:${app.region}:${app.accountId}:userpool/${pool.Id}` });

export const userPoolStep: Step<App, UserPoolRecord> = {
  key: 'userPool',
  title: 'Cognito user pool',
  displayName: (app) => app.names.userPool,
  dependsOn: [],
  async read(ctx, recorded) {
    const { app } = ctx;
    // The recorded pool and every pool with our name at once: a second tagged copy (left by a
    // create whose answer was lost, before creates were read back) is reported as an extra.
    const [byId, ids] = await Promise.all([recorded?.id ? describe(app, recorded.id) : undefined, namedIds(app)]);
    if (byId) assertOwned(app, 'user pool', `${byId.Name} (${byId.Id})`, byId.UserPoolTags);
    const { ours, foreign } = await oursAmong(app, ids.filter((id) => id !== byId?.Id));
    const pool = byId ?? ours.shift();
    if (!pool) {
      if (foreign) assertOwned(app, 'user pool', app.names.userPool, foreign.UserPoolTags);
      return undefined;
    }
    const changes: Change[] = [];
    // A pool that answers no tier is on AWS's default plan, Essentials.
    const tier = pool.UserPoolTier ?? 'ESSENTIALS';
    if (tier !== tierOf(app)) changes.push({ field: 'tier', from: tier.toLowerCase(), to: tierOf(app).toLowerCase() });
    if (!pool.Arn || ours.some((p) => !p.Arn)) await accountOf(app); // recordOf builds the ARN
    return { record: recordOf(app, pool), changes, adopted: recorded?.id !== pool.Id, ...(ours.length ? { extras: ours.map((p) => recordOf(app, p)) } : {}) };
  },
  async create(ctx) {
    const { app } = ctx;
    const cognito = await app.aws.cognito();
    const { value: pool } = await createOrAdopt({
      what: `user pool ${app.names.userPool}`,
      note: ctx.note,
      find: () => findByName(app),
      create: async () => (await cognito.send(
      new CreateUserPoolCommand({
        PoolName: app.names.userPool,
        MfaConfiguration: 'OFF',
        AutoVerifiedAttributes: ['email'],
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
        UsernameConfiguration: { CaseSensitive: false },
        DeletionProtection: 'INACTIVE',
        UserPoolTier: tierOf(app),
        UserPoolTags: tagsObject(app),
      }),
    )).UserPool!,
    });
    return recordOf(app, pool);
  },
  async update(ctx, live) {
    // Only the tier is converged in place; UpdateUserPool resets what it is not given: read, modify, write.
    const { app } = ctx;
    const current = await describe(app, live.record.id);
    if (!current) return userPoolStep.create(ctx);
    const cognito = await app.aws.cognito();
    await cognito.send(new UpdateUserPoolCommand(fullPoolUpdate(current, tierOf(app))));
    return live.record;
  },
  async delete(ctx, record) {
    const cognito = await ctx.app.aws.cognito();
    try {
      await ignoreNotFound(cognito.send(new DeleteUserPoolCommand({ UserPoolId: record.id })));
    } catch (e) {
      if (/deletion protection/i.test((e as Error).message)) {
        throw new DeletionProtected(record.id, { cause: e });
      }
      throw e;
    }
  },
};

// The user pool (tutorial step 3): user-name sign-in, no MFA, tagged as ours.
import {
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolCommand,
  ListUserPoolsCommand,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { CliError } from '../errors.js';
import { createOrAdopt } from '../aws/create.js';
import { ignoreNotFound, orAbsent } from '../aws/errors.js';
import type { Step } from '../engine/types.js';
import { TAG_KEY, assertOwned, tagsObject, type App } from './app.js';

export interface UserPoolRecord extends Record<string, unknown> {
  id: string;
  arn: string;
}

async function describe(app: App, id: string): Promise<UserPoolType | undefined> {
  const cognito = await app.aws.cognito();
  return (await orAbsent(cognito.send(new DescribeUserPoolCommand({ UserPoolId: id }))))?.UserPool;
}

async function findByName(app: App): Promise<UserPoolType | undefined> {
  const cognito = await app.aws.cognito();
  const ids: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken }));
    ids.push(...(page.UserPools ?? []).filter((p) => p.Name === app.names.userPool).map((p) => p.Id!));
    NextToken = page.NextToken;
  } while (NextToken);
  let foreign: UserPoolType | undefined;
  for (const id of ids) {
    const pool = await describe(app, id);
    if (pool?.UserPoolTags?.[TAG_KEY] === app.stack) return pool;
    foreign ??= pool;
  }
  if (foreign) assertOwned(app, 'user pool', app.names.userPool, foreign.UserPoolTags);
  return undefined;
}

export const userPoolStep: Step<App, UserPoolRecord> = {
  key: 'userPool',
  title: 'Cognito user pool',
  dependsOn: [],
  async read(ctx, recorded) {
    const { app } = ctx;
    let pool = recorded?.id ? await describe(app, recorded.id) : undefined;
    if (pool) assertOwned(app, 'user pool', `${pool.Name} (${pool.Id})`, pool.UserPoolTags);
    else pool = await findByName(app);
    if (!pool) return undefined;
    return { record: { id: pool.Id!, arn: pool.Arn ?? `arn:${app.partition}:cognito-idp:${app.region}:${app.accountId}:userpool/${pool.Id}` }, changes: [], adopted: recorded?.id !== pool.Id };
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
        UserPoolTags: tagsObject(app),
      }),
    )).UserPool!,
    });
    return { id: pool.Id!, arn: pool.Arn ?? `arn:${app.partition}:cognito-idp:${app.region}:${app.accountId}:userpool/${pool.Id}` };
  },
  async delete(ctx, record) {
    const cognito = await ctx.app.aws.cognito();
    try {
      await ignoreNotFound(cognito.send(new DeleteUserPoolCommand({ UserPoolId: record.id })));
    } catch (e) {
      if (/deletion protection/i.test((e as Error).message)) {
        throw new CliError('DELETION_PROTECTED', `User pool ${record.id} has deletion protection switched on (not by this tool).`, 'Switch it off in the Cognito console (User pool > Settings > Deletion protection), then run destroy again.', 1, { cause: e });
      }
      throw e;
    }
  },
};

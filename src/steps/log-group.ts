// The Lambda function's log group, /aws/lambda/<function>. Lambda creates it on the first
// invocation (verify, Postman) with no expiry, and nothing deletes it: so it is created up front,
// with a retention (the `logRetentionDays` input, default 14), tagged as ours, and deleted by destroy.
// A log group of that name without our tag is the one Lambda made for our function (the
// function step guards the name with its own tag): it is adopted and given the retention.
import {
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  type LogGroup,
} from '@aws-sdk/client-cloudwatch-logs';
import { errorName, ignoreNotFound } from '../aws/errors.js';
import { DEFAULT_LOG_RETENTION_DAYS } from '../config/schema.js';
import type { Change, Step } from '../engine/types.js';
import { TAG_KEY, assertOwned, tagsObject, type App } from './app.js';

export interface LogGroupRecord extends Record<string, unknown> {
  /** The log group name. */
  id: string;
}


export const logGroupName = (app: App): string => `/aws/lambda/${app.names.function}`;
export const retentionOf = (app: App): number => app.inputs.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;

async function find(app: App, name: string): Promise<LogGroup | undefined> {
  const logs = await app.aws.logs();
  let nextToken: string | undefined;
  do {
    const page = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, nextToken }));
    const hit = page.logGroups?.find((g) => g.logGroupName === name);
    if (hit) return hit;
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}

/** The tagging API wants the ARN without the trailing ":*" that DescribeLogGroups shows. */
const arnOf = (group: LogGroup): string => (group.logGroupArn ?? group.arn ?? '').replace(/:\*$/, '');

async function tagsOf(app: App, arn: string): Promise<Record<string, string> | undefined> {
  const logs = await app.aws.logs();
  if (!arn) return undefined;
  try {
    return (await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags;
  } catch (e) {
    if (errorName(e) === 'ResourceNotFoundException') return undefined;
    throw e;
  }
}

export const logGroupStep: Step<App, LogGroupRecord> = {
  key: 'logGroup',
  title: 'Lambda log group',
  dependsOn: [],
  async read(ctx) {
    const { app } = ctx;
    const name = logGroupName(app);
    // With the account known (a recorded stack), the group's ARN is a string: its tags are asked
    // for alongside the lookup, not one round trip after it.
    const built = app.accountId ? `arn:${app.partition}:logs:${app.region}:${app.accountId}:log-group:${name}` : undefined;
    const early = built ? tagsOf(app, built) : undefined;
    early?.catch(() => undefined);
    const group = await find(app, name);
    if (!group) return undefined;
    const tags = early && arnOf(group) === built ? await early : await tagsOf(app, arnOf(group));
    // Untagged: made by Lambda on the first invocation of our function. Tagged: must be ours.
    if (tags?.[TAG_KEY] !== undefined) assertOwned(app, 'log group', name, tags);
    const want = retentionOf(app);
    const changes: Change[] = group.retentionInDays === want ? [] : [{ field: 'retentionInDays', from: group.retentionInDays ?? 'never expire', to: want }];
    return { record: { id: name }, changes };
  },
  async create(ctx) {
    const { app } = ctx;
    const logs = await app.aws.logs();
    const name = logGroupName(app);
    try {
      await logs.send(new CreateLogGroupCommand({ logGroupName: name, tags: tagsObject(app) }));
    } catch (e) {
      // Lambda made it meanwhile (an invocation), or our own earlier run did: give it the retention.
      if (errorName(e) !== 'ResourceAlreadyExistsException') throw e;
    }
    await ctx.checkpoint({ id: name });
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: retentionOf(app) }));
    return { id: name };
  },
  async update(ctx, live) {
    const logs = await ctx.app.aws.logs();
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: live.record.id, retentionInDays: retentionOf(ctx.app) }));
    return live.record;
  },
  async delete(ctx, record) {
    const logs = await ctx.app.aws.logs();
    await ignoreNotFound(logs.send(new DeleteLogGroupCommand({ logGroupName: record.id })));
  },
};

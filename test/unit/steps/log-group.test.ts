import {
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { NotOwned } from '../../../src/engine/errors.js';
import { logGroupStep } from '../../../src/steps/log-group.js';
import { OUR_TAG, STACK, logsMock, makeHarness, resetMocks } from './harness.js';

const NAME = `/aws/lambda/${STACK}-lambda`;
const ARN = `arn:aws:logs:us-east-1:123456789012:log-group:${NAME}`;

beforeEach(resetMocks);

describe('logGroup', () => {
  it('creates /aws/lambda/<function> up front, tagged as ours, then sets the retention (default 14 days)', async () => {
    const h = makeHarness();
    logsMock.on(CreateLogGroupCommand).resolves({});
    logsMock.on(PutRetentionPolicyCommand).resolves({});
    await expect(logGroupStep.create(h.ctx)).resolves.toEqual({ id: NAME });
    expect(logsMock.commandCalls(CreateLogGroupCommand)[0].args[0].input).toEqual({ logGroupName: NAME, tags: OUR_TAG });
    expect(logsMock.commandCalls(PutRetentionPolicyCommand)[0].args[0].input).toEqual({ logGroupName: NAME, retentionInDays: 14 });
    expect(h.checkpoints).toEqual([{ id: NAME }]);
  });

  it('a log group Lambda already made (an invocation came first) gets the retention', async () => {
    const h = makeHarness({ inputs: { logRetentionDays: 30 } });
    logsMock.on(CreateLogGroupCommand).rejects(new ResourceAlreadyExistsException({ message: 'The specified log group already exists', $metadata: {} }));
    logsMock.on(PutRetentionPolicyCommand).resolves({});
    await expect(logGroupStep.create(h.ctx)).resolves.toEqual({ id: NAME });
    expect(logsMock.commandCalls(PutRetentionPolicyCommand)[0].args[0].input).toEqual({ logGroupName: NAME, retentionInDays: 30 });
  });

  it('reads it by exact name; a retention other than asked (or none: never expire) is a change', async () => {
    logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: `${NAME}-other` }, { logGroupName: NAME, arn: `${ARN}:*` }] });
    logsMock.on(ListTagsForResourceCommand).resolves({ tags: {} });
    const live = await logGroupStep.read(makeHarness().ctx, undefined);
    expect(live).toEqual({ record: { id: NAME }, changes: [{ field: 'retentionInDays', from: 'never expire', to: 14 }] });
    expect(logsMock.commandCalls(ListTagsForResourceCommand)[0].args[0].input).toEqual({ resourceArn: ARN });
  });

  it('with the account known, its tags are asked for alongside the lookup (the ARN is a string), not after it', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    logsMock.on(DescribeLogGroupsCommand).callsFake(async () => {
      await held;
      return { logGroups: [{ logGroupName: NAME, arn: `${ARN}:*`, retentionInDays: 14 }] };
    });
    logsMock.on(ListTagsForResourceCommand).resolves({ tags: OUR_TAG });
    const reading = logGroupStep.read(makeHarness().ctx, undefined);
    // The lookup is held unanswered; the tags request goes out all the same (a sequential read never sends it).
    await vi.waitFor(() => expect(logsMock.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input)).toEqual([{ resourceArn: ARN }]));
    expect(logsMock.commandCalls(DescribeLogGroupsCommand)).toHaveLength(1);
    release();
    await expect(reading).resolves.toEqual({ record: { id: NAME }, changes: [] });
    expect(logsMock.commandCalls(ListTagsForResourceCommand)).toHaveLength(1);
  });

  it('is absent when no group has the exact name', async () => {
    logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: `${NAME}-other` }] });
    await expect(logGroupStep.read(makeHarness().ctx, undefined)).resolves.toBeUndefined();
  });

  it('a log group tagged for another stack is a conflict', async () => {
    logsMock.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: NAME, arn: `${ARN}:*`, retentionInDays: 14 }] });
    logsMock.on(ListTagsForResourceCommand).resolves({ tags: { 'cognito-scope-setup:stack': 'another' } });
    await expect(logGroupStep.read(makeHarness().ctx, undefined)).rejects.toBeInstanceOf(NotOwned);
  });

  it('update sets the retention; delete treats an absent group as deleted', async () => {
    const h = makeHarness({ inputs: { logRetentionDays: 7 } });
    logsMock.on(PutRetentionPolicyCommand).resolves({});
    await logGroupStep.update!(h.ctx, { record: { id: NAME }, changes: [] });
    expect(logsMock.commandCalls(PutRetentionPolicyCommand)[0].args[0].input).toEqual({ logGroupName: NAME, retentionInDays: 7 });
    logsMock.on(DeleteLogGroupCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    await expect(logGroupStep.delete(h.ctx, { id: NAME })).resolves.toBeUndefined();
  });
});

import { AddPermissionCommand, GetFunctionCommand, GetPolicyCommand, RemovePermissionCommand, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { permissionStep } from '../../../src/steps/permission.js';
import { ACCOUNT, RECORDS, REGION, STACK, awsError, lambdaMock, makeHarness, resetMocks, sent } from './harness.js';

const FN = RECORDS.function;
const API = RECORDS.api;
const SID = `${STACK}-apigateway-get-root`;
const SOURCE_ARN = `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API.id}/*/GET/`;
const deps = { function: FN, api: API };

const policy = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements });
const statement = (sid: string, sourceArn: string, principal: unknown = { Service: 'apigateway.amazonaws.com' }) => ({
  Sid: sid,
  Effect: 'Allow',
  Principal: principal,
  Action: 'lambda:InvokeFunction',
  Resource: FN.arn,
  Condition: { ArnLike: { 'AWS:SourceArn': sourceArn } },
});

beforeEach(resetMocks);

describe('permission.create', () => {
  it('on a function still Pending, should AWS refuse AddPermission for that reason: waits until Active, then adds it', async () => {
    const h = makeHarness({ records: deps });
    lambdaMock
      .on(AddPermissionCommand)
      .rejectsOnce(awsError('ResourceConflictException', 'The operation cannot be performed at this time. The function is currently in the following state: Pending'))
      .resolves({ Statement: '{}' });
    lambdaMock.on(GetFunctionCommand).resolves({ Configuration: { State: 'Active' } });
    await expect(permissionStep.create(h.ctx)).resolves.toEqual({ id: SID, sourceArn: SOURCE_ARN });
    expect(sent(lambdaMock)).toEqual(['AddPermissionCommand', 'GetFunctionCommand', 'AddPermissionCommand']);
  });

  it('does not wait for the function on any other conflict', async () => {
    const h = makeHarness({ records: deps });
    lambdaMock.on(AddPermissionCommand).rejects(awsError('ResourceConflictException', 'The statement id (x) provided already exists.'));
    await expect(permissionStep.create(h.ctx)).rejects.toBeDefined();
    expect(lambdaMock.commandCalls(AddPermissionCommand)).toHaveLength(1);
    expect(lambdaMock.commandCalls(GetFunctionCommand)).toHaveLength(0);
  });

  it('lets API Gateway invoke the function from GET / of this API only', async () => {
    const h = makeHarness({ records: deps });
    lambdaMock.on(AddPermissionCommand).resolves({ Statement: '{}' });
    await expect(permissionStep.create(h.ctx)).resolves.toEqual({ id: SID, sourceArn: SOURCE_ARN });
    expect(lambdaMock.commandCalls(AddPermissionCommand).map((c) => c.args[0].input)).toEqual([
      {
        FunctionName: FN.id,
        StatementId: SID,
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        SourceArn: 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*/GET/',
      },
    ]);
  });
});

describe('permission.read', () => {
  it('parses the policy and finds our statement by Sid: in sync', async () => {
    const h = makeHarness({ records: deps });
    lambdaMock.on(GetPolicyCommand).resolves({ Policy: policy([statement('someone-else', 'arn:aws:execute-api:us-east-1:1:zzz/*/*'), statement(SID, SOURCE_ARN)]) });
    await expect(permissionStep.read(h.ctx, undefined)).resolves.toEqual({ record: { id: SID, sourceArn: SOURCE_ARN }, changes: [] });
    expect(lambdaMock.commandCalls(GetPolicyCommand)[0].args[0].input).toEqual({ FunctionName: FN.id });
  });

  it('reports a different SourceArn as a change', async () => {
    const h = makeHarness({ records: deps });
    const old = `arn:aws:execute-api:${REGION}:${ACCOUNT}:oldapi/*/GET/`;
    lambdaMock.on(GetPolicyCommand).resolves({ Policy: policy([statement(SID, old)]) });
    const live = await permissionStep.read(h.ctx, undefined);
    expect(live).toEqual({ record: { id: SID, sourceArn: old }, changes: [{ field: 'sourceArn', from: old, to: SOURCE_ARN }] });
  });

  it('reports a different principal', async () => {
    const h = makeHarness({ records: deps });
    lambdaMock.on(GetPolicyCommand).resolves({ Policy: policy([statement(SID, SOURCE_ARN, { Service: 'events.amazonaws.com' })]) });
    const live = await permissionStep.read(h.ctx, undefined);
    expect(live?.changes).toEqual([{ field: 'principal', from: 'events.amazonaws.com', to: 'apigateway.amazonaws.com' }]);
  });

  it('without a REST API yet (a plan), reports that the statement must name the new one', async () => {
    const h = makeHarness({ records: { function: FN } });
    lambdaMock.on(GetPolicyCommand).resolves({ Policy: policy([statement(SID, SOURCE_ARN)]) });
    const live = await permissionStep.read(h.ctx, undefined);
    expect(live?.changes.map((c) => c.field)).toEqual(['sourceArn']);
  });

  it('returns undefined when our statement is missing', async () => {
    const h = makeHarness({ records: deps });
    lambdaMock.on(GetPolicyCommand).resolves({ Policy: policy([statement('someone-else', SOURCE_ARN)]) });
    await expect(permissionStep.read(h.ctx, undefined)).resolves.toBeUndefined();
  });

  it('returns undefined when the function has no policy', async () => {
    const h = makeHarness({ records: deps });
    lambdaMock.on(GetPolicyCommand).rejects(new ResourceNotFoundException({ message: 'The resource you requested does not exist.', $metadata: {} }));
    await expect(permissionStep.read(h.ctx, undefined)).resolves.toBeUndefined();
  });

  it('rethrows other errors', async () => {
    const h = makeHarness({ records: deps });
    lambdaMock.on(GetPolicyCommand).rejects(awsError('AccessDeniedException'));
    await expect(permissionStep.read(h.ctx, undefined)).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});

describe('permission.update', () => {
  it('removes the statement and adds it again with the right SourceArn', async () => {
    const h = makeHarness({ records: deps });
    await expect(permissionStep.update!(h.ctx, { record: { id: SID, sourceArn: 'old' }, changes: [{ field: 'sourceArn', from: 'old', to: SOURCE_ARN }] })).resolves.toEqual({
      id: SID,
      sourceArn: SOURCE_ARN,
    });
    expect(sent(lambdaMock)).toEqual(['RemovePermissionCommand', 'AddPermissionCommand']);
    expect(lambdaMock.commandCalls(RemovePermissionCommand)[0].args[0].input).toEqual({ FunctionName: FN.id, StatementId: SID });
    expect(lambdaMock.commandCalls(AddPermissionCommand)[0].args[0].input.SourceArn).toBe(SOURCE_ARN);
  });
});

describe('permission.delete', () => {
  it('treats not-found as success', async () => {
    const h = makeHarness({ records: deps });
    lambdaMock.on(RemovePermissionCommand).rejects(new ResourceNotFoundException({ message: 'no', $metadata: {} }));
    await expect(permissionStep.delete(h.ctx, { id: SID, sourceArn: SOURCE_ARN })).resolves.toBeUndefined();
  });
});

import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { beforeEach, describe, expect, it } from 'vitest';
import { NotOwned } from '../../../src/engine/errors.js';
import { roleStep } from '../../../src/steps/role.js';
import { REGION_TAG_KEY } from '../../../src/steps/app.js';
import { ACCOUNT, OUR_TAG_LIST, REGION, STACK, awsError, iamMock, makeHarness, resetMocks, sent } from './harness.js';

const ROLE = `${STACK}-${REGION}-lambda-role`;
/** A role of this stack in this region: the stack tag and the region tag. */
const ROLE_TAGS = [...OUR_TAG_LIST, { Key: REGION_TAG_KEY, Value: REGION }];
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE}`;
const BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
const notFound = () => new NoSuchEntityException({ message: `The role with name ${ROLE} cannot be found.`, $metadata: {} });

beforeEach(resetMocks);

describe('role.create', () => {
  it('creates the role trusted by lambda.amazonaws.com, tagged as ours, checkpoints, then attaches the basic execution policy', async () => {
    const h = makeHarness();
    iamMock.on(CreateRoleCommand).resolves({ Role: { RoleName: ROLE, Arn: ROLE_ARN, Path: '/', RoleId: 'AROA1', CreateDate: new Date() } });
    iamMock.on(AttachRolePolicyCommand).callsFake(() => {
      h.log.push('attach');
      return {};
    });

    const record = await roleStep.create(h.ctx);

    expect(record).toEqual({ id: ROLE, arn: ROLE_ARN });
    const create = iamMock.commandCalls(CreateRoleCommand);
    expect(create).toHaveLength(1);
    const input = create[0].args[0].input;
    expect(input).toMatchObject({ RoleName: ROLE, Tags: [{ Key: 'cognito-scope-setup:stack', Value: STACK }, { Key: REGION_TAG_KEY, Value: REGION }] });
    expect(JSON.parse(input.AssumeRolePolicyDocument!)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    expect(iamMock.commandCalls(AttachRolePolicyCommand).map((c) => c.args[0].input)).toEqual([{ RoleName: ROLE, PolicyArn: BASIC }]);
    expect(h.checkpoints).toEqual([{ id: ROLE, arn: ROLE_ARN }]);
    expect(h.log).toEqual(['checkpoint', 'attach']);
    expect(sent(iamMock)).toEqual(['CreateRoleCommand', 'AttachRolePolicyCommand']);
  });

  it('uses the partition of the region for the managed policy ARN', async () => {
    const h = makeHarness({ region: 'cn-north-1' });
    iamMock.on(CreateRoleCommand).resolves({ Role: { RoleName: ROLE, Arn: 'arn:aws-cn:iam::1:role/x', Path: '/', RoleId: 'AROA1', CreateDate: new Date() } });
    await roleStep.create(h.ctx);
    expect(iamMock.commandCalls(AttachRolePolicyCommand)[0].args[0].input.PolicyArn).toBe('arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole');
  });
});

describe('role.read', () => {
  it('returns undefined when IAM answers NoSuchEntity', async () => {
    const h = makeHarness();
    iamMock.on(GetRoleCommand).rejects(notFound());
    iamMock.on(ListAttachedRolePoliciesCommand).rejects(notFound());
    await expect(roleStep.read(h.ctx, undefined)).resolves.toBeUndefined();
    expect(iamMock.commandCalls(GetRoleCommand)[0].args[0].input).toEqual({ RoleName: ROLE });
  });

  it('adopts our tagged role with the policy attached: no changes', async () => {
    const h = makeHarness();
    iamMock.on(GetRoleCommand).resolves({ Role: { RoleName: ROLE, Arn: ROLE_ARN, Tags: ROLE_TAGS, Path: '/', RoleId: 'AROA1', CreateDate: new Date() } });
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [{ PolicyName: 'AWSLambdaBasicExecutionRole', PolicyArn: BASIC }] });
    await expect(roleStep.read(h.ctx, undefined)).resolves.toEqual({ record: { id: ROLE, arn: ROLE_ARN }, changes: [] });
    expect(iamMock.commandCalls(ListRoleTagsCommand)).toHaveLength(0);
  });

  it('reports a missing basic execution policy as a change', async () => {
    const h = makeHarness();
    iamMock.on(GetRoleCommand).resolves({ Role: { RoleName: ROLE, Arn: ROLE_ARN, Tags: ROLE_TAGS, Path: '/', RoleId: 'AROA1', CreateDate: new Date() } });
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    const live = await roleStep.read(h.ctx, undefined);
    expect(live?.changes).toEqual([{ field: 'attachedPolicies', from: [], to: [BASIC] }]);
  });

  it('falls back to ListRoleTags when GetRole carries no tags', async () => {
    const h = makeHarness();
    iamMock.on(GetRoleCommand).resolves({ Role: { RoleName: ROLE, Arn: ROLE_ARN, Path: '/', RoleId: 'AROA1', CreateDate: new Date() } });
    iamMock.on(ListRoleTagsCommand).resolves({ Tags: ROLE_TAGS });
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [{ PolicyName: 'x', PolicyArn: BASIC }] });
    await expect(roleStep.read(h.ctx, undefined)).resolves.toMatchObject({ record: { id: ROLE, arn: ROLE_ARN } });
    expect(iamMock.commandCalls(ListRoleTagsCommand)[0].args[0].input).toEqual({ RoleName: ROLE });
  });

  it('throws NotOwned for a same-named role without our tag', async () => {
    const h = makeHarness();
    iamMock.on(GetRoleCommand).resolves({ Role: { RoleName: ROLE, Arn: ROLE_ARN, Path: '/', RoleId: 'AROA1', CreateDate: new Date() } });
    iamMock.on(ListRoleTagsCommand).resolves({ Tags: [{ Key: 'team', Value: 'other' }] });
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    const err = await roleStep.read(h.ctx, undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotOwned);
    expect(err).toMatchObject({ code: 'CONFLICT', resource: { kind: 'IAM role', name: ROLE }, stackName: STACK, tag: { key: 'cognito-scope-setup:stack' } });
    expect(sent(iamMock)).not.toContain('AttachRolePolicyCommand');
  });

  it('throws NotOwned for a role tagged for another stack', async () => {
    const h = makeHarness();
    iamMock.on(GetRoleCommand).resolves({
      Role: { RoleName: ROLE, Arn: ROLE_ARN, Tags: [{ Key: 'cognito-scope-setup:stack', Value: 'other-stack' }], Path: '/', RoleId: 'AROA1', CreateDate: new Date() },
    });
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    await expect(roleStep.read(h.ctx, undefined)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('rethrows an error that is not a not-found', async () => {
    const h = makeHarness();
    const denied = awsError('AccessDenied', 'User is not authorized to perform: iam:GetRole');
    iamMock.on(GetRoleCommand).rejects(denied);
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    await expect(roleStep.read(h.ctx, undefined)).rejects.toBe(denied);
  });
});

describe('role.update', () => {
  it('attaches the basic execution policy', async () => {
    const h = makeHarness();
    await roleStep.update!(h.ctx, { record: { id: ROLE, arn: ROLE_ARN }, changes: [{ field: 'attachedPolicies', from: [], to: [BASIC] }] });
    expect(iamMock.commandCalls(AttachRolePolicyCommand).map((c) => c.args[0].input)).toEqual([{ RoleName: ROLE, PolicyArn: BASIC }]);
  });
});

describe('role.delete', () => {
  it('detaches managed policies and deletes inline policies before DeleteRole', async () => {
    const h = makeHarness();
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({
      AttachedPolicies: [
        { PolicyName: 'AWSLambdaBasicExecutionRole', PolicyArn: BASIC },
        { PolicyName: 'Extra', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/Extra` },
      ],
    });
    iamMock.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['inline-1'] });

    await roleStep.delete(h.ctx, { id: ROLE, arn: ROLE_ARN });

    expect(iamMock.commandCalls(DetachRolePolicyCommand).map((c) => c.args[0].input)).toEqual([
      { RoleName: ROLE, PolicyArn: BASIC },
      { RoleName: ROLE, PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/Extra` },
    ]);
    expect(iamMock.commandCalls(DeleteRolePolicyCommand).map((c) => c.args[0].input)).toEqual([{ RoleName: ROLE, PolicyName: 'inline-1' }]);
    expect(iamMock.commandCalls(DeleteRoleCommand).map((c) => c.args[0].input)).toEqual([{ RoleName: ROLE }]);
    const order = sent(iamMock);
    expect(order[order.length - 1]).toBe('DeleteRoleCommand');
    expect(order.filter((n) => n === 'DeleteRoleCommand')).toHaveLength(1);
  });

  it('after a read in the same run, deletes from what the read saw: no second listing', async () => {
    const h = makeHarness();
    iamMock.on(GetRoleCommand).resolves({ Role: { RoleName: ROLE, Arn: ROLE_ARN, Path: '/', RoleId: 'r', CreateDate: new Date(), Tags: ROLE_TAGS } });
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [{ PolicyName: 'AWSLambdaBasicExecutionRole', PolicyArn: BASIC }], IsTruncated: false });
    iamMock.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['inline-1'], IsTruncated: false });
    const live = await roleStep.read(h.ctx, undefined);
    expect(sent(iamMock).sort()).toEqual(['GetRoleCommand', 'ListAttachedRolePoliciesCommand', 'ListRolePoliciesCommand']);
    iamMock.resetHistory();

    await roleStep.delete(h.ctx, live!.record);

    expect(sent(iamMock)).toEqual(['DetachRolePolicyCommand', 'DeleteRolePolicyCommand', 'DeleteRoleCommand']);
  });

  it('lists again when a policy was attached between the read and DeleteRole', async () => {
    const h = makeHarness();
    iamMock.on(GetRoleCommand).resolves({ Role: { RoleName: ROLE, Arn: ROLE_ARN, Path: '/', RoleId: 'r', CreateDate: new Date(), Tags: ROLE_TAGS } });
    iamMock.on(ListAttachedRolePoliciesCommand).resolvesOnce({ AttachedPolicies: [], IsTruncated: false }).resolves({ AttachedPolicies: [{ PolicyName: 'Late', PolicyArn: BASIC }] });
    iamMock.on(ListRolePoliciesCommand).resolves({ PolicyNames: [], IsTruncated: false });
    iamMock.on(DeleteRoleCommand).rejectsOnce(awsError('DeleteConflictException', 'Cannot delete entity, must detach all policies first.')).resolves({});
    const live = await roleStep.read(h.ctx, undefined);
    await roleStep.delete(h.ctx, live!.record);
    expect(iamMock.commandCalls(DetachRolePolicyCommand).map((c) => c.args[0].input)).toEqual([{ RoleName: ROLE, PolicyArn: BASIC }]);
    expect(iamMock.commandCalls(DeleteRoleCommand)).toHaveLength(2);
  });

  it('treats a role that is already gone as deleted', async () => {
    const h = makeHarness();
    iamMock.on(ListAttachedRolePoliciesCommand).rejects(notFound());
    iamMock.on(ListRolePoliciesCommand).rejects(notFound());
    iamMock.on(DeleteRoleCommand).rejects(notFound());
    await expect(roleStep.delete(h.ctx, { id: ROLE, arn: ROLE_ARN })).resolves.toBeUndefined();
    expect(iamMock.commandCalls(DeleteRoleCommand)).toHaveLength(1);
  });

  it('rethrows a DeleteRole failure other than not-found', async () => {
    const h = makeHarness();
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    iamMock.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
    iamMock.on(DeleteRoleCommand).rejects(awsError('DeleteConflictException', 'Cannot delete entity, must detach all policies first.'));
    await expect(roleStep.delete(h.ctx, { id: ROLE, arn: ROLE_ARN })).rejects.toMatchObject({ name: 'DeleteConflictException' });
  });
});

describe('role: IAM is global to the account, stacks are per region', () => {
  const LEGACY = `${STACK}-lambda-role`;
  const LEGACY_ARN = `arn:aws:iam::${ACCOUNT}:role/${LEGACY}`;
  const attached = { AttachedPolicies: [{ PolicyName: 'AWSLambdaBasicExecutionRole', PolicyArn: BASIC }] };

  it('the role name carries the region, so the same stack in two regions has two roles', () => {
    expect(makeHarness({ region: 'eu-west-1' }).app.names.role).toBe(`${STACK}-eu-west-1-lambda-role`);
    expect(makeHarness().app.names.role).toBe(ROLE);
  });

  it('a role of this stack tagged for another region is a conflict: never adopted (and so never deleted)', async () => {
    const h = makeHarness();
    iamMock.on(GetRoleCommand).resolves({ Role: { RoleName: ROLE, Arn: ROLE_ARN, Tags: [...OUR_TAG_LIST, { Key: REGION_TAG_KEY, Value: 'eu-west-1' }], Path: '/', RoleId: 'AROA1', CreateDate: new Date() } });
    iamMock.on(ListAttachedRolePoliciesCommand).resolves(attached);
    const err = await roleStep.read(h.ctx, undefined).catch((e) => e);
    expect(err).toBeInstanceOf(NotOwned);
    expect(err.message).toMatch(/cognito-scope-setup:region tag says "eu-west-1"/);
  });

  it('a stack created before the region was in the name keeps its recorded role (no state migration needed)', async () => {
    const h = makeHarness();
    iamMock.on(GetRoleCommand).resolves({ Role: { RoleName: LEGACY, Arn: LEGACY_ARN, Tags: OUR_TAG_LIST, Path: '/', RoleId: 'AROA1', CreateDate: new Date() } });
    iamMock.on(ListAttachedRolePoliciesCommand).resolves(attached);
    await expect(roleStep.read(h.ctx, { id: LEGACY, arn: LEGACY_ARN })).resolves.toEqual({ record: { id: LEGACY, arn: LEGACY_ARN }, changes: [] });
    expect(iamMock.commandCalls(GetRoleCommand)[0].args[0].input).toEqual({ RoleName: LEGACY });
  });

  it('without a record, only the region-named role is looked up: an old role of the same stack name is never adopted', async () => {
    const h = makeHarness({ region: 'eu-west-1' });
    iamMock.on(GetRoleCommand).rejects(notFound());
    iamMock.on(ListAttachedRolePoliciesCommand).rejects(notFound());
    await expect(roleStep.read(h.ctx, undefined)).resolves.toBeUndefined();
    expect(iamMock.commandCalls(GetRoleCommand).map((c) => c.args[0].input.RoleName)).toEqual([`${STACK}-eu-west-1-lambda-role`]);
  });

  it('a region-named role with our stack tag but no region tag, not recorded here, is refused', async () => {
    const h = makeHarness();
    iamMock.on(GetRoleCommand).resolves({ Role: { RoleName: ROLE, Arn: ROLE_ARN, Tags: OUR_TAG_LIST, Path: '/', RoleId: 'AROA1', CreateDate: new Date() } });
    iamMock.on(ListAttachedRolePoliciesCommand).resolves(attached);
    await expect(roleStep.read(h.ctx, undefined)).rejects.toBeInstanceOf(NotOwned);
  });
});

// The Lambda execution role: trusted by lambda.amazonaws.com, with AWSLambdaBasicExecutionRole.
// The console creates this silently in the tutorial's step 1; so do we.
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
  type Role,
} from '@aws-sdk/client-iam';
import { createOrAdopt } from '../aws/create.js';
import { ignoreNotFound, orAbsent } from '../aws/errors.js';
import type { Step } from '../engine/types.js';
import { assertOwned, tagsList, type App } from './app.js';

export const TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
export const basicExecutionPolicyArn = (app: App) => `arn:${app.partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`;

export interface RoleRecord extends Record<string, unknown> {
  id: string;
  arn: string;
}

/** The role by its name, when it is ours (a same-named role of someone else's: ConflictError). */
async function ownedRole(app: App): Promise<Role | undefined> {
  const iam = await app.aws.iam();
  const name = app.names.role;
  const got = await orAbsent(iam.send(new GetRoleCommand({ RoleName: name })));
  if (!got?.Role) return undefined;
  let tags = got.Role.Tags;
  if (!tags) tags = (await iam.send(new ListRoleTagsCommand({ RoleName: name }))).Tags;
  assertOwned(app, 'IAM role', name, Object.fromEntries((tags ?? []).map((t) => [t.Key!, t.Value])));
  return got.Role;
}

export const roleStep: Step<App, RoleRecord> = {
  key: 'role',
  title: 'IAM execution role',
  dependsOn: [],
  async read(ctx) {
    const { app } = ctx;
    const iam = await app.aws.iam();
    const name = app.names.role;
    const [role, attached] = await Promise.all([ownedRole(app), orAbsent(iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name })))]);
    if (!role) return undefined;
    const policy = basicExecutionPolicyArn(app);
    const has = (attached?.AttachedPolicies ?? []).some((p) => p.PolicyArn === policy);
    return {
      record: { id: name, arn: role.Arn! },
      changes: has ? [] : [{ field: 'attachedPolicies', from: (attached?.AttachedPolicies ?? []).map((p) => p.PolicyArn), to: [policy] }],
    };
  },
  async create(ctx) {
    const { app } = ctx;
    const iam = await app.aws.iam();
    const { value: arn } = await createOrAdopt({
      what: `IAM role ${app.names.role}`,
      note: ctx.note,
      find: async () => (await ownedRole(app))?.Arn,
      create: async () => (await iam.send(
      new CreateRoleCommand({
        RoleName: app.names.role,
        AssumeRolePolicyDocument: TRUST_POLICY,
        Description: `Execution role of ${app.names.function} (cognito-scope-setup)`,
        Tags: tagsList(app),
      }),
    )).Role!.Arn!,
    });
    const record = { id: app.names.role, arn };
    await ctx.checkpoint(record);
    await iam.send(new AttachRolePolicyCommand({ RoleName: app.names.role, PolicyArn: basicExecutionPolicyArn(app) }));
    return record;
  },
  async update(ctx, live) {
    const iam = await ctx.app.aws.iam();
    await iam.send(new AttachRolePolicyCommand({ RoleName: live.record.id, PolicyArn: basicExecutionPolicyArn(ctx.app) }));
    return live.record;
  },
  async delete(ctx, record) {
    const iam = await ctx.app.aws.iam();
    const RoleName = record.id;
    const [attached, inline] = await Promise.all([
      orAbsent(iam.send(new ListAttachedRolePoliciesCommand({ RoleName }))),
      orAbsent(iam.send(new ListRolePoliciesCommand({ RoleName }))),
    ]);
    await Promise.all([
      ...(attached?.AttachedPolicies ?? []).map((p) => ignoreNotFound(iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn: p.PolicyArn })))),
      ...(inline?.PolicyNames ?? []).map((n) => ignoreNotFound(iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName: n })))),
    ]);
    await ignoreNotFound(iam.send(new DeleteRoleCommand({ RoleName })));
  },
};

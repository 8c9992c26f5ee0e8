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
  type IAMClient,
  type Role,
} from '@aws-sdk/client-iam';
import { createOrAdopt } from '../aws/create.js';
import { errorName, ignoreNotFound, orAbsent } from '../aws/errors.js';
import type { Step } from '../engine/types.js';
import { NotOwned } from '../engine/errors.js';
import { REGION_TAG_KEY, afterCreate, assertOwned, tagsList, type App } from './app.js';

export const TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
export const basicExecutionPolicyArn = (app: App) => `arn:${app.partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`;

export interface RoleRecord extends Record<string, unknown> {
  id: string;
  arn: string;
}

/**
 * IAM is global to the account: a role carries its stack's region in its name and in the
 * REGION_TAG_KEY tag. A role tagged for another region is never ours here. A role from before the
 * region was part of the name (`<stack>-lambda-role`, no region tag) is used only when this
 * region's state recorded it, so a second region never adopts (or destroys) the first one's.
 */
function assertRegion(app: App, name: string, tags: Record<string, string | undefined>, recorded: boolean): void {
  const region = tags[REGION_TAG_KEY];
  if (region === app.region || (region === undefined && recorded)) return;
  // IAM roles are global to the account: a role of this stack in another region is not ours here.
  throw new NotOwned({ kind: 'IAM role', name, region: app.region }, app.stack, { key: REGION_TAG_KEY, ...(region === undefined ? {} : { value: region }) });
}

/**
 * The role by its name (the recorded one, else this region's), when it is ours in this region
 * (a same-named role of someone else's, or of this stack in another region: NotOwned).
 */
async function ownedRole(app: App, name: string, recorded: boolean): Promise<Role | undefined> {
  const iam = await app.aws.iam();
  const got = await orAbsent(iam.send(new GetRoleCommand({ RoleName: name })));
  if (!got?.Role) return undefined;
  let tags = got.Role.Tags;
  if (!tags) tags = (await iam.send(new ListRoleTagsCommand({ RoleName: name }))).Tags;
  const tagMap = Object.fromEntries((tags ?? []).map((t) => [t.Key!, t.Value]));
  assertOwned(app, 'IAM role', name, tagMap);
  assertRegion(app, name, tagMap, recorded);
  return got.Role;
}

/** The policies a read of this run saw on the role, by the record it returned (never in state). */
const seen = new WeakMap<RoleRecord, { attached: string[]; inline: string[] }>();

async function listPolicies(iam: IAMClient, RoleName: string): Promise<{ attached: string[]; inline: string[] }> {
  const attached: string[] = [];
  const inline: string[] = [];
  for (let Marker: string | undefined, more = true; more; ) {
    const page = await orAbsent(iam.send(new ListAttachedRolePoliciesCommand({ RoleName, Marker })));
    attached.push(...(page?.AttachedPolicies ?? []).map((p) => p.PolicyArn!));
    more = !!page?.IsTruncated;
    Marker = page?.Marker;
  }
  for (let Marker: string | undefined, more = true; more; ) {
    const page = await orAbsent(iam.send(new ListRolePoliciesCommand({ RoleName, Marker })));
    inline.push(...(page?.PolicyNames ?? []));
    more = !!page?.IsTruncated;
    Marker = page?.Marker;
  }
  return { attached, inline };
}

export const roleStep: Step<App, RoleRecord> = {
  key: 'role',
  title: 'IAM execution role',
  displayName: (app) => app.names.role,
  dependsOn: [],
  // IAM deletes a role that a function still names (the function just cannot run): destroy need
  // not wait for DeleteFunction before it detaches the policies and deletes the role.
  deleteAlongsideDependents: true,
  async read(ctx, recorded) {
    const { app } = ctx;
    const iam = await app.aws.iam();
    // The recorded name first: a stack created before the region was in the name keeps its role
    // (so no state migration is needed).
    const name = recorded?.id ?? app.names.role;
    // The policy lists go out with GetRole: destroy deletes from what this read saw.
    const [role, attached, inline] = await Promise.all([
      ownedRole(app, name, recorded?.id === name),
      orAbsent(iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }))),
      orAbsent(iam.send(new ListRolePoliciesCommand({ RoleName: name }))),
    ]);
    if (!role) return undefined;
    const policy = basicExecutionPolicyArn(app);
    const arns = (attached?.AttachedPolicies ?? []).map((p) => p.PolicyArn!);
    const record: RoleRecord = { id: name, arn: role.Arn! };
    // Only complete answers (no further page) can stand in for a fresh listing at delete time.
    if (attached && inline && !attached.IsTruncated && !inline.IsTruncated) seen.set(record, { attached: arns, inline: inline.PolicyNames ?? [] });
    return { record, changes: arns.includes(policy) ? [] : [{ field: 'attachedPolicies', from: arns, to: [policy] }] };
  },
  async create(ctx) {
    const { app } = ctx;
    const iam = await app.aws.iam();
    const { value: arn } = await createOrAdopt({
      what: `IAM role ${app.names.role}`,
      note: ctx.note,
      find: async () => (await ownedRole(app, app.names.role, false))?.Arn,
      create: async () => (await iam.send(
      new CreateRoleCommand({
        RoleName: app.names.role,
        AssumeRolePolicyDocument: TRUST_POLICY,
        Description: `Execution role of ${app.names.function} in ${app.region} (cognito-scope-setup)`,
        Tags: [...tagsList(app), { Key: REGION_TAG_KEY, Value: app.region }],
      }),
    )).Role!.Arn!,
    });
    const record = { id: app.names.role, arn };
    await ctx.checkpoint(record);
    // CreateFunction needs only the role's ARN: the policy is attached while it goes out. A crash
    // before the attachment is repaired by the next run (read reports it, update attaches it).
    await afterCreate(ctx, async () => {
      await iam.send(new AttachRolePolicyCommand({ RoleName: app.names.role, PolicyArn: basicExecutionPolicyArn(app) }));
    });
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
    const policies = seen.get(record) ?? (await listPolicies(iam, RoleName));
    await Promise.all([
      ...policies.attached.map((PolicyArn) => ignoreNotFound(iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn })))),
      ...policies.inline.map((PolicyName) => ignoreNotFound(iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName })))),
    ]);
    try {
      await ignoreNotFound(iam.send(new DeleteRoleCommand({ RoleName })));
    } catch (e) {
      // A policy attached since the read (by hand, between read and delete): list and try again.
      if (errorName(e) !== 'DeleteConflictException' || !seen.has(record)) throw e;
      seen.delete(record);
      await roleStep.delete(ctx, record);
    }
  },
};

// What every step gets: clients, the resolved inputs, deterministic names and the ownership tag.
import type { AwsClients } from '../aws/clients.js';
import type { Inputs } from '../config/schema.js';
import { NotOwned } from '../engine/errors.js';
import type { StepContext } from '../engine/types.js';

export const TAG_KEY = 'cognito-scope-setup:stack';
/**
 * On account-global resources (IAM) only: the region of the stack that owns it. IAM names are
 * global to the account, so the same stack name in two regions must never share or delete one role.
 */
export const REGION_TAG_KEY = 'cognito-scope-setup:region';

export interface Names {
  role: string;
  function: string;
  api: string;
  userPool: string;
  client: string;
  resourceServer: string;
  authorizer: string;
  permissionSid: string;
}

/**
 * Every name derives from the stack name. The IAM role is global to the account, so its name
 * carries the region too (at most 32 + 1 + 14 + 12 = 59 of IAM's 64 characters); roles of stacks
 * created before that keep their recorded name (src/steps/role.ts).
 */
export function namesFor(stack: string, region: string): Names {
  return {
    role: `${stack}-${region}-lambda-role`,
    function: `${stack}-lambda`,
    api: `${stack}-api`,
    userPool: `${stack}-user-pool`,
    client: `${stack}-client`,
    resourceServer: `${stack}-resource-server`,
    authorizer: `${stack}-authorizer`,
    permissionSid: `${stack}-apigateway-get-root`,
  };
}

export interface App {
  aws: AwsClients;
  stack: string;
  region: string;
  /** The account id: recorded in state, or '' until the account check answers (then set). */
  accountId: string;
  /** Resolves with the account id once the account check (STS) answered. */
  account?: Promise<string>;
  /** AWS partition of the region (aws, aws-cn, aws-us-gov). */
  partition: string;
  inputs: Inputs & { domainPrefixGenerated: boolean };
  names: Names;
  /** The user's password: only in memory, only when the user step must create the user. */
  password?: string;
}

export type Ctx = StepContext<App>;

/**
 * The part of a create that the step's dependents do not need (a new function turning Active, a
 * policy attached to a new role): handed to the engine to finish while they start
 * (StepContext.defer), or run here when there is no engine (unit harnesses).
 */
export async function afterCreate(ctx: StepContext<unknown>, work: () => Promise<void>): Promise<void> {
  if (ctx.defer) ctx.defer(work);
  else await work();
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function fullScopes(inputs: Inputs): string[] {
  return inputs.scopes.map((s) => `${inputs.resourceServerId}/${s.name}`);
}

/** The account id, waiting for the account check when it is not known yet (a stack without state). */
export async function accountOf(app: App): Promise<string> {
  return app.accountId || (app.account ? await app.account : '');
}

export function functionArn(app: App): string {
  return `arn:${app.partition}:lambda:${app.region}:${app.accountId}:function:${app.names.function}`;
}

/** Is the tag map ours? Else NotOwned: someone else's resource with our name. */
export function assertOwned(app: App, kind: string, name: string, tags: Record<string, string | undefined> | undefined): void {
  const value = tags?.[TAG_KEY];
  if (value === app.stack) return;
  throw new NotOwned({ kind, name, region: app.region }, app.stack, { key: TAG_KEY, ...(value === undefined ? {} : { value }) });
}

export const tagsObject = (app: App): Record<string, string> => ({ [TAG_KEY]: app.stack });
export const tagsList = (app: App): { Key: string; Value: string }[] => [{ Key: TAG_KEY, Value: app.stack }];

export const sameSet = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean => {
  const x = [...new Set(a ?? [])].sort();
  const y = [...new Set(b ?? [])].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

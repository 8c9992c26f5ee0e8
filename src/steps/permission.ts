// Lets API Gateway invoke the function, from this API's GET / only. Without it the API answers 500.
import { AddPermissionCommand, GetPolicyCommand, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import { createOrAdopt } from '../aws/create.js';
import { errorName, ignoreNotFound, orAbsent } from '../aws/errors.js';
import type { Change, Step } from '../engine/types.js';
import type { App } from './app.js';
import type { ApiRecord } from './api.js';
import { waitUntilReady, type FunctionRecord } from './function.js';

export interface PermissionRecord extends Record<string, unknown> {
  id: string;
  sourceArn: string;
}

/** arn:aws:execute-api:{region}:{account}:{apiId}/*\/GET/ (trailing slash: the root path). */
export function sourceArn(app: App, apiId: string): string {
  return `arn:${app.partition}:execute-api:${app.region}:${app.accountId}:${apiId}/*/GET/`;
}

interface Statement {
  Sid?: string;
  Principal?: { Service?: string } | string;
  Condition?: { ArnLike?: Record<string, string> };
}

/** Our statement in the function's resource policy (by its statement id), if there is one. */
async function statement(app: App, functionName: string): Promise<Statement | undefined> {
  const lambda = await app.aws.lambda();
  const got = await orAbsent(lambda.send(new GetPolicyCommand({ FunctionName: functionName })));
  if (!got?.Policy) return undefined;
  const statements: Statement[] = JSON.parse(got.Policy).Statement ?? [];
  return statements.find((s) => s.Sid === app.names.permissionSid);
}

export const permissionStep: Step<App, PermissionRecord> = {
  key: 'permission',
  title: 'Invoke permission for API Gateway',
  displayName: (app) => app.names.permissionSid,
  dependsOn: ['function', 'api'],
  deletedWith: 'function',
  async read(ctx) {
    const { app } = ctx;
    const fn = ctx.get<FunctionRecord>('function');
    const api = ctx.get<ApiRecord>('api');
    if (!fn) return undefined;
    const st = await statement(app, fn.id);
    if (!st) return undefined;
    const have = st.Condition?.ArnLike?.['AWS:SourceArn'];
    // No REST API yet (a plan where it is still to be created): the statement must name the new one.
    const want = api ? sourceArn(app, api.id) : '(the new REST API)';
    const principal = typeof st.Principal === 'string' ? st.Principal : st.Principal?.Service;
    const changes: Change[] = [];
    if (have !== want) changes.push({ field: 'sourceArn', from: have, to: want });
    if (principal !== 'apigateway.amazonaws.com') changes.push({ field: 'principal', from: principal, to: 'apigateway.amazonaws.com' });
    return { record: { id: app.names.permissionSid, sourceArn: have ?? '' }, changes };
  },
  async create(ctx) {
    const { app } = ctx;
    const fn = ctx.get<FunctionRecord>('function')!;
    const api = ctx.get<ApiRecord>('api')!;
    const lambda = await app.aws.lambda();
    const SourceArn = sourceArn(app, api.id);
    const add = () =>
      lambda.send(
        new AddPermissionCommand({
          FunctionName: fn.id,
          StatementId: app.names.permissionSid,
          Action: 'lambda:InvokeFunction',
          Principal: 'apigateway.amazonaws.com',
          SourceArn,
        }),
      );
    await createOrAdopt({
      what: `invoke permission ${app.names.permissionSid}`,
      note: ctx.note,
      // The statement id is the key: adopted when it grants exactly this.
      find: async () => {
        const st = await statement(app, fn.id);
        const principal = typeof st?.Principal === 'string' ? st.Principal : st?.Principal?.Service;
        return st && st.Condition?.ArnLike?.['AWS:SourceArn'] === SourceArn && principal === 'apigateway.amazonaws.com' ? true : undefined;
      },
      create: async () => {
        try {
          await add();
        } catch (e) {
          // This runs while a new function is still Pending. AddPermission is not among the calls
          // Lambda lists as failing then (functions-states.html); should it be refused for that
          // reason all the same, wait until the function is Active and add it then.
          if (errorName(e) !== 'ResourceConflictException' || !/Pending/.test((e as Error).message ?? '')) throw e;
          ctx.note('the new function is not Active yet; adding the permission once it is');
          await waitUntilReady(lambda, fn.id, 'active');
          await add();
        }
        return true;
      },
    });
    return { id: app.names.permissionSid, sourceArn: SourceArn };
  },
  async update(ctx, live) {
    await permissionStep.delete(ctx, live.record);
    return permissionStep.create(ctx);
  },
  async delete(ctx, record) {
    const fn = ctx.get<FunctionRecord>('function');
    if (!fn) return;
    const lambda = await ctx.app.aws.lambda();
    await ignoreNotFound(lambda.send(new RemovePermissionCommand({ FunctionName: fn.id, StatementId: record.id })));
  },
};

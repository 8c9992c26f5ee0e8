// Lets API Gateway invoke the function, from one route of this API only: one statement per route
// (least privilege), the tutorial's `<stack>-apigateway-get-root` for GET /. Without it the API
// answers 500.
import { AddPermissionCommand, GetPolicyCommand, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import { createOrAdopt } from '../aws/create.js';
import { errorName, ignoreNotFound, orAbsent } from '../aws/errors.js';
import type { Change, Step } from '../engine/types.js';
import { DEFAULT_ROUTE_ID, routeId, sourceArnPart, statementId, type Route } from '../config/routes.js';
import { accountOf, type App } from './app.js';
import { permissionKey } from './keys.js';
import { apiStep } from './api.js';
import { functionStep, waitUntilReady } from './function.js';

export interface PermissionRecord extends Record<string, unknown> {
  id: string;
  sourceArn: string;
}

type RouteRef = Pick<Route, 'method' | 'path'>;
const DEFAULT_ROUTE: RouteRef = { method: 'GET', path: '/' };

/**
 * arn:aws:execute-api:{region}:{account}:{apiId}/*\/{METHOD}/{path}: any stage, this method (`*`
 * for ANY) and this path (`*` for each {param} part); GET / keeps its trailing slash.
 */
export function sourceArn(app: App, apiId: string, r: RouteRef = DEFAULT_ROUTE): string {
  return `arn:${app.partition}:execute-api:${app.region}:${app.accountId}:${apiId}/*/${sourceArnPart(r)}`;
}

/** The step key of a route's permission: `permission` for the tutorial's GET /, else `permission:<METHOD> <path>`. */
export { permissionKey };

interface Statement {
  Sid?: string;
  Principal?: { Service?: string } | string;
  Condition?: { ArnLike?: Record<string, string> };
}

/** Our statement in the function's resource policy (by its statement id), if there is one. */
async function statement(app: App, functionName: string, sid: string): Promise<Statement | undefined> {
  const lambda = await app.aws.lambda();
  const got = await orAbsent(lambda.send(new GetPolicyCommand({ FunctionName: functionName })));
  if (!got?.Policy) return undefined;
  const statements: Statement[] = JSON.parse(got.Policy).Statement ?? [];
  return statements.find((s) => s.Sid === sid);
}

/**
 * One policy change at a time per function: each AddPermission and RemovePermission rewrites the
 * function's one resource policy, and Lambda refuses a change while another is in progress
 * (ResourceConflictException), which several routes' steps running at once would provoke.
 */
const policyQueues = new WeakMap<App, Promise<unknown>>();
function oneAtATime<T>(app: App, work: () => Promise<T>): Promise<T> {
  const before = policyQueues.get(app) ?? Promise.resolve();
  const run = before.then(work, work);
  policyQueues.set(app, run.catch(() => undefined));
  return run;
}

export function permissionStepFor(r: RouteRef): Step<App, PermissionRecord> {
  const sidOf = (app: App) => (routeId(r) === DEFAULT_ROUTE_ID ? app.names.permissionSid : statementId(app.stack, r));
  const step: Step<App, PermissionRecord> = {
    key: permissionKey(r),
    title: routeId(r) === DEFAULT_ROUTE_ID ? 'Invoke permission for API Gateway' : `Invoke permission for ${routeId(r)}`,
    displayName: sidOf,
    dependsOn: ['function', 'api'],
    deletedWith: 'function',
    async read(ctx) {
      const { app } = ctx;
      const fn = ctx.get(functionStep);
      const api = ctx.get(apiStep);
      if (!fn) return undefined;
      const st = await statement(app, fn.id, sidOf(app));
      if (!st) return undefined;
      await accountOf(app); // the source ARN names the account
      const have = st.Condition?.ArnLike?.['AWS:SourceArn'];
      // No REST API yet (a plan where it is still to be created): the statement must name the new one.
      const want = api ? sourceArn(app, api.id, r) : '(the new REST API)';
      const principal = typeof st.Principal === 'string' ? st.Principal : st.Principal?.Service;
      const changes: Change[] = [];
      if (have !== want) changes.push({ field: 'sourceArn', from: have, to: want });
      if (principal !== 'apigateway.amazonaws.com') changes.push({ field: 'principal', from: principal, to: 'apigateway.amazonaws.com' });
      return { record: { id: sidOf(app), sourceArn: have ?? '' }, changes };
    },
    async create(ctx) {
      const { app } = ctx;
      const fn = ctx.need(functionStep);
      const api = ctx.need(apiStep);
      const lambda = await app.aws.lambda();
      const SourceArn = sourceArn(app, api.id, r);
      const sid = sidOf(app);
      const add = () =>
        lambda.send(
          new AddPermissionCommand({
            FunctionName: fn.id,
            StatementId: sid,
            Action: 'lambda:InvokeFunction',
            Principal: 'apigateway.amazonaws.com',
            SourceArn,
          }),
        );
      await oneAtATime(app, () => createOrAdopt({
        what: `invoke permission ${sid}`,
        note: ctx.note,
        // The statement id is the key: adopted when it grants exactly this.
        find: async () => {
          const st = await statement(app, fn.id, sidOf(app));
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
      }));
      return { id: sid, sourceArn: SourceArn };
    },
    async update(ctx, live) {
      await step.delete(ctx, live.record);
      return step.create(ctx);
    },
    async delete(ctx, record) {
      const fn = ctx.get(functionStep);
      if (!fn) return;
      const lambda = await ctx.app.aws.lambda();
      await oneAtATime(ctx.app, () => ignoreNotFound(lambda.send(new RemovePermissionCommand({ FunctionName: fn.id, StatementId: record.id }))));
    },
  };
  return step;
}

/** The tutorial's GET /. */
export const permissionStep = permissionStepFor(DEFAULT_ROUTE);

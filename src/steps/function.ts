// The "Hello World" Lambda function (tutorial step 1).
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { createOrAdopt } from '../aws/create.js';
import { ignoreNotFound, orAbsent } from '../aws/errors.js';
import { noted } from '../aws/retry.js';
import type { Change, Step } from '../engine/types.js';
import { afterCreate, assertOwned, tagsObject } from './app.js';
import { LambdaNotReady } from './errors.js';
import type { App } from './app.js';
import { codeFor, lambdaCode, type LambdaCode } from './lambda-code.js';
import { roleStep } from './role.js';

export interface FunctionRecord extends Record<string, unknown> {
  id: string;
  arn: string;
}

/** The first look lands this long after the create (or update) was answered; each later one 1.1 times as late. */
export const FIRST_LOOK_MS = 200;
export const LOOK_RATIO = 1.1;

/**
 * Poll GetFunction until the function is ready: Active after a create, LastUpdateStatus
 * Successful after an update. The looks land at 200 ms, 220 ms, 242 ms... after `since` (when
 * the create or update was answered), each 1.1 times as late as the one before, so a function that
 * turns ready at any moment W after 182 ms is seen by 1.1 W at the latest: the wait overshoots by
 * at most 10%, whether W is the emulator's 0.5 s, the few seconds a new function takes on AWS, or
 * a minute (with 1.2, the emulator's 0.5 s was seen 87 ms late). Each look is sent one round trip
 * (the fastest seen so far) ahead of its moment, so its answer arrives on time; looks overlap when
 * they are closer together than a round trip. That is 17 looks in the first second and 77 in 5
 * minutes, inside a fifth of Lambda's quota of 100 GetFunction requests per second per account
 * (limits.html, cannot be raised). The SDK's waiters wait at least a second between looks, which
 * was most of a new stack's wall time.
 */
export async function waitUntilReady(
  lambda: LambdaClient,
  FunctionName: string,
  until: 'active' | 'updated',
  o: { since?: number; maxWaitMs?: number } = {},
): Promise<void> {
  const since = o.since ?? Date.now();
  const maxWaitMs = o.maxWaitMs ?? 300_000;
  let rtt = Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let finished = false;
  let exhausted = false;
  // Looks still in flight when the answer is known are cancelled: left alone, each would keep the
  // process alive for its round trip, and once the run ends and its clients are destroyed, the
  // SDK would even send it again (a reset connection is a transient error to its retries).
  const inFlight = new Set<AbortController>();
  return new Promise<void>((resolve, reject) => {
    const finish = (e?: unknown) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      for (const a of inFlight) a.abort();
      if (e === undefined) resolve();
      else reject(e);
    };
    const notReady = () =>
      new LambdaNotReady(FunctionName, until, undefined, maxWaitMs);
    const schedule = (k: number) => {
      const at = FIRST_LOOK_MS * LOOK_RATIO ** k;
      if (at > maxWaitMs) {
        exhausted = true;
        if (inFlight.size === 0) finish(notReady());
        return;
      }
      const ahead = Number.isFinite(rtt) ? rtt : 0;
      timer = setTimeout(() => void look(k), Math.max(0, since + at - ahead - Date.now()));
    };
    const look = async (k: number) => {
      if (finished) return;
      const abort = new AbortController();
      inFlight.add(abort);
      schedule(k + 1);
      const sent = Date.now();
      let c: FunctionConfiguration | undefined;
      try {
        c = (await lambda.send(new GetFunctionCommand({ FunctionName }), { abortSignal: abort.signal })).Configuration;
      } catch (e) {
        return finish(e);
      } finally {
        inFlight.delete(abort);
      }
      rtt = Math.min(rtt, Date.now() - sent);
      const status = until === 'active' ? c?.State : c?.LastUpdateStatus;
      if (status === (until === 'active' ? 'Active' : 'Successful')) return finish();
      if (status === 'Failed') {
        const reason = (until === 'active' ? c?.StateReason : c?.LastUpdateStatusReason) ?? 'no reason given';
        return finish(new LambdaNotReady(FunctionName, until, reason));
      }
      if (exhausted && inFlight.size === 0) finish(notReady());
    };
    schedule(0);
  });
}

/**
 * The function's description: the tutorial's "Hello World" for its handler (unchanged, so stacks
 * made before stay as they are), a neutral one for the user's own code (which is no Hello World).
 * Not compared by read: a description is no drift.
 */
export function functionDescription(app: Pick<App, 'stack' | 'inputs'>): string {
  return app.inputs.code ? `${app.stack} API handler (cognito-scope-setup)` : 'Hello World (cognito-scope-setup)';
}

export const functionStep: Step<App, FunctionRecord> = {
  key: 'function',
  title: 'Lambda function',
  displayName: (app) => app.names.function,
  dependsOn: ['role'],
  async read(ctx) {
    const { app } = ctx;
    const lambda = await app.aws.lambda();
    const got = await orAbsent(lambda.send(new GetFunctionCommand({ FunctionName: app.names.function })));
    if (!got?.Configuration) return undefined;
    assertOwned(app, 'Lambda function', app.names.function, got.Tags);
    const c = got.Configuration;
    const lang = (r: string | undefined) => (r?.startsWith('python') ? 'Python' : 'Node.js');
    // The user's code that cannot be read now (a status or destroy run elsewhere): shown as a change, never a crash.
    let want: Pick<LambdaCode, 'handler' | 'sha256'>;
    let wanted = app.inputs.code ? `your code from ${app.inputs.code}` : `the tutorial's ${lang(app.inputs.runtime)} handler`;
    try {
      want = await codeFor(app.inputs);
    } catch (e) {
      want = { handler: app.inputs.handler ?? c.Handler ?? '', sha256: '' };
      wanted = `your code from ${app.inputs.code}, which cannot be read here (${(e as Error).message})`;
    }
    const role = ctx.get(roleStep);
    const changes: Change[] = [];
    if (c.Runtime !== app.inputs.runtime) changes.push({ field: 'runtime', from: c.Runtime, to: app.inputs.runtime });
    if (c.Handler !== want.handler) changes.push({ field: 'handler', from: c.Handler, to: want.handler });
    // The code in words, not as hashes: the tutorial's handler (of which language), yours, or something else.
    if (c.CodeSha256 !== want.sha256) {
      const from = c.Runtime && c.CodeSha256 === lambdaCode(c.Runtime).sha256 ? `the tutorial's ${lang(c.Runtime)} handler` : app.inputs.code ? 'other code (an earlier version, or changed outside this tool)' : 'other code (changed outside this tool)';
      changes.push({ field: 'code', from, to: wanted });
    }
    if (role && c.Role !== role.arn) changes.push({ field: 'role', from: c.Role, to: role.arn });
    return { record: { id: app.names.function, arn: c.FunctionArn! }, changes };
  },
  async create(ctx) {
    const { app } = ctx;
    const lambda = await app.aws.lambda();
    const role = ctx.need(roleStep);
    const code = await codeFor(app.inputs);
    const { value: out } = await createOrAdopt({
      what: `Lambda function ${app.names.function}`,
      note: ctx.note,
      // By its name (unique in the region), when it is ours.
      find: async () => {
        const got = await orAbsent(lambda.send(new GetFunctionCommand({ FunctionName: app.names.function })));
        if (!got?.Configuration) return undefined;
        assertOwned(app, 'Lambda function', app.names.function, got.Tags);
        return got.Configuration;
      },
      // A new role cannot be assumed by Lambda for a while: the per-operation policy (src/aws/retry.ts)
      // retries CreateFunction on that answer for up to 5 minutes, with a countdown note.
      create: () =>
        lambda.send(
          noted(
            ctx.note,
            new CreateFunctionCommand({
              FunctionName: app.names.function,
              Runtime: app.inputs.runtime as never,
              Role: role.arn,
              Handler: code.handler,
              Code: { ZipFile: code.zip },
              Description: functionDescription(app),
              Timeout: 10,
              MemorySize: 128,
              Tags: tagsObject(app),
            }),
          ),
        ),
    });
    const since = Date.now();
    const record = { id: app.names.function, arn: out.FunctionArn! };
    await ctx.checkpoint(record);
    // Nothing that depends on the function needs it Active (AddPermission and the integration's
    // URI name it; functions-states.html lists Invoke, UpdateFunctionCode,
    // UpdateFunctionConfiguration and PublishVersion as what fails while it is Pending), so its
    // dependents go on while it activates; init ends only once it is Active.
    if (out.State !== 'Active') await afterCreate(ctx, () => waitUntilReady(lambda, app.names.function, 'active', { since }));
    return record;
  },
  async update(ctx, live) {
    const { app } = ctx;
    const lambda = await app.aws.lambda();
    const code = await codeFor(app.inputs);
    const fields = new Set(live.changes.map((c) => c.field));
    const FunctionName = live.record.id;
    if (fields.has('runtime') || fields.has('handler') || fields.has('role')) {
      await lambda.send(
        noted(ctx.note, new UpdateFunctionConfigurationCommand({ FunctionName, Runtime: app.inputs.runtime as never, Handler: code.handler, Role: ctx.need(roleStep).arn, Description: functionDescription(app) })),
      );
      await waitUntilReady(lambda, FunctionName, 'updated', { since: Date.now() });
    }
    if (fields.has('code') || fields.has('runtime')) {
      await lambda.send(new UpdateFunctionCodeCommand({ FunctionName, ZipFile: code.zip }));
      await waitUntilReady(lambda, FunctionName, 'updated', { since: Date.now() });
    }
    return live.record;
  },
  async delete(ctx, record) {
    const lambda = await ctx.app.aws.lambda();
    await ignoreNotFound(lambda.send(new DeleteFunctionCommand({ FunctionName: record.id })));
  },
};

// The "Hello World" Lambda function (tutorial step 1).
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { CliError } from '../errors.js';
import { createOrAdopt } from '../aws/create.js';
import { ignoreNotFound, orAbsent, retryIamPropagation } from '../aws/errors.js';
import type { Change, Step } from '../engine/types.js';
import { assertOwned, tagsObject } from './app.js';
import type { App } from './app.js';
import { lambdaCode } from './lambda-code.js';
import type { RoleRecord } from './role.js';

export interface FunctionRecord extends Record<string, unknown> {
  id: string;
  arn: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Poll GetFunction until the function is ready: Active after a create, LastUpdateStatus
 * Successful after an update. Ten looks 100 ms apart, then each wait 1.5 times the last (at most
 * 2 s), for up to 5 minutes. A new function is Active within a second on the emulator and within
 * seconds on AWS; the SDK's waiters wait at least a second between looks, which was most of a new
 * stack's wall time.
 */
export async function waitUntilReady(lambda: LambdaClient, FunctionName: string, until: 'active' | 'updated', maxWaitMs = 300_000): Promise<void> {
  const start = Date.now();
  for (let look = 0, delay = 100; ; look++, delay = look < 10 ? 100 : Math.min(delay * 1.5, 2000)) {
    if (Date.now() - start + delay > maxWaitMs) {
      throw new CliError('LAMBDA_NOT_READY', `Lambda function ${FunctionName} is still not ${until === 'active' ? 'Active' : 'updated'} after ${Math.round(maxWaitMs / 1000)} s.`, 'Look at the function in the Lambda console, then run init again; it resumes where it stopped.');
    }
    await sleep(delay);
    const c = (await lambda.send(new GetFunctionCommand({ FunctionName }))).Configuration;
    const status = until === 'active' ? c?.State : c?.LastUpdateStatus;
    if (status === (until === 'active' ? 'Active' : 'Successful')) return;
    if (status === 'Failed') {
      const reason = (until === 'active' ? c?.StateReason : c?.LastUpdateStatusReason) ?? 'no reason given';
      throw new CliError('LAMBDA_FAILED', `Lambda could not make function ${FunctionName} ready: ${reason}`, 'Fix the cause in the Lambda console or delete the function, then run init again.');
    }
  }
}

export const functionStep: Step<App, FunctionRecord> = {
  key: 'function',
  title: 'Lambda function',
  dependsOn: ['role'],
  async read(ctx) {
    const { app } = ctx;
    const lambda = await app.aws.lambda();
    const got = await orAbsent(lambda.send(new GetFunctionCommand({ FunctionName: app.names.function })));
    if (!got?.Configuration) return undefined;
    assertOwned(app, 'Lambda function', app.names.function, got.Tags);
    const c = got.Configuration;
    const want = lambdaCode(app.inputs.runtime);
    const role = ctx.get<RoleRecord>('role');
    const changes: Change[] = [];
    if (c.Runtime !== app.inputs.runtime) changes.push({ field: 'runtime', from: c.Runtime, to: app.inputs.runtime });
    if (c.Handler !== want.handler) changes.push({ field: 'handler', from: c.Handler, to: want.handler });
    if (c.CodeSha256 !== want.sha256) changes.push({ field: 'code', from: c.CodeSha256, to: want.sha256 });
    if (role && c.Role !== role.arn) changes.push({ field: 'role', from: c.Role, to: role.arn });
    return { record: { id: app.names.function, arn: c.FunctionArn! }, changes };
  },
  async create(ctx) {
    const { app } = ctx;
    const lambda = await app.aws.lambda();
    const role = ctx.get<RoleRecord>('role')!;
    const code = lambdaCode(app.inputs.runtime);
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
      create: () => retryIamPropagation(
      () =>
        lambda.send(
          new CreateFunctionCommand({
            FunctionName: app.names.function,
            Runtime: app.inputs.runtime as never,
            Role: role.arn,
            Handler: code.handler,
            Code: { ZipFile: code.zip },
            Description: 'Hello World (cognito-scope-setup)',
            Timeout: 10,
            MemorySize: 128,
            Tags: tagsObject(app),
          }),
        ),
      (ms) => ctx.note(`waiting for the new IAM role to propagate to Lambda (${Math.round(ms / 1000)} s)`),
    ),
    });
    const record = { id: app.names.function, arn: out.FunctionArn! };
    await ctx.checkpoint(record);
    if (out.State !== 'Active') await waitUntilReady(lambda, app.names.function, 'active');
    return record;
  },
  async update(ctx, live) {
    const { app } = ctx;
    const lambda = await app.aws.lambda();
    const code = lambdaCode(app.inputs.runtime);
    const fields = new Set(live.changes.map((c) => c.field));
    const FunctionName = live.record.id;
    if (fields.has('runtime') || fields.has('handler') || fields.has('role')) {
      await lambda.send(
        new UpdateFunctionConfigurationCommand({ FunctionName, Runtime: app.inputs.runtime as never, Handler: code.handler, Role: ctx.get<RoleRecord>('role')!.arn }),
      );
      await waitUntilReady(lambda, FunctionName, 'updated');
    }
    if (fields.has('code') || fields.has('runtime')) {
      await lambda.send(new UpdateFunctionCodeCommand({ FunctionName, ZipFile: code.zip }));
      await waitUntilReady(lambda, FunctionName, 'updated');
    }
    return live.record;
  },
  async delete(ctx, record) {
    const lambda = await ctx.app.aws.lambda();
    await ignoreNotFound(lambda.send(new DeleteFunctionCommand({ FunctionName: record.id })));
  },
};

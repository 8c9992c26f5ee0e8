// `forget`: stop managing a stack (after handing it over to CloudFormation): drop its state and
// delete nothing. Asks first unless --yes; refuses while another run holds the stack's lock.
// With --untag it also removes the ownership tag from every resource that carries one, so a
// later `init` of the same name does not take them back.
import type { ArgsOf, FORGET_FIELDS } from '../config/fields.js';
import { CliError, UsageError } from '../errors.js';
import type { Session } from './context.js';
import { EXIT } from './exit-codes.js';
import type { Handler } from './kernel.js';

export type ForgetOpts = ArgsOf<typeof FORGET_FIELDS>;

export const handler: Handler<ForgetOpts> = async (ctx) => {
  const { args: o } = ctx;
  const { recorded, stack, stateFile, backend } = ctx.recorded();
  if (!o.yes && !ctx.prompts) {
    throw new UsageError(['--yes: forget drops the state of the stack and needs --yes when there is no terminal to confirm in']);
  }
  if (!o.yes && ctx.prompts) {
    const ok = await ctx.prompts.confirm({
      message: `Stop managing stack ${stack} (${recorded.region})? Its state file ${stateFile} is removed; no AWS resource is deleted${o.untag ? ', and their ownership tags are removed' : ''}.`,
      default: false,
    });
    if (!ok) throw new CliError('DECLINED', 'Nothing was changed.', `Run forget --stack ${stack} again and answer yes, or pass --yes.`);
  }
  // The lock keeps a running init or destroy from writing the state back after we removed it.
  const session = await ctx.session({ writeState: false });
  const untagged = o.untag ? await untag(session) : [];
  await backend.remove();
  const lines = [`Forgot stack ${stack}: removed ${stateFile}. No AWS resource was deleted.`];
  if (untagged.length) lines.push(`Removed the ownership tag from: ${untagged.join(', ')}.`);
  else lines.push('The resources keep their cognito-scope-setup:stack tag (forget --untag removes it).');
  return { exit: EXIT.OK, json: { stack, stateFile, forgotten: true, deleted: [], untagged }, text: `${lines.join('\n')}\n` };
};

/** Remove the ownership tag from the taggable resources the state records. */
async function untag(session: Session): Promise<string[]> {
  const { TAG_KEY } = await import('../steps/app.js');
  const { app, state } = session;
  const id = (k: string) => state.resources[k]?.id as string | undefined;
  const done: string[] = [];
  const jobs: Promise<void>[] = [];
  const role = id('role');
  if (role) {
    jobs.push((async () => {
      const { UntagRoleCommand } = await import('../aws/sdk/rare.js');
      await (await app.aws.iam()).send(new UntagRoleCommand({ RoleName: role, TagKeys: [TAG_KEY] }));
      done.push(`IAM role ${role}`);
    })());
  }
  const fnArn = state.resources.function?.arn as string | undefined;
  if (fnArn) {
    jobs.push((async () => {
      const { LambdaUntagResourceCommand } = await import('../aws/sdk/rare.js');
      await (await app.aws.lambda()).send(new LambdaUntagResourceCommand({ Resource: fnArn, TagKeys: [TAG_KEY] }));
      done.push(`Lambda function ${id('function')}`);
    })());
  }
  const api = id('api');
  if (api) {
    jobs.push((async () => {
      const { ApiGatewayUntagResourceCommand } = await import('../aws/sdk/rare.js');
      await (await app.aws.apigw()).send(new ApiGatewayUntagResourceCommand({ resourceArn: `arn:${app.partition}:apigateway:${app.region}::/restapis/${api}`, tagKeys: [TAG_KEY] }));
      done.push(`REST API ${api}`);
    })());
  }
  const poolArn = state.resources.userPool?.arn as string | undefined;
  if (poolArn) {
    jobs.push((async () => {
      const { CognitoUntagResourceCommand } = await import('../aws/sdk/rare.js');
      await (await app.aws.cognito()).send(new CognitoUntagResourceCommand({ ResourceArn: poolArn, TagKeys: [TAG_KEY] }));
      done.push(`user pool ${id('userPool')}`);
    })());
  }
  const settled = await Promise.allSettled(jobs);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return done.sort();
}

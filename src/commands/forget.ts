// `forget`: stop managing a stack (after handing it over to CloudFormation): drop its state and
// delete nothing. Asks first unless --yes; refuses while another run holds the stack's lock.
// With --untag it also removes the ownership tag from every resource that carries one, so a
// later `init` of the same name does not take them back.
import { UsageError, StateError } from '../errors.js';
import { removeState } from '../state/store.js';
import { isTty, printJson, processIo, type Io } from '../ui/output.js';
import { openLocal, openSession, type GlobalOpts, type Session } from './context.js';

export interface ForgetOpts extends GlobalOpts {
  untag?: boolean;
}

export async function runForget(o: ForgetOpts, io: Io = processIo()): Promise<number> {
  const local = openLocal(o);
  if (!local.recorded) {
    throw new StateError(`No state file for stack "${local.stack}" at ${local.stateFile}: there is nothing to forget.`, 'Pass --stack (or --state) of a stack this tool manages; list shows them.', 'NO_STATE');
  }
  const interactive = isTty(io.stdin) && isTty(io.stderr) && o.input !== false && !io.env.CI;
  if (!o.yes && !interactive) {
    throw new UsageError(['--yes: forget drops the state of the stack and needs --yes when there is no terminal to confirm in']);
  }
  if (!o.yes) {
    const { confirm } = await import('@inquirer/prompts');
    const ok = await confirm(
      { message: `Stop managing stack ${local.stack} (${local.recorded.region})? Its state file ${local.stateFile} is removed; no AWS resource is deleted${o.untag ? ', and their ownership tags are removed' : ''}.`, default: false },
      { input: io.stdin as NodeJS.ReadableStream, output: io.stderr as NodeJS.WritableStream },
    );
    if (!ok) {
      io.stderr.write('Nothing was changed.\n');
      return 1;
    }
  }
  // The lock keeps a running init or destroy from writing the state back after we removed it.
  const session = await openSession(o, local, { lock: true, writeState: false });
  try {
    const untagged = o.untag ? await untag(session) : [];
    removeState(local.stateFile);
    if (o.json) printJson(io, { stack: local.stack, stateFile: local.stateFile, forgotten: true, deleted: [], untagged });
    else {
      const lines = [`Forgot stack ${local.stack}: removed ${local.stateFile}. No AWS resource was deleted.`];
      if (untagged.length) lines.push(`Removed the ownership tag from: ${untagged.join(', ')}.`);
      else lines.push('The resources keep their cognito-scope-setup:stack tag (forget --untag removes it).');
      io.stdout.write(`${lines.join('\n')}\n`);
    }
    return 0;
  } finally {
    await session.release();
  }
}

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
      const { UntagRoleCommand } = await import('@aws-sdk/client-iam');
      await (await app.aws.iam()).send(new UntagRoleCommand({ RoleName: role, TagKeys: [TAG_KEY] }));
      done.push(`IAM role ${role}`);
    })());
  }
  const fnArn = state.resources.function?.arn as string | undefined;
  if (fnArn) {
    jobs.push((async () => {
      const { UntagResourceCommand } = await import('@aws-sdk/client-lambda');
      await (await app.aws.lambda()).send(new UntagResourceCommand({ Resource: fnArn, TagKeys: [TAG_KEY] }));
      done.push(`Lambda function ${id('function')}`);
    })());
  }
  const api = id('api');
  if (api) {
    jobs.push((async () => {
      const { UntagResourceCommand } = await import('@aws-sdk/client-api-gateway');
      await (await app.aws.apigw()).send(new UntagResourceCommand({ resourceArn: `arn:${app.partition}:apigateway:${app.region}::/restapis/${api}`, tagKeys: [TAG_KEY] }));
      done.push(`REST API ${api}`);
    })());
  }
  const poolArn = state.resources.userPool?.arn as string | undefined;
  if (poolArn) {
    jobs.push((async () => {
      const { UntagResourceCommand } = await import('@aws-sdk/client-cognito-identity-provider');
      await (await app.aws.cognito()).send(new UntagResourceCommand({ ResourceArn: poolArn, TagKeys: [TAG_KEY] }));
      done.push(`user pool ${id('userPool')}`);
    })());
  }
  const settled = await Promise.allSettled(jobs);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return done.sort();
}

// `destroy`: delete everything the stack owns, in reverse dependency order; nothing else.
import type { GlobalArgs } from '../config/fields.js';
import { destroy, StepFailed } from '../engine/index.js';
import { CliError, UsageError } from '../errors.js';
import { EXIT } from './exit-codes.js';
import { stepFailed } from './failures.js';
import { guardInterrupts, interruptedError, skippedNotFailed } from './interrupt.js';
import type { Handler } from './kernel.js';

export const handler: Handler<GlobalArgs> = async (ctx) => {
  const { args: o } = ctx;
  const local = ctx.local();
  if (!o.yes && !ctx.prompts) {
    throw new UsageError(['--yes: destroy deletes AWS resources and needs --yes when there is no terminal to confirm in']);
  }
  if (!o.yes && ctx.prompts) {
    const what = local.recorded ? `every resource recorded in ${local.stateFile}` : `the resources named after stack "${local.stack}" and tagged as its own`;
    const ok = await ctx.prompts.confirm({ message: `Delete ${what}${local.recorded ? ` (${local.recorded.region}, account ${local.recorded.accountId})` : ''}?`, default: false });
    if (!ok) throw new CliError('DECLINED', 'Nothing was deleted.', `Run destroy --stack ${local.stack} again and answer yes, or pass --yes.`);
  }
  const reporter = await ctx.reporter();
  // Without a state file, the user (whose name is unknown) goes with the pool.
  const session = await ctx.session({ writeState: local.recorded !== undefined, flags: local.recorded ? {} : { userMode: 'none' } });
  if (!local.recorded) reporter.info(`No state file at ${local.stateFile}: looking for stack "${local.stack}" by name and ownership tag.`);
  let done;
  const interrupt = guardInterrupts((line) => reporter.warn(line));
  try {
    const engine = session.engine((e) => reporter.onEvent(skippedNotFailed(e)), 'every step');
    done = await destroy({ ...engine, steps: interrupt.wrap(engine.steps) });
  } catch (e) {
    reporter.stop();
    if (e instanceof StepFailed && interrupt.signal) {
      await session.persist();
      throw interruptedError({ stack: local.stack, stateFile: local.stateFile, results: e.results, signal: interrupt.signal, command: 'destroy' });
    }
    if (e instanceof StepFailed) throw stepFailed(e, o, session, 'destroy');
    throw e;
  } finally {
    interrupt.dispose();
  }
  reporter.stop();
  const { results, deleted, remaining } = done;
  // A foreign resource with the stack's name is not the stack's: it does not keep the state file.
  const notOwned = done.leftAlone.map((r) => r.key);
  const leftAlone = done.leftAlone.map((r) => ({ step: r.key, kind: r.error.resource.kind, name: r.error.resource.name }));
  if (remaining.length === 0) await session.store.settle().then(() => local.backend.remove());
  else await session.persist();
  const absent = results.filter((r) => r.action === 'absent').length;
  const lines = [remaining.length === 0 ? `Stack ${local.stack} is gone: ${deleted.length} resources deleted${absent ? `, ${absent} already absent` : ''}.` : `Stack ${local.stack}: ${deleted.length} deleted, ${remaining.length} left (${remaining.join(', ')}).`];
  if (leftAlone.length) lines.push(`Left alone because they are not ours: ${leftAlone.map((r) => `${r.kind} ${r.name}`).join(', ')}.`);
  if (remaining.length === 0 && local.recorded) lines.push(`Removed ${local.stateFile}.`);
  return {
    exit: remaining.length === 0 ? EXIT.OK : EXIT.FAILED,
    json: { stack: local.stack, deleted, remaining, notOwned, leftAlone, stateFile: remaining.length === 0 ? null : local.stateFile },
    text: lines.join('\n') + '\n',
  };
};

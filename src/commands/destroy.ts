// `destroy`: delete everything the stack owns, in reverse dependency order; nothing else.
import type { GlobalArgs } from '../config/fields.js';
import { destroy, StepFailed } from '../engine/index.js';
import { CliError, UsageError } from '../errors.js';
import { EXIT } from './exit-codes.js';
import { stepFailed } from './failures.js';
import { guardInterrupts, interruptedError, skippedNotFailed } from './interrupt.js';
import type { Handler } from './kernel.js';
import type { LocalStack } from './context.js';
import { commandLine, type Where } from './command-line.js';

export const handler: Handler<GlobalArgs> = async (ctx) => {
  const { args: o } = ctx;
  const local = ctx.local();
  if (!o.yes && !ctx.prompts) {
    throw new UsageError(['--yes: destroy deletes AWS resources and needs --yes when there is no terminal to confirm in']);
  }
  const where: Where = { stack: local.stack, region: o.region, state: o.state, profile: o.profile };
  if (!o.yes && ctx.prompts) {
    // What will be deleted, before the question: from the state file, or the names looked for.
    ctx.io.stderr.write(await deletionList(local));
    const ok = await ctx.prompts.confirm({ message: `Delete ${local.recorded ? 'these' : 'what is found'}${local.recorded ? ` in account ${local.recorded.accountId} (${local.recorded.region})` : ''}?`, default: false });
    if (!ok) throw new CliError('DECLINED', 'Nothing was deleted.', `Run ${commandLine('destroy', where)} again and answer yes, or pass --yes.`);
  }
  const reporter = await ctx.reporter();
  // Without a state file, the user (whose name is unknown) goes with the pool.
  const session = await ctx.session({ writeState: local.recorded !== undefined, flags: local.recorded ? {} : { userMode: 'none' }, early: true });
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
      throw interruptedError({ stack: local.stack, stateFile: local.stateFile, results: e.results, signal: interrupt.signal, command: 'destroy', state: o.state, profile: o.profile });
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
  const where2 = `account ${session.state.accountId}, ${session.state.region}`;
  // Nothing of the stack anywhere: said plainly (a mistyped --stack or --region must be noticed).
  const found = local.recorded !== undefined || deleted.length > 0 || leftAlone.length > 0 || remaining.length > 0;
  const lines = !found
    ? [`Nothing named "${local.stack}" was found: no state file at ${local.stateFile}, and nothing in ${where2} is named after stack "${local.stack}" with its ownership tag. Nothing was deleted.`,
       `Check --stack, --region, --profile and --state; the stacks with a state file here: npx cognito-scope-setup list`]
    : remaining.length === 0 && deleted.length === 0
      ? [`Nothing of stack ${local.stack} was found in ${where2}${leftAlone.length ? ' but resources with its names that are not its own' : ''}: nothing was deleted.`]
      : [remaining.length === 0 ? `Stack ${local.stack} is gone: ${deleted.length} resources deleted${absent ? `, ${absent} already absent` : ''}.` : `Stack ${local.stack}: ${deleted.length} deleted, ${remaining.length} left (${remaining.join(', ')}).`];
  if (leftAlone.length) lines.push(`Left alone because they are not ours: ${leftAlone.map((r) => `${r.kind} ${r.name}`).join(', ')}.`);
  if (remaining.length === 0 && local.recorded) lines.push(`Removed ${local.stateFile}.`);
  if (remaining.length) lines.push(`To try again: ${commandLine('destroy', where)}`);
  return {
    exit: remaining.length === 0 ? EXIT.OK : EXIT.FAILED,
    json: { stack: local.stack, found, ...(found ? {} : { message: lines[0] }), deleted, remaining, notOwned, leftAlone, stateFile: remaining.length === 0 ? null : local.stateFile },
    text: lines.join('\n') + '\n',
  };
};

/** The confirmation's list: each resource the state file records (its kind and id), or the names looked for. */
async function deletionList(local: LocalStack): Promise<string> {
  const { STEPS } = await import('../steps/index.js');
  if (!local.recorded) {
    return `No state file at ${local.stateFile}: destroy looks for the resources named after stack "${local.stack}" (${local.stack}-lambda, ${local.stack}-api, ${local.stack}-user-pool, the ${local.stack}-<region>-lambda-role role, ...) that carry its ownership tag, and deletes them with what they contain. Nothing else is touched.\n`;
  }
  const rows = STEPS.flatMap((s) => {
    const id = local.recorded!.resources[s.key]?.id;
    return id === undefined ? [] : [[s.title, String(id)] as const];
  });
  const w = Math.max(0, ...rows.map(([t]) => t.length));
  const list = rows.length ? rows.map(([t, id]) => `  ${t.padEnd(w)}  ${id}`).join('\n') : '  (no resource is recorded)';
  return `destroy deletes these resources of stack ${local.stack} (recorded in ${local.stateFile}), and any other copy tagged as the stack's:\n${list}\n`;
}

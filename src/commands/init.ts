// `init`: create or resume the stack, then print what the user needs next. Its inputs come from
// the one pipeline (inputs.ts, run by the kernel); --dry-run is `plan` (cli.ts routes it there).
import { configDocument } from '../config/resolve.js';
import { execute as executePlan, plan, StepFailed, type Plan } from '../engine/index.js';
import type { StackArgs } from '../config/fields.js';
import { CliError } from '../errors.js';
import { renderSummary, stdoutColors } from '../ui/summary.js';
import { outputsOf } from './context.js';
import { commandLine } from './command-line.js';
import { EXIT } from './exit-codes.js';
import { stepFailed, isReplaceNeeded } from './failures.js';
import { planAndConfirm } from './init-confirm.js';
import { readPassword, PASSWORD_ENV } from './inputs.js';
import { guardInterrupts, interruptedError, skippedNotFailed } from './interrupt.js';
import { execute, type Handler, type HandlerContext, type Outcome } from './kernel.js';

export { PASSWORD_ENV };

/** `init --print-config`: the resolved settings as a config file for `--config`; no password, no AWS call. */
async function printConfig(ctx: HandlerContext<StackArgs>): Promise<Outcome> {
  const { g, local, inputs } = ctx.inputs;
  let region = g.region ?? local.recorded?.region;
  if (!region) {
    const { resolveRegion } = await import('../aws/clients.js');
    region = await resolveRegion(undefined, g.profile);
  }
  if (!region) ctx.io.stderr.write('warning: no AWS region is configured; add "region" to the file or pass --region when you use it.\n');
  const doc = configDocument(inputs, region);
  // A config file is JSON whether or not --json was given.
  return { exit: EXIT.OK, json: doc, text: JSON.stringify(doc, null, 2) + '\n' };
}

export const handler: Handler<StackArgs> = async (ctx) => {
  const { args: o, io } = ctx;
  // 1. Everything local, before any AWS request: the inputs (the kernel ran the pipeline), the password.
  if (o.printConfig) return printConfig(ctx);
  const { local, inputs, prompts } = ctx.inputs;
  const password = await readPassword(o, io, ctx.inputs);
  if (inputs.m2mClient && !local.recorded?.resources.m2mClient) {
    const { M2M_BILLING_WARNING } = await import('./notices.js');
    io.stderr.write(M2M_BILLING_WARNING + '\n');
  }

  // 2. AWS.
  const reporter = await ctx.reporter();
  const session = await ctx.session({ password, early: true });
  // Every read first: a foreign resource or a read failure stops the run before any write. The
  // account check (STS) goes out with the reads; once it answered, and before any write, the
  // run names the account and writes the state file (inputs, no resources yet) unless a
  // terminal asks before it.
  const confirm = prompts !== undefined && !o.yes;
  const notices = import('./notices.js');
  const ready = session.ready.then(async () => {
    reporter.info(`Stack ${session.state.stack} in account ${session.state.accountId}, ${session.state.region}${session.endpoint ? ` (endpoint ${session.endpoint})` : ''}`);
    reporter.info(`State file: ${local.stateFile}`);
    reporter.info((await notices).costLine(session.state.inputs));
    if (!confirm) await session.persist();
  });
  const engine = { ...session.engine((e) => reporter.onEvent(skippedNotFailed(e))), ready };
  let planned: Plan;
  try {
    planned = await plan(engine);
  } catch (e) {
    if (e instanceof StepFailed) throw stepFailed(e, ctx.inputs.g, session, 'init');
    throw e;
  }
  // On a terminal: the plan, and nothing is created before the user says yes (--yes skips this).
  if (confirm && !(await planAndConfirm(session, planned, io, prompts, o.allowReplace))) {
    throw new CliError('DECLINED', 'Nothing was created or changed.', `Run ${commandLine('init', { stack: session.state.stack, region: o.region, state: o.state, profile: o.profile })} with the same flags again and answer yes, or add --yes.`);
  }
  await session.persist();
  let results;
  const interrupt = guardInterrupts((line) => reporter.warn(line));
  try {
    results = (await executePlan({ ...engine, steps: interrupt.wrap(engine.steps) }, planned, { allowReplace: o.allowReplace })).results;
  } catch (e) {
    reporter.stop();
    if (e instanceof StepFailed && interrupt.signal) {
      await session.persist();
      throw interruptedError({ stack: session.state.stack, stateFile: local.stateFile, results: e.results, signal: interrupt.signal, state: o.state, profile: o.profile });
    }
    if (e instanceof StepFailed) {
      // A refused replacement changed nothing: keep the state file's inputs as they were.
      if (isReplaceNeeded(e.cause) && local.recorded) {
        session.state.inputs = local.recorded.inputs;
        session.state.domainPrefixGenerated = local.recorded.domainPrefixGenerated;
        await session.persist();
      }
      throw stepFailed(e, ctx.inputs.g, session, 'init');
    }
    throw e;
  } finally {
    interrupt.dispose();
  }
  reporter.stop();
  // A generated domain prefix adopted from AWS (state file lost) becomes the recorded one.
  const dom = session.state.resources.domain?.id;
  if (typeof dom === 'string' && dom !== session.state.inputs.domainPrefix) session.state.inputs.domainPrefix = dom;
  await session.persist();
  const outputs = outputsOf(session.state);
  const steps = results.map((r) => ({ key: r.key, action: r.action }));
  const changed = results.filter((r) => r.action !== 'unchanged').length;
  return {
    exit: EXIT.OK,
    json: { stack: session.state.stack, region: session.state.region, accountId: session.state.accountId, stateFile: local.stateFile, outputs, steps },
    text: renderSummary(session.state, outputs, local.stateFile, { headline: changed === 0 ? 'Everything was already in place: nothing changed.' : undefined, c: stdoutColors(io), where: { state: o.state, profile: o.profile } }),
  };
};

/** init, run as the CLI runs it (tests call it directly). */
export const runInit = async (o: StackArgs, io?: Parameters<typeof execute>[2]) => execute((await import('./registry.js')).INIT, o, io);

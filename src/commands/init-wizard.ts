// The local half of `init`, before any AWS request: every given value checked (all problems at
// once, exit 2), the config file, the state file, then the wizard when there is a terminal
// (or, with --yes, its defaults). Also `--print-config` and the plan shown before anything is created.
import { defaultDomainPrefix, loadConfigFile, resolveInputs, valueProblems, type RawInputs } from '../config/resolve.js';
import type { Inputs } from '../config/schema.js';
import { apply } from '../engine/engine.js';
import { UsageError } from '../errors.js';
import { colorsFor, printJson, type Io } from '../ui/output.js';
import { askStack, inquirerPrompts, isInteractive, printIntro, runWizard, yesDefaults, type PromptApi } from '../ui/prompts.js';
import { renderPlan } from '../ui/summary.js';
import { openLocal, type GlobalOpts, type LocalStack, type Session } from './context.js';

export interface Gathered<O extends GlobalOpts> {
  /** The options with stack and region as decided (flag, config file, or wizard). */
  g: O & GlobalOpts;
  local: LocalStack;
  config?: RawInputs & { region?: string };
  /** Resolved and validated inputs. */
  inputs: Inputs & { domainPrefixGenerated: boolean };
  /** Set when prompting is allowed (a terminal, no --no-input, not CI). */
  prompts?: PromptApi;
}

export async function gatherInputs<O extends GlobalOpts & { config?: string }>(
  o: O,
  io: Io,
  flags: RawInputs,
  makePrompts: (io: Io) => Promise<PromptApi> = inquirerPrompts,
): Promise<Gathered<O>> {
  // Every value given by flag or config file, each against its own rule, all reported together.
  const problems = valueProblems({ ...flags, stack: o.stack, region: o.region, endpointUrl: o.endpointUrl });
  let config: (RawInputs & { region?: string }) | undefined;
  try {
    config = o.config ? loadConfigFile(o.config) : undefined;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    problems.push(...e.problems);
  }
  if (problems.length) throw new UsageError(problems);

  const prompts = isInteractive(o, io) ? await makePrompts(io) : undefined;
  const ask = prompts && !o.yes ? prompts : undefined;
  let stack = o.stack ?? config?.stack;
  const askedStack = ask !== undefined && stack === undefined;
  if (ask && stack === undefined) {
    printIntro(io);
    stack = await askStack(io, ask);
  }
  const g: O & GlobalOpts = { ...o, stack, region: o.region ?? config?.region };
  const local = openLocal(g);
  const rec = local.recorded?.inputs;
  const has = (f: keyof RawInputs | 'region') =>
    (f === 'region' ? g.region ?? local.recorded?.region : flags[f] ?? config?.[f] ?? rec?.[f as keyof Inputs]) !== undefined;
  const userMode = flags.userMode ?? config?.userMode ?? rec?.userMode;
  const domainDefault = has('domainPrefix') ? undefined : defaultDomainPrefix(local.stack);
  let answers: RawInputs = {};
  if (ask) {
    if (local.recorded) {
      io.stderr.write(`Resuming stack ${local.stack}: its settings come from ${local.stateFile} (flags change them).\n`);
    } else {
      if (!askedStack) printIntro(io);
      const { resolveRegion } = await import('../aws/clients.js');
      const regionDefault = has('region') ? undefined : await resolveRegion(undefined, o.profile);
      const r = await runWizard({ io, prompts: ask, stack: local.stack, has, regionDefault, domainDefault: domainDefault!, userMode });
      answers = r.answers;
      if (r.region) g.region = r.region;
    }
  } else if (o.yes) answers = yesDefaults(has, userMode);
  const inputs = resolveInputs({ flags: { ...flags, stack: local.stack }, config, answers, recorded: rec, domainDefault });
  return { g, local, config, inputs, prompts };
}

/** `init --print-config`: the resolved settings as a config file for `--config`; no password, no AWS call. */
export async function printConfig(io: Io, g: GlobalOpts, local: LocalStack, inputs: Inputs & { domainPrefixGenerated: boolean }): Promise<number> {
  const { domainPrefixGenerated: _generated, stack, ...settings } = inputs;
  let region = g.region ?? local.recorded?.region;
  if (!region) {
    const { resolveRegion } = await import('../aws/clients.js');
    region = await resolveRegion(undefined, g.profile);
  }
  if (!region) io.stderr.write('warning: no AWS region is configured; add "region" to the file or pass --region when you use it.\n');
  printJson(io, { stack, ...(region ? { region } : {}), ...settings });
  return 0;
}

/**
 * Before the first change: a dry run shows what will be created, adopted, changed or left
 * alone, in which account and region, and asks to go ahead. Nothing to do: no question.
 */
export async function planAndConfirm(session: Session, io: Io, prompts: PromptApi, allowReplace: boolean | undefined): Promise<boolean> {
  const { STEPS } = await import('../steps/index.js');
  const { results } = await apply(session.engine(() => undefined), { dryRun: true, allowReplace });
  // Nothing to do: no plan, no question (the run then reports every step unchanged).
  if (results.every((r) => r.action === 'no change')) return true;
  const { state, app } = session;
  const n = app.names;
  const names: Record<string, string | undefined> = {
    role: n.role,
    function: n.function,
    api: n.api,
    permission: n.permissionSid,
    method: 'GET /',
    deployment: `stage ${state.inputs.stage}`,
    userPool: n.userPool,
    domain: state.inputs.domainPrefix,
    resourceServer: state.inputs.resourceServerId,
    client: n.client,
    authorizer: n.authorizer,
    user: state.inputs.username,
  };
  const titles = Object.fromEntries(STEPS.map((s) => [s.key, s.title]));
  io.stderr.write('\n' + renderPlan(results, { stack: state.stack, accountId: state.accountId, region: state.region, endpoint: session.endpoint, titles, names, allowReplace }, colorsFor(io)));
  // A replacement without --allow-replace: init refuses it before changing anything, and says why.
  if (results.some((r) => r.action === 'replace') && !allowReplace) return true;
  return prompts.confirm({ message: `Go ahead in account ${state.accountId} (${state.region})?`, default: true });
}

// THE INPUT PIPELINE, one for init, plan, init --dry-run, init --print-config and the wizard:
// every given value checked (flags and the config file, all problems at once, exit 2), the state
// file, then the wizard's answers (init in a terminal) or --yes's defaults, merged with the same
// precedence everywhere: flags > config file > answers/defaults > recorded > built-in defaults.
import { defaultDomainPrefix, loadConfigFile, resolveInputs, validatePassword, valueProblems } from '../config/resolve.js';
import { settingsOf, type GivenValues, type RawInputs, type StackArgs } from '../config/fields.js';
import type { Inputs } from '../config/schema.js';
import { UsageError } from '../errors.js';
import type { Io } from '../ui/output.js';
import { askPassword, askStack, inquirerPrompts, isInteractive, printIntro, runWizard, yesDefaults, type PromptApi } from '../ui/prompts.js';
import { openLocal, type GlobalOpts, type LocalStack } from './context.js';

export const PASSWORD_ENV = 'COGNITO_SCOPE_SETUP_PASSWORD';

export interface GatheredInputs {
  /** The options with stack and region as decided (flag, config file, or wizard). */
  g: GlobalOpts;
  local: LocalStack;
  config?: GivenValues;
  /** Resolved and validated inputs. */
  inputs: Inputs & { domainPrefixGenerated: boolean };
  /** Set when the wizard may prompt (init on a terminal, no --no-input, not CI). */
  prompts?: PromptApi;
}

/** --invite and --no-user contradict each other: refused before anything else. */
export function flagsOf(o: StackArgs): RawInputs {
  if (o.invite && o.user === false) throw new UsageError(['--invite and --no-user: choose one (--invite creates the user, --no-user skips it)']);
  const { region: _r, endpointUrl: _e, stack: _s, ...flags } = settingsOf(o);
  return flags;
}

export async function gatherInputs<O extends StackArgs>(
  o: O,
  io: Io,
  flags: RawInputs = flagsOf(o),
  makePrompts: (io: Io) => Promise<PromptApi> = inquirerPrompts,
  { prompt = true }: { prompt?: boolean } = {},
): Promise<GatheredInputs> {
  // Every value given by flag or config file, each against its own rule, all reported together.
  const problems = valueProblems({ ...flags, stack: o.stack, region: o.region, endpointUrl: o.endpointUrl });
  let config: GivenValues | undefined;
  try {
    config = o.config ? loadConfigFile(o.config) : undefined;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    problems.push(...e.problems);
  }
  if (problems.length) throw new UsageError(problems);

  const prompts = prompt && isInteractive(o, io) ? await makePrompts(io) : undefined;
  const ask = prompts && !o.yes ? prompts : undefined;
  let stack = o.stack ?? config?.stack;
  const askedStack = ask !== undefined && stack === undefined;
  if (ask && stack === undefined) {
    printIntro(io);
    stack = await askStack(io, ask);
  }
  const g: GlobalOpts = { ...o, stack, region: o.region ?? config?.region };
  const local = await openLocal(g);
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
  // A generated prefix recorded in the state file stays a generated one unless a flag or the file sets it.
  if (local.recorded && !flags.domainPrefix && !config?.domainPrefix) inputs.domainPrefixGenerated = local.recorded.domainPrefixGenerated;
  return { g, local, config, inputs, prompts };
}

async function readStdin(io: Io): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of io.stdin as AsyncIterable<Buffer | string>) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/**
 * The user's password, before any AWS request: needed to create the user (a new --username is a
 * new user); when given anyway, it also repairs a user a crash left without one. From stdin
 * (--password-stdin), the environment, or the prompt; checked against the pool's policy.
 */
export async function readPassword(o: StackArgs, io: Io, got: GatheredInputs): Promise<string | undefined> {
  const { inputs, local, prompts } = got;
  if (inputs.userMode !== 'password') return undefined;
  const userRecorded = local.recorded?.resources.user?.id === inputs.username;
  if (userRecorded && !o.passwordStdin && io.env[PASSWORD_ENV] === undefined) return undefined;
  let password: string | undefined;
  if (o.passwordStdin) password = await readStdin(io);
  else if (io.env[PASSWORD_ENV] !== undefined) password = io.env[PASSWORD_ENV];
  // The user exists already: an empty stdin means "not needed this time".
  if (userRecorded && !password) return undefined;
  if (password === undefined && prompts) password = await askPassword(io, prompts, inputs.username!);
  if (password === undefined) {
    throw new UsageError([
      `--password-stdin: the password for user "${inputs.username}" is missing; pipe it in with --password-stdin, set ${PASSWORD_ENV}, or use --invite (Cognito e-mails a temporary password) or --no-user`,
    ]);
  }
  return validatePassword(password);
}

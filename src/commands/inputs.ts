// THE INPUT PIPELINE, one for init, plan, init --dry-run, init --print-config and the wizard:
// every given value checked (flags and the config file, all problems at once, exit 2), the state
// file, then the wizard's answers (init in a terminal) or --yes's defaults, merged with the same
// precedence everywhere: flags > config file > answers/defaults > recorded > built-in defaults.
import { loadConfigFile } from '../config/config-file.js';
import { defaultDomainPrefix, resolveInputs, validatePassword, valueProblems } from '../config/resolve.js';
import { settingsOf, type GivenValues, type RawInputs, type StackArgs } from '../config/fields.js';
import type { Inputs } from '../config/schema.js';
import { UsageError } from '../errors.js';
import type { Io } from '../ui/output.js';
import { askPassword, askStack, inquirerPrompts, isInteractive, printIntro, runWizard, yesDefaults, type PromptApi } from '../ui/prompts.js';
import type { GlobalOpts, LocalStack } from './context.js';

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

/** Flags that contradict each other: every pair named, refused before anything else (exit 2). */
export function flagContradictions(o: StackArgs): string[] {
  const out: string[] = [];
  const noUser = o.user === false;
  if (o.invite && noUser) out.push('--invite and --no-user: choose one (--invite creates the user, --no-user skips it)');
  if (noUser && o.username !== undefined) out.push(`--no-user and --username ${JSON.stringify(o.username)}: --no-user creates no user, so there is none to name; drop one of them`);
  if (noUser && o.email !== undefined) out.push(`--no-user and --email ${JSON.stringify(o.email)}: --no-user creates no user, so no e-mail address is used; drop one of them`);
  if (noUser && o.passwordStdin) out.push('--no-user and --password-stdin: --no-user creates no user, so no password is read; drop one of them');
  if (o.invite && o.passwordStdin) out.push('--invite and --password-stdin: with --invite Cognito e-mails a temporary password, so no password is read; drop one of them');
  return out;
}

/** The stack settings the flags give; contradictory flags are refused first. */
export function flagsOf(o: StackArgs): RawInputs {
  const problems = flagContradictions(o);
  if (problems.length) throw new UsageError(problems);
  const { region: _r, endpointUrl: _e, stack: _s, ...flags } = settingsOf(o);
  return flags;
}

/**
 * A config file against itself and against the flags: a user mode that makes another given value
 * meaningless (a file's "userMode": "none" with a "username"; --password-stdin with its "invite").
 * A flag that sets the user mode wins over the file, as every flag does.
 */
function configContradictions(o: StackArgs, flags: RawInputs, config: GivenValues | undefined, file: string): string[] {
  const mode = config?.userMode;
  if (!mode || mode === 'password' || flags.userMode !== undefined) return [];
  const at = `"userMode": "${mode}" in --config ${file}`;
  const out: string[] = [];
  if (mode === 'none') {
    for (const k of ['username', 'email'] as const) if (config[k] !== undefined) out.push(`--config ${file}: "userMode": "none" and "${k}": ${JSON.stringify(config[k])}: no user is created, so it is not used; drop one of them`);
    if (flags.username !== undefined) out.push(`--username ${JSON.stringify(flags.username)} and ${at}: no user is created; drop one of them (or pass --invite)`);
  }
  if (o.passwordStdin) out.push(`--password-stdin and ${at}: ${mode === 'none' ? 'no user is created' : 'Cognito e-mails a temporary password'}, so no password is read; drop one of them`);
  return out;
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
  problems.push(...configContradictions(o, flags, config, o.config ?? ''));
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
  const local = await (await import('./context.js')).openLocal(g);
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
  const inputs = resolveInputs({ flags: { ...flags, stack: local.stack }, config, answers, recorded: rec, domainDefault, configPath: o.config });
  // The user mode recorded in the state file (a flag or the file did not change it).
  if (o.passwordStdin && inputs.userMode !== 'password') {
    throw new UsageError([
      `--password-stdin: stack ${local.stack} ${inputs.userMode === 'none' ? 'has no user' : 'has an invited user'} (${rec?.userMode === inputs.userMode ? `recorded in ${local.stateFile}` : 'chosen in the wizard'}), so no password is read; drop it, or add a user with --username <name>`,
    ]);
  }
  // An environment variable is ambient (it may be exported for other runs): a warning, not a
  // refusal, and only once every setting is known to be good.
  if (io.env[PASSWORD_ENV] !== undefined && flags.userMode !== undefined && flags.userMode !== 'password') {
    io.stderr.write(`warning: ${PASSWORD_ENV} is set but not used: ${flags.userMode === 'none' ? '--no-user creates no user' : '--invite lets Cognito e-mail a temporary password'}.\n`);
  }
  // --code: read, zipped and checked (exists, 50 MB, the handler's file in it) before any request.
  if (inputs.code) {
    try {
      (await import('../steps/user-code.js')).userCode(inputs.code, inputs.runtime, inputs.handler);
    } catch (e) {
      throw (await import('./explain.js')).explain(e);
    }
  }
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

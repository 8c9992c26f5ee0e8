// `init`: create or resume the stack, then print what the user needs next.
import { validatePassword, type RawInputs } from '../config/resolve.js';
import { apply, EngineFailure } from '../engine/engine.js';
import { UsageError } from '../errors.js';
import { printJson, processIo, type Io } from '../ui/output.js';
import { createReporter } from '../ui/reporter.js';
import { openSession, outputsOf, type GlobalOpts } from './context.js';
import { failureResult } from './render.js';
import { gatherInputs, planAndConfirm, printConfig } from './init-wizard.js';
import { guardInterrupts, interruptedResult, skippedNotFailed } from './interrupt.js';
import { askPassword } from '../ui/prompts.js';
import { renderSummary, stdoutColors } from '../ui/summary.js';

export interface InitOpts extends GlobalOpts {
  config?: string;
  runtime?: string;
  endpointType?: string;
  stage?: string;
  domainPrefix?: string;
  resourceServerId?: string;
  scope?: string[];
  callbackUrl?: string[];
  username?: string;
  email?: string;
  passwordStdin?: boolean;
  invite?: boolean;
  /** --no-user sets this to false. */
  user?: boolean;
  allowReplace?: boolean;
  /** Print the resolved settings as a --config file and stop (no AWS call, no state file). */
  printConfig?: boolean;
  callbackPort?: string;
  m2mClient?: boolean;
}

export const PASSWORD_ENV = 'COGNITO_SCOPE_SETUP_PASSWORD';

async function readStdin(io: Io): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of io.stdin as AsyncIterable<Buffer | string>) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function flagsOf(o: InitOpts): RawInputs {
  if (o.invite && o.user === false) throw new UsageError(['--invite and --no-user: choose one (--invite creates the user, --no-user skips it)']);
  return {
    runtime: o.runtime,
    endpointType: o.endpointType,
    stage: o.stage,
    domainPrefix: o.domainPrefix,
    resourceServerId: o.resourceServerId,
    scopes: o.scope,
    callbackUrls: o.callbackUrl,
    username: o.username,
    email: o.email,
    userMode: o.user === false ? 'none' : o.invite ? 'invite' : undefined,
    loopbackPort: o.callbackPort,
    m2mClient: o.m2mClient,
  };
}

export async function runInit(o: InitOpts, io: Io = processIo()): Promise<number> {
  // 1. Everything local, before any AWS request.
  // Flags and config file checked (all problems at once), then the wizard on a terminal, or --yes's defaults.
  const flags = flagsOf(o);
  const { g, local, config, inputs, prompts } = await gatherInputs(o, io, flags);
  if (o.printConfig) return printConfig(io, g, local, inputs);
  let password: string | undefined;
  // A recorded user under another name is replaced: the new one needs its password like any new user.
  const userRecorded = local.recorded?.resources.user?.id === inputs.username;
  // Needed to create the user; when given anyway, it also repairs a user a crash left without one.
  if (inputs.userMode === 'password' && (!userRecorded || o.passwordStdin || io.env[PASSWORD_ENV] !== undefined)) {
    if (o.passwordStdin) password = await readStdin(io);
    else if (io.env[PASSWORD_ENV] !== undefined) password = io.env[PASSWORD_ENV];
    // The user exists already: an empty stdin means "not needed this time".
    if (userRecorded && !password) password = undefined;
    if (password === undefined && prompts && !userRecorded) password = await askPassword(io, prompts, inputs.username!);
    if (password === undefined && !userRecorded) {
      throw new UsageError([
        `--password-stdin: the password for user "${inputs.username}" is missing; pipe it in with --password-stdin, set ${PASSWORD_ENV}, or use --invite (Cognito e-mails a temporary password) or --no-user`,
      ]);
    }
    if (password !== undefined) password = validatePassword(password);
  }

  if (inputs.m2mClient && !local.recorded?.resources.m2mClient) {
    const { M2M_BILLING_WARNING } = await import('../steps/m2m-client.js');
    io.stderr.write(M2M_BILLING_WARNING + '\n');
  }

  // 2. AWS.
  const reporter = await createReporter(io);
  const session = await openSession(g, local, { flags, config, resolved: inputs, lock: true, writeState: true, password });
  try {
    reporter.info(`Stack ${session.state.stack} in account ${session.state.accountId}, ${session.state.region}${session.endpoint ? ` (endpoint ${session.endpoint})` : ''}`);
    reporter.info(`State file: ${local.stateFile}`);
    // On a terminal: the plan, and nothing is created before the user says yes (--yes skips this).
    if (prompts && !o.yes) {
      let go: boolean;
      try {
        go = await planAndConfirm(session, io, prompts, o.allowReplace);
      } catch (e) {
        if (e instanceof EngineFailure) return failureResult(io, o, session, e, 'init');
        throw e;
      }
      if (!go) {
        io.stderr.write('Nothing was created or changed.\n');
        return 1;
      }
    }
    await session.persist();
    let results;
    const interrupt = guardInterrupts((line) => reporter.warn(line));
    try {
      const engine = session.engine((e) => reporter.onEvent(skippedNotFailed(e)));
      results = (await apply({ ...engine, steps: interrupt.wrap(engine.steps) }, { allowReplace: o.allowReplace })).results;
    } catch (e) {
      reporter.stop();
      if (e instanceof EngineFailure && interrupt.requested) {
        await session.persist();
        return interruptedResult(io, o.json, { stack: session.state.stack, stateFile: local.stateFile, results: e.results });
      }
      if (e instanceof EngineFailure) {
        // A refused replacement changed nothing: keep the state file's inputs as they were.
        if ((e.cause as { code?: string })?.code === 'REPLACE_NEEDED' && local.recorded) {
          session.state.inputs = local.recorded.inputs;
          session.state.domainPrefixGenerated = local.recorded.domainPrefixGenerated;
          await session.persist();
        }
        return failureResult(io, o, session, e, 'init');
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
    if (o.json) {
      printJson(io, { stack: session.state.stack, region: session.state.region, accountId: session.state.accountId, stateFile: local.stateFile, outputs, steps });
    } else {
      const changed = results.filter((r) => r.action !== 'unchanged').length;
      io.stdout.write(renderSummary(session.state, outputs, local.stateFile, { headline: changed === 0 ? 'Everything was already in place: nothing changed.' : undefined, c: stdoutColors(io) }));
    }
    return 0;
  } finally {
    reporter.stop();
    await session.release();
  }
}

// `init`: create or resume the stack, then print what the user needs next.
import { loadConfigFile, validatePassword, type RawInputs } from '../config/resolve.js';
import { apply, EngineFailure } from '../engine/engine.js';
import { UsageError } from '../errors.js';
import { isTty, printJson, processIo, type Io } from '../ui/output.js';
import { createReporter } from '../ui/reporter.js';
import { openLocal, openSession, outputsOf, type GlobalOpts } from './context.js';
import { failureResult, renderOutputs } from './render.js';

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
  const local = openLocal(o);
  const config = o.config ? loadConfigFile(o.config) : undefined;
  const flags = flagsOf(o);
  const { resolveInputs } = await import('../config/resolve.js');
  const inputs = resolveInputs({ flags: { ...flags, stack: local.stack }, config, recorded: local.recorded?.inputs });
  let password: string | undefined;
  const userRecorded = local.recorded?.resources.user !== undefined;
  // Needed to create the user; when given anyway, it also repairs a user a crash left without one.
  if (inputs.userMode === 'password' && (!userRecorded || o.passwordStdin || io.env[PASSWORD_ENV] !== undefined)) {
    if (o.passwordStdin) password = await readStdin(io);
    else if (io.env[PASSWORD_ENV] !== undefined) password = io.env[PASSWORD_ENV];
    // The user exists already: an empty stdin means "not needed this time".
    if (userRecorded && !password) password = undefined;
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
  const session = await openSession(o, local, { flags, config, lock: true, writeState: true, password });
  try {
    reporter.info(`Stack ${session.state.stack} in account ${session.state.accountId}, ${session.state.region}${session.endpoint ? ` (endpoint ${session.endpoint})` : ''}`);
    reporter.info(`State file: ${local.stateFile}`);
    await session.persist();
    let results;
    try {
      results = (await apply(session.engine((e) => reporter.onEvent(e)), { allowReplace: o.allowReplace })).results;
    } catch (e) {
      reporter.stop();
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
      io.stdout.write(renderOutputs(session.state, outputs, local.stateFile, changed === 0 ? 'Everything was already in place: nothing changed.' : undefined, isTty(io.stdout)));
    }
    return 0;
  } finally {
    reporter.stop();
    await session.release();
  }
}

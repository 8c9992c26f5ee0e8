// `token`: an access token carrying the custom scope(s). By default the user signs in to the
// hosted UI in a browser (authorization code with PKCE, loopback callback); with
// --client-credentials the M2M client asks for one itself. Prints the token, or with --json the
// token response and its decoded claims.
import { z } from 'zod';
import { explainAwsError } from '../aws/errors.js';
import { validate } from '../config/resolve.js';
import { DEFAULT_LOOPBACK_PORT, loopbackCallbackUrl, loopbackPort, type Inputs } from '../config/schema.js';
import { CliError, StateError, UsageError } from '../errors.js';
import { openBrowser } from '../oauth/browser.js';
import { decodeClaims, summarizeClaims } from '../oauth/jwt.js';
import { authorizationCodeFlow, clientCredentialsFlow, type TokenResponse } from '../oauth/token-client.js';
import type { State } from '../state/schema.js';
import { printJson, processIo, type Io } from '../ui/output.js';
import { openLocal, openSession, outputsOf, type GlobalOpts, type LocalStack, type Outputs } from './context.js';

export interface FlowOpts extends GlobalOpts {
  clientCredentials?: boolean;
  scope?: string[];
  callbackPort?: string;
  timeout?: string;
  /** --no-browser sets this to false. */
  browser?: boolean;
}

export const DEFAULT_TIMEOUT_SECONDS = 300;
const STANDARD_SCOPES = new Set(['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin']);

export interface FlowSettings {
  port: number;
  timeoutMs: number;
  /** Scopes asked for explicitly (--scope), else undefined. */
  scopes?: string[];
}

/** Validate the flow flags (exit 2 before any request). */
export function flowSettings(o: FlowOpts, inputs: Inputs): FlowSettings {
  const shape = z.object({
    callbackPort: loopbackPort.optional(),
    timeout: z.coerce.number({ error: 'must be a number of seconds' }).positive('must be more than 0 seconds').max(3600, 'must be at most 3600 seconds').optional(),
    scope: z.array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'must be a scope name such as read.helloworld.message or <resource server>/<scope>')).optional(),
  });
  const v = validate(shape, { callbackPort: o.callbackPort, timeout: o.timeout, scope: o.scope }, { callbackPort: '--callback-port', timeout: '--timeout', scope: '--scope' });
  const scopes = v.scope?.map((s) => (s.includes('/') || STANDARD_SCOPES.has(s) ? s : `${inputs.resourceServerId}/${s}`));
  return { port: v.callbackPort ?? inputs.loopbackPort ?? DEFAULT_LOOPBACK_PORT, timeoutMs: (v.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000, scopes };
}

/** The local stack with a state file whose hosted UI and client exist. */
export function requireStack(o: GlobalOpts, command: string): LocalStack & { recorded: State; outputs: Outputs } {
  const local = openLocal(o);
  if (!local.recorded) {
    throw new StateError(`No state file for stack "${local.stack}" at ${local.stateFile}.`, `Run init first (or pass --stack / --state for an existing stack), then ${command}.`, 'NO_STATE');
  }
  const outputs = outputsOf(local.recorded);
  if (!outputs.tokenUrl || !outputs.clientId || !outputs.userPoolId) {
    throw new StateError(`Stack "${local.stack}" has no hosted UI domain or app client yet.`, `Run init --stack ${local.stack} to finish it, then ${command}.`, 'INCOMPLETE_STACK');
  }
  return { ...local, recorded: local.recorded, outputs };
}

export const m2mClientIdOf = (state: State): string | undefined => state.resources.m2mClient?.id as string | undefined;

export function requireM2m(state: State, flag = '--client-credentials'): string {
  const id = m2mClientIdOf(state);
  if (!id) {
    throw new UsageError([
      `${flag}: stack "${state.stack}" has no machine-to-machine app client; create one with init --stack ${state.stack} --m2m-client (Cognito bills M2M clients monthly)`,
    ]);
  }
  return id;
}

/** A live session (no lock) that can read the app clients' secrets from Cognito. */
export async function openSecrets(o: GlobalOpts, local: LocalStack) {
  const session = await openSession(o, local, { lock: false, writeState: false });
  const poolId = session.state.resources.userPool?.id as string;
  return {
    session,
    async client(clientId: string) {
      const { DescribeUserPoolClientCommand } = await import('@aws-sdk/client-cognito-identity-provider');
      const cognito = await session.aws.cognito();
      try {
        const c = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient;
        if (!c) throw new Error(`app client ${clientId} not found`);
        return c;
      } catch (e) {
        if ((e as { name?: string }).name === 'ResourceNotFoundException') {
          throw new CliError('CLIENT_MISSING', `App client ${clientId} of stack "${session.state.stack}" no longer exists.`, `Run init --stack ${session.state.stack} to recreate it.`, 1, { cause: e });
        }
        throw explainAwsError(e, { endpoint: session.endpoint, profile: o.profile, region: session.state.region });
      }
    },
    release: () => session.release(),
  };
}
export type Secrets = Awaited<ReturnType<typeof openSecrets>>;

/** Sign in through the hosted UI: browser (where one exists) or the printed URL, loopback callback. */
export async function userToken(io: Io, o: FlowOpts, stack: { outputs: Outputs; recorded: State }, secrets: Secrets, settings: FlowSettings): Promise<TokenResponse> {
  const { outputs } = stack;
  const client = await secrets.client(outputs.clientId!);
  const redirectUri = loopbackCallbackUrl(settings.port);
  if (!(client.CallbackURLs ?? []).includes(redirectUri)) {
    throw new CliError(
      'CALLBACK_NOT_REGISTERED',
      `${redirectUri} is not a callback URL of app client ${outputs.clientId}, so the hosted UI would refuse the sign-in.`,
      `Run init --stack ${stack.recorded.stack}${settings.port === DEFAULT_LOOPBACK_PORT ? '' : ` --callback-port ${settings.port}`} to register it (or use the port it registered).`,
    );
  }
  if (!(client.AllowedOAuthFlows ?? []).includes('code')) {
    throw new CliError('CODE_FLOW_OFF', `App client ${outputs.clientId} does not allow the authorization-code flow.`, `Run init --stack ${stack.recorded.stack} to converge it.`);
  }
  const scopes = settings.scopes ?? ['openid', ...outputs.scopes];
  return authorizationCodeFlow({
    authorizeUrl: outputs.authorizeUrl!,
    tokenUrl: outputs.tokenUrl!,
    client: { clientId: outputs.clientId!, clientSecret: client.ClientSecret },
    scopes,
    port: settings.port,
    timeoutMs: settings.timeoutMs,
    present: async (url) => {
      const opened = o.browser === false ? false : await openBrowser(url, io.env);
      io.stderr.write(
        `${opened ? 'Opened the hosted UI in your browser; if it did not appear, open' : 'Open'} this URL and sign in${stack.outputs.username ? ` (user ${stack.outputs.username})` : ''}:\n` +
          `  ${url}\n` +
          `Waiting up to ${Math.round(settings.timeoutMs / 1000)} s for the redirect to ${redirectUri} ...\n`,
      );
    },
  });
}

/** client_credentials with the M2M client, for the given scopes (default: the stack's custom scopes). */
export async function m2mToken(stack: { outputs: Outputs; recorded: State }, secrets: Secrets, scopes?: string[]): Promise<TokenResponse> {
  const id = requireM2m(stack.recorded);
  const client = await secrets.client(id);
  return clientCredentialsFlow(stack.outputs.tokenUrl!, { clientId: id, clientSecret: client.ClientSecret }, scopes ?? stack.outputs.scopes);
}

export function describeToken(grant: string, t: TokenResponse) {
  const claims = summarizeClaims(decodeClaims(t.access_token));
  return {
    grant,
    token_type: t.token_type,
    expires_in: t.expires_in,
    access_token: t.access_token,
    ...(t.id_token ? { id_token: t.id_token } : {}),
    ...(t.refresh_token ? { refresh_token: t.refresh_token } : {}),
    claims,
    ...(t.id_token ? { idTokenClaims: summarizeClaims(decodeClaims(t.id_token)) } : {}),
  };
}

export async function runToken(o: FlowOpts, io: Io = processIo()): Promise<number> {
  const stack = requireStack(o, 'token');
  const settings = flowSettings(o, stack.recorded.inputs);
  if (o.clientCredentials) requireM2m(stack.recorded);
  const secrets = await openSecrets(o, stack);
  try {
    const grant = o.clientCredentials ? 'client_credentials' : 'authorization_code';
    const t = o.clientCredentials ? await m2mToken(stack, secrets, settings.scopes) : await userToken(io, o, stack, secrets, settings);
    const doc = describeToken(grant, t);
    io.stderr.write(`Access token (${grant}): scope "${doc.claims.scope ?? ''}", client ${doc.claims.client_id ?? '?'}, expires ${doc.claims.expiresAt ?? '?'}.\n`);
    if (o.json) printJson(io, doc);
    else io.stdout.write(t.access_token + '\n');
    return 0;
  } finally {
    await secrets.release();
  }
}

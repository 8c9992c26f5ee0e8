// How token and verify get a token: the flow flags checked, the hosted-UI sign-in (authorization
// code with PKCE, loopback callback) and the M2M client's client_credentials grant.
import { validateFields } from '../config/resolve.js';
import { TOKEN_FIELDS, type ArgsOf } from '../config/fields.js';
import { DEFAULT_LOOPBACK_PORT, loopbackCallbackUrl, type Inputs } from '../config/schema.js';
import { CliError, UsageError } from '../errors.js';
import { openBrowser } from '../oauth/browser.js';
import { decodeClaims, summarizeClaims } from '../oauth/jwt.js';
import { authorizationCodeFlow, clientCredentialsFlow, type TokenResponse } from '../oauth/token-client.js';
import type { State } from '../state/schema.js';
import type { Io } from '../ui/output.js';
import type { Outputs } from './context.js';
import type { Secrets } from './kernel.js';

export type FlowOpts = ArgsOf<typeof TOKEN_FIELDS>;

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
  const v = validateFields(TOKEN_FIELDS, o) as { callbackPort?: number; timeout?: number; scope?: string[] };
  const scopes = v.scope?.map((s) => (s.includes('/') || STANDARD_SCOPES.has(s) ? s : `${inputs.resourceServerId}/${s}`));
  return { port: v.callbackPort ?? inputs.loopbackPort ?? DEFAULT_LOOPBACK_PORT, timeoutMs: (v.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000, scopes };
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

/** Sign in through the hosted UI: browser (where one exists) or the printed URL, loopback callback. */
export async function userToken(io: Io, o: { browser?: boolean }, stack: { outputs: Outputs; recorded: State }, secrets: Secrets, settings: FlowSettings): Promise<TokenResponse> {
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


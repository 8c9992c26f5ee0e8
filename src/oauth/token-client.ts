// The OAuth 2.0 token endpoint of the Cognito domain, and the two flows `token` and `verify` use:
// authorization code with PKCE through the hosted UI and a loopback callback, and
// client_credentials for the M2M client. Clients authenticate with HTTP Basic (as Postman's
// "Send as Basic Auth header" does).
import { CliError } from '../errors.js';
import { startCallbackServer } from './callback-server.js';
import { oauthState, pkcePair } from './pkce.js';
import { untilLive, type UntilLiveOptions } from './propagation.js';

export interface TokenResponse {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
}

export interface ClientCredentials {
  clientId: string;
  clientSecret?: string;
}

type FetchLike = typeof fetch;

export function basicAuthorization(c: ClientCredentials): string {
  return `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret ?? ''}`).toString('base64')}`;
}

/** What the token endpoint's error codes usually mean for this stack. */
export function tokenErrorHint(error: string, grant: string): string {
  switch (error) {
    case 'invalid_client':
      return 'The client id or secret was refused: the app client may have been replaced or deleted. Run status, then init.';
    case 'invalid_scope':
      return 'A requested scope is not defined on the resource server or not allowed on the app client (scope missing on the client). Run init to converge both.';
    case 'unauthorized_client':
      return grant === 'client_credentials'
        ? 'The client is not allowed the client_credentials flow: it must be the M2M client that init --m2m-client creates.'
        : 'The client is not allowed the authorization-code flow. Run init to converge the app client.';
    case 'invalid_grant':
      return grant === 'authorization_code'
        ? 'The authorization code was refused (expired, used twice, or the redirect URI or PKCE verifier did not match). Run the command again.'
        : 'The grant was refused: a requested scope is not on the M2M client. Run init to converge it.';
    case 'unsupported_grant_type':
      return 'The app client does not allow this grant. Run init to converge the app clients.';
    default:
      return 'Check the app client with status, then run init to converge it.';
  }
}

/** A network failure reaching the hosted UI domain: most often a domain that is not live yet. */
export function unreachable(url: string, e: unknown): CliError {
  const cause = (e as { cause?: { code?: string } })?.cause;
  const code = cause?.code ?? (e as NodeJS.ErrnoException)?.code ?? (e as Error)?.name;
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  })();
  return new CliError(
    'DOMAIN_UNREACHABLE',
    `Could not reach ${host} (${code ?? (e as Error)?.message ?? 'network error'}).`,
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? 'The Cognito domain is not live yet (a new domain can take a minute to answer), or it was deleted: wait a minute and try again, or run status.'
      : 'Check your network connection (and --endpoint-url for an emulator), then try again.',
    1,
    { cause: e },
  );
}

/** POST to the token endpoint; a non-2xx answer becomes a CliError naming the OAuth error and its likely cause. */
export async function requestToken(tokenUrl: string, client: ClientCredentials, params: Record<string, string>, fetchImpl: FetchLike = fetch, live: UntilLiveOptions = {}): Promise<TokenResponse> {
  const post = async (): Promise<Response | { error: unknown }> => {
    try {
      return await fetchImpl(tokenUrl, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
          ...(client.clientSecret !== undefined ? { Authorization: basicAuthorization(client) } : {}),
        },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      return { error };
    }
  };
  // A new domain does not resolve, or answers 404, for up to a minute: wait that out.
  const got = await untilLive(post, (r) => {
    if ('error' in r) {
      const code = (r.error as { cause?: { code?: string } })?.cause?.code;
      return code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'the Cognito domain does not resolve yet' : undefined;
    }
    return r.status === 404 ? 'the Cognito domain answers 404 (not live yet)' : undefined;
  }, live);
  if ('error' in got) throw unreachable(tokenUrl, got.error);
  const res = got;
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* not JSON: reported below */
  }
  if (!res.ok || typeof body.access_token !== 'string') {
    const error = typeof body.error === 'string' ? body.error : `HTTP ${res.status}`;
    const desc = typeof body.error_description === 'string' ? ` (${body.error_description})` : '';
    throw new CliError('TOKEN_ERROR', `The token endpoint refused the ${params.grant_type} request: ${error}${desc}.`, tokenErrorHint(error, params.grant_type ?? ''));
  }
  return body as unknown as TokenResponse;
}

export function buildAuthorizeUrl(authorizeUrl: string, p: { clientId: string; redirectUri: string; scopes: string[]; state: string; codeChallenge: string }): string {
  const u = new URL(authorizeUrl);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('client_id', p.clientId);
  u.searchParams.set('redirect_uri', p.redirectUri);
  u.searchParams.set('scope', p.scopes.join(' '));
  u.searchParams.set('state', p.state);
  u.searchParams.set('code_challenge', p.codeChallenge);
  u.searchParams.set('code_challenge_method', 'S256');
  return u.toString();
}

export interface CodeFlowOptions {
  authorizeUrl: string;
  tokenUrl: string;
  client: ClientCredentials;
  scopes: string[];
  port: number;
  timeoutMs: number;
  /** Show the URL to the user (and open a browser where one exists). */
  present(url: string): void | Promise<void>;
  fetch?: FetchLike;
}

/** Authorization code with PKCE: loopback server, hosted UI in the browser, code exchange. */
export async function authorizationCodeFlow(o: CodeFlowOptions): Promise<TokenResponse> {
  const pkce = pkcePair();
  const state = oauthState();
  const server = await startCallbackServer({ port: o.port, expectedState: state, timeoutMs: o.timeoutMs });
  try {
    const url = buildAuthorizeUrl(o.authorizeUrl, { clientId: o.client.clientId, redirectUri: server.redirectUri, scopes: o.scopes, state, codeChallenge: pkce.challenge });
    await o.present(url);
    const code = await server.code;
    return await requestToken(
      o.tokenUrl,
      o.client,
      { grant_type: 'authorization_code', code, redirect_uri: server.redirectUri, code_verifier: pkce.verifier, client_id: o.client.clientId },
      o.fetch,
    );
  } finally {
    await server.close();
  }
}

export async function clientCredentialsFlow(tokenUrl: string, client: ClientCredentials, scopes: string[], fetchImpl?: FetchLike): Promise<TokenResponse> {
  return requestToken(tokenUrl, client, { grant_type: 'client_credentials', ...(scopes.length ? { scope: scopes.join(' ') } : {}) }, fetchImpl);
}

// `verify`: the tutorial's step 9 as checks against the deployed API, route by route. No token
// must get 401; an access token with the route's scopes must get 200 and "Hello World!" (2xx from
// your own --code); an ID token, and an access token without the route's scopes (from the M2M
// client, asked for every other scope), must be refused. Exit 0 only when every check that could
// run passed; a failed check names its likely cause.
import { routeId, routesOf, samplePath } from '../config/routes.js';
import { verifyNoAccessScope } from '../config/schema.js';
import { CliError, UsageError } from '../errors.js';
import { decodeClaims, scopesOf, type TokenClaims } from '../oauth/jwt.js';
import { untilLive, type UntilLiveOptions } from '../oauth/propagation.js';
import { unreachable } from '../oauth/token-client.js';
import type { ArgsOf, VERIFY_FIELDS } from '../config/fields.js';
import { colorsFor, type Io } from '../ui/output.js';
import type { Outputs, RouteOutput } from './context.js';
import { EXIT } from './exit-codes.js';
import { execute, type Handler, type Secrets } from './kernel.js';
import { flowSettings, m2mClientIdOf, m2mToken, requireM2m, userToken } from './oauth-flow.js';

export type VerifyOpts = ArgsOf<typeof VERIFY_FIELDS>;

export type CheckId = 'no-token' | 'access-token-with-scope' | 'id-token' | 'access-token-without-scope';

export interface Check {
  id: CheckId;
  /** The route checked: "GET /", "POST /messages". */
  route: string;
  title: string;
  expected: { status: number[]; body?: string };
  actual?: { status: number; body: string } | { error: string };
  result: 'pass' | 'fail' | 'skipped';
  /** Why it failed (likely cause), or why it was skipped. */
  cause?: string;
}

const TITLES: Record<CheckId, string> = {
  'no-token': 'a request without a token is refused',
  'access-token-with-scope': 'an access token with the scope gets 200 and "Hello World!"',
  'id-token': 'an ID token is refused (scopes on the method accept access tokens only)',
  'access-token-without-scope': 'an access token without the scope is refused',
};
const EXPECTED: Record<CheckId, Check['expected']> = {
  'no-token': { status: [401] },
  'access-token-with-scope': { status: [200], body: 'Hello World!' },
  'id-token': { status: [401] },
  'access-token-without-scope': { status: [401, 403] },
};
const HELLO = 'Hello World!';

const REDEPLOY = 'run init (it redeploys the stage after any change to the method or authorizer)';
/** With --code the function is the user's: any 2xx is its answer. */
const OWN_CODE: Check['expected'] = { status: [200, 201, 202, 204] };

/** The likely cause of a failed check, from the status, the body and the token's claims. */
export function likelyCause(id: CheckId, status: number, body: string, claims: TokenClaims | undefined, requiredScopes: string[], route = 'GET /'): string {
  if (status === 403 && /Missing Authentication Token/i.test(body)) {
    return `${route} is not deployed at this URL: the stage was not (re)deployed, or the invoke URL lacks the trailing /<stage>/ — ${REDEPLOY}`;
  }
  if (status === 500 && id !== 'no-token') {
    return 'API Gateway could not call the Lambda: the Lambda permission for apigateway.amazonaws.com is missing or has the wrong SourceArn (or the authorizer is misconfigured) — run status, then init';
  }
  if (status === 502) return 'the Lambda ran but failed or returned a malformed proxy response — check its CloudWatch logs';
  if (status === 429) return 'API Gateway throttled the request — try again in a moment';
  switch (id) {
    case 'no-token':
      return status === 200
        ? `${route} does not use the Cognito authorizer on the deployed stage: the stage was not redeployed after the authorizer was added — ${REDEPLOY}`
        : `unexpected status ${status} — run status`;
    case 'access-token-with-scope': {
      if (status >= 200 && status < 300) return `the body is not "${HELLO}": the integration calls another function — run status, then init`;
      if (status !== 401 && status !== 403) return `unexpected status ${status} — run status`;
      if (claims?.token_use === 'id') return 'an ID token was sent instead of an access token: with scopes on the method, API Gateway accepts only access tokens';
      if (typeof claims?.exp === 'number' && claims.exp * 1000 <= Date.now()) return `the token expired at ${new Date(claims.exp * 1000).toISOString()} — get a new one`;
      const granted = claims ? scopesOf(claims) : [];
      if (claims && !requiredScopes.some((s) => granted.includes(s))) {
        return `the token's scope claim ("${granted.join(' ')}") lacks ${requiredScopes.join(' or ')}: the scope is missing on the app client or was not requested — run init, then ask for the scope`;
      }
      return `the authorizer refused a token that carries the scope: it was issued by another user pool, or the stage was not redeployed after the authorizer or scopes changed — ${REDEPLOY}`;
    }
    case 'id-token':
    case 'access-token-without-scope':
      return status >= 200 && status < 300
        ? `the method accepts tokens without the scope: authorizationScopes is missing on ${route}, or the stage was not redeployed after adding it — ${REDEPLOY}`
        : `unexpected status ${status} — run status`;
  }
}

async function call(url: string, token: string | undefined, method: string): Promise<{ status: number; body: string }> {
  // The bare token in Authorization, as AWS documents for Cognito authorizers. ANY is called with GET.
  const m = method === 'ANY' ? 'GET' : method;
  const body = ['POST', 'PUT', 'PATCH'].includes(m) ? '{}' : undefined;
  const headers: Record<string, string> = { ...(token ? { Authorization: token } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) };
  const res = await fetch(url, { method: m, headers, body, signal: AbortSignal.timeout(30_000), redirect: 'manual' });
  return { status: res.status, body: (await res.text()).slice(0, 500) };
}

/** Answers that mean "not live yet" right after init: a new stage (403 Missing Authentication Token), a permission not yet in force (500), a 404. */
export function notLiveYet(a: { status: number; body: string }, route = 'GET /'): string | undefined {
  if (a.status === 403 && /Missing Authentication Token/i.test(a.body)) return `the stage does not serve ${route} yet (403 Missing Authentication Token)`;
  if (a.status === 404) return 'the API answers 404';
  if (a.status === 500 || a.status === 503) return `the API answers ${a.status} (a new Lambda permission can take a moment)`;
  return undefined;
}

/** One route under test: where, how, what it demands, and whether the function is the tutorial's. */
interface Target {
  route: string;
  method: string;
  url: string;
  scopes: string[];
  ownCode: boolean;
}

const expectedOf = (id: CheckId, t: Target): Check['expected'] => (id === 'access-token-with-scope' && t.ownCode ? OWN_CODE : EXPECTED[id]);
const titleOf = (id: CheckId, t: Target): string => (id === 'access-token-with-scope' && t.ownCode ? "an access token with the route's scopes gets 2xx from your function" : TITLES[id]);

async function runCheck(id: CheckId, t: Target, token: string | undefined, live: UntilLiveOptions = {}): Promise<Check> {
  const expected = expectedOf(id, t);
  const base = { id, route: t.route, title: titleOf(id, t), expected };
  let actual: { status: number; body: string };
  try {
    // Through the documented propagation windows first; what is still wrong after them is a failure.
    actual = await untilLive(() => call(t.url, token, t.method), (a) => (expected.status.includes(a.status) ? undefined : notLiveYet(a, t.route)), live);
  } catch (e) {
    const err = unreachable(t.url, e);
    return { ...base, actual: { error: err.message }, result: 'fail', cause: `the API did not answer — ${err.hint}` };
  }
  const ok = expected.status.includes(actual.status) && (!expected.body || actual.body.includes(expected.body));
  if (ok) return { ...base, actual, result: 'pass' };
  let claims: TokenClaims | undefined;
  try {
    claims = token ? decodeClaims(token) : undefined;
  } catch {
    claims = undefined;
  }
  return { ...base, actual, result: 'fail', cause: likelyCause(id, actual.status, actual.body, claims, t.scopes, t.route) };
}

const skipped = (id: CheckId, t: Target, cause: string): Check => ({ id, route: t.route, title: titleOf(id, t), expected: expectedOf(id, t), result: 'skipped', cause });
/**
 * A token failure verify reports as a failed check and goes on: any CliError but bad input (a
 * UsageError, which ends the run with exit 2 before a check is counted), and no unexpected error.
 */
export const reportedTokenFailure = (e: unknown): e is CliError => e instanceof CliError && !(e instanceof UsageError);
const tokenFailed = (id: CheckId, t: Target, e: CliError): Check => ({
  id,
  route: t.route,
  title: titleOf(id, t),
  expected: expectedOf(id, t),
  actual: { error: e.message },
  result: 'fail',
  cause: e.hint ? `no token could be had — ${e.hint}` : 'no token could be had',
});

/** The routes to check, each with a URL to call ({param} parts filled in). */
function targetsOf(outputs: Outputs, inputs: Parameters<typeof routesOf>[0] & { code?: string }, base: string): Target[] {
  const routes: RouteOutput[] = outputs.routes?.length ? outputs.routes : routesOf(inputs).map((r) => ({ ...r, scopes: outputs.scopes }));
  return routes.map((r) => ({ route: routeId({ method: r.method as 'GET', path: r.path }), method: r.method, url: base + samplePath(r.path).slice(1), scopes: r.scopes, ownCode: inputs.code !== undefined }));
}

async function readStdinToken(io: Io): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of io.stdin as AsyncIterable<Buffer | string>) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8').trim();
}

export const handler: Handler<VerifyOpts> = async (ctx) => {
  const { args: o, io } = ctx;
  // Local checks first: flags, state, the token on stdin (exit 2 before any request).
  const stack = ctx.recorded();
  const settings = flowSettings(o, stack.recorded.inputs);
  if (o.tokenStdin && o.clientCredentials) throw new UsageError(['--token-stdin and --client-credentials: choose one source for the access token']);
  if (o.clientCredentials) requireM2m(stack.recorded);
  let given: string | undefined;
  if (o.tokenStdin) {
    given = await readStdinToken(io);
    try {
      decodeClaims(given);
    } catch (e) {
      throw new UsageError([`--token-stdin: ${(e as Error).message}`]);
    }
  }
  const outputs: Outputs = stack.outputs;
  const url = outputs.invokeUrl;
  if (!url) throw new CliError('INCOMPLETE_STACK', `Stack "${stack.stack}" has no deployed API yet.`, `Run init --stack ${stack.stack}.`);
  const required = outputs.scopes;
  const targets = targetsOf(outputs, stack.recorded.inputs, url);

  // One propagation window for the whole run, from its first request.
  const live: UntilLiveOptions = { start: Date.now(), note: (m) => io.stderr.write(`${m}\n`) };
  const grant = o.tokenStdin ? 'stdin' : o.clientCredentials ? 'client_credentials' : 'authorization_code';
  let secrets: Secrets | undefined;
  // M2M tokens by the scopes asked for: the client holds every scope, so each gate gets its own.
  const m2m = new Map<string, Promise<string>>();
  const m2mFor = async (scopes: string[]): Promise<string> => {
    secrets ??= await ctx.secrets();
    const key = [...scopes].sort().join(' ');
    if (!m2m.has(key)) m2m.set(key, m2mToken(stack, secrets, scopes).then((t) => t.access_token));
    return m2m.get(key)!;
  };
  const noAccess = verifyNoAccessScope(stack.recorded.inputs);
  const checks: Check[] = [];
  let user: { access?: string; idToken?: string; error?: unknown } | undefined;
  for (const t of targets) {
    checks.push(await runCheck('no-token', t, undefined, live));
    // With the route's scopes: the token from stdin, the M2M client asked for exactly them, or the user (signed in once, every scope).
    let access = given;
    let idToken: string | undefined;
    try {
      if (!access && o.clientCredentials) access = await m2mFor(t.scopes);
      else if (!access) {
        if (!user) {
          secrets ??= await ctx.secrets();
          try {
            const tk = await userToken(io, o, stack, secrets, { ...settings, scopes: undefined });
            user = { access: tk.access_token, idToken: tk.id_token };
          } catch (e) {
            user = { error: e };
          }
        }
        if (user.error) throw user.error;
        access = user.access;
        idToken = user.idToken;
      }
    } catch (e) {
      if (!reportedTokenFailure(e)) throw e;
      checks.push(tokenFailed('access-token-with-scope', t, e));
    }
    if (access) checks.push(await runCheck('access-token-with-scope', t, access, live));
    checks.push(
      idToken
        ? await runCheck('id-token', t, idToken, live)
        : skipped('id-token', t, grant === 'authorization_code' ? 'no ID token was issued' : `the ${grant === 'stdin' ? 'token from stdin' : 'client_credentials grant'} gives no ID token; run verify without ${grant === 'stdin' ? '--token-stdin' : '--client-credentials'} to sign in as the user`),
    );
    if (m2mClientIdOf(stack.recorded)) {
      // Every scope but the route's (and the verify-only one, so the token is never scopeless).
      const others = [...required.filter((x) => !t.scopes.includes(x)), noAccess];
      try {
        checks.push(await runCheck('access-token-without-scope', t, await m2mFor(others), live));
      } catch (e) {
        if (!reportedTokenFailure(e)) throw e;
        checks.push(tokenFailed('access-token-without-scope', t, e));
      }
    } else {
      checks.push(skipped('access-token-without-scope', t, `no token without the scope can be had: init --stack ${stack.stack} --m2m-client adds a client that can ask for one (Cognito bills it monthly)`));
    }
  }

  const passed = checks.every((c) => c.result !== 'fail');
  const routes = targets.map((t) => {
    const mine = checks.filter((k) => k.route === t.route);
    return { route: t.route, url: t.url, scopes: t.scopes, passed: mine.every((k) => k.result !== 'fail'), checks: Object.fromEntries(mine.map((k) => [k.id, k.result])) };
  });
  const json = { stack: stack.stack, invokeUrl: url, grant, requiredScopes: required, passed, checks, routes };
  const c = colorsFor({ env: io.env, stderr: io.stdout });
  const several = targets.length > 1 || targets[0]?.route !== 'GET /';
  const lines = [several ? `Verify stack ${stack.stack}: ${targets.length} route${targets.length > 1 ? 's' : ''} at ${url}` : `Verify stack ${stack.stack}: GET ${url}`];
  for (const k of checks) {
    if (several && checks.find((x) => x.route === k.route) === k) {
      const t = targets.find((x) => x.route === k.route)!;
      lines.push(`${k.route}  (${t.url}; scopes: ${t.scopes.join(' or ')})`);
    }
    const mark = k.result === 'pass' ? c.green('PASS') : k.result === 'fail' ? c.red('FAIL') : c.yellow('SKIP');
    const got = k.actual ? ('error' in k.actual ? `error: ${k.actual.error}` : `got ${k.actual.status}${k.actual.body ? ` ${JSON.stringify(k.actual.body.slice(0, 80))}` : ''}`) : '';
    lines.push(`  ${mark}  ${k.title}: expected ${k.expected.status.join(' or ')}${got ? `, ${got}` : ''}`);
    if (k.cause) lines.push(`        ${k.result === 'fail' ? 'likely cause' : 'why'}: ${k.cause}`);
  }
  if (several) {
    lines.push('', 'Route by route:');
    const w = Math.max(...routes.map((r) => r.route.length));
    const cell = (r: string | undefined) => (r === 'pass' ? c.green('pass') : r === 'fail' ? c.red('FAIL') : c.yellow(r === 'skipped' ? 'skip' : '-   '));
    lines.push(`  ${'route'.padEnd(w)}  no token  with scope  ID token  without scope`);
    for (const r of routes) lines.push(`  ${r.route.padEnd(w)}  ${cell(r.checks['no-token'])}      ${cell(r.checks['access-token-with-scope'])}        ${cell(r.checks['id-token'])}      ${cell(r.checks['access-token-without-scope'])}`);
  }
  lines.push(passed ? 'All checks that could run passed.' : 'Some checks failed.');
  return { exit: passed ? EXIT.OK : EXIT.FAILED, json, text: lines.join('\n') + '\n' };
};

export const runVerify = async (o: VerifyOpts & { state?: string; json?: boolean }, io?: Io) => execute((await import('./registry.js')).VERIFY, o, io);

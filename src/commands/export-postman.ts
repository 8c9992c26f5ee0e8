// `export postman`: a Postman collection (v2.1) and environment that reproduce the tutorial's
// step 9: OAuth 2.0, grant type authorization code, authorize using the browser, the auth and
// access-token URLs, client id, the client secret as a *secret* variable in the environment only,
// the scope, client authentication as a Basic Auth header, and GET on the invoke URL.
import { createHash } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { TUTORIAL_CALLBACK } from '../config/schema.js';
import { UsageError } from '../errors.js';
import type { ArgsOf, POSTMAN_FIELDS } from '../config/fields.js';
import type { Io } from '../ui/output.js';
import { VERSION } from '../version.js';
import { EXIT } from './exit-codes.js';
import { execute, type Handler } from './kernel.js';

/** --no-secret sets `secret` to false: leave client_secret empty and make no AWS request. */
export type ExportPostmanOpts = ArgsOf<typeof POSTMAN_FIELDS>;

export const COLLECTION_SCHEMA = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';

export interface PostmanSettings {
  stack: string;
  region: string;
  accountId: string;
  invokeUrl: string;
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string;
  scopes: string[];
  /** The stack's own routes (--route): one request each, each asking for its scopes. Absent: the tutorial's GET /. */
  routes?: { method: string; path: string; scopes: string[] }[];
  /** The function is the user's (--code): a request expects 200, not "Hello World!". */
  ownCode?: boolean;
}

/** A stable UUID-shaped id per stack and kind, so a re-export writes the same files. */
function stableId(s: PostmanSettings, kind: string): string {
  const h = createHash('sha256').update(`${s.accountId}|${s.region}|${s.stack}|${kind}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The test script of a request: what `verify` checks for an access token with the scope, so
 * Postman's runner and newman report it (`newman run <collection> --env-var access_token=<token>`).
 */
export function testScript(expect: { status: number; body?: string }): string[] {
  const status = [`pm.test('status is ${expect.status}', function () {`, `  pm.response.to.have.status(${expect.status});`, '});'];
  if (expect.body === undefined) return status;
  return [
    ...status,
    `pm.test(${JSON.stringify(`body is ${JSON.stringify(expect.body)}`)}, function () {`,
    // The Lambda answers with a JSON string; compare the decoded text, and show the raw body on failure.
    `  var text = pm.response.text();`,
    `  var body; try { body = JSON.parse(text); } catch (e) { body = text; }`,
    `  pm.expect(body, text).to.eql(${JSON.stringify(expect.body)});`,
    '});',
  ];
}

/**
 * The OAuth 2.0 auth of every request: step 9's settings, and `{{access_token}}` as the current
 * token, so a runner can pass one (`--env-var access_token=...`) and Postman's "Use Token" fills it.
 */
function oauth2Auth(s: PostmanSettings, scope = '{{scope}}') {
  return {
    type: 'oauth2',
    oauth2: [
      { key: 'accessToken', value: '{{access_token}}', type: 'string' },
      { key: 'headerPrefix', value: 'Bearer', type: 'string' },
      { key: 'grant_type', value: 'authorization_code', type: 'string' },
      { key: 'useBrowser', value: true, type: 'boolean' },
      { key: 'redirect_uri', value: '{{callback_url}}', type: 'string' },
      { key: 'authUrl', value: '{{auth_url}}', type: 'string' },
      { key: 'accessTokenUrl', value: '{{access_token_url}}', type: 'string' },
      { key: 'clientId', value: '{{client_id}}', type: 'string' },
      { key: 'clientSecret', value: '{{client_secret}}', type: 'string' },
      { key: 'scope', value: scope, type: 'string' },
      { key: 'client_authentication', value: 'header', type: 'string' },
      { key: 'addTokenTo', value: 'header', type: 'string' },
      { key: 'tokenName', value: `${s.stack} access token`, type: 'string' },
    ],
  };
}

/** One request of the collection: a method on a URL (collection variables allowed), with its test script. */
export interface PostmanRequest {
  /** Distinguishes the item's stable id; keep it unchanged for the same request. */
  key: string;
  name: string;
  method: string;
  url: string;
  expect: { status: number; body?: string };
  /** The scopes its token asks for (default: the stack's, {{scope}}). */
  scope?: string;
}

/**
 * The requests of a stack: GET / on the invoke URL (tutorial step 9), or one per route (--route),
 * each asking for the route's scopes; a {param} becomes a Postman path variable (:param).
 */
export function requestsOf(s: PostmanSettings): PostmanRequest[] {
  const expect = s.ownCode ? { status: 200 } : { status: 200, body: 'Hello World!' };
  if (!s.routes) return [{ key: 'item', name: 'GET / (Hello World)', method: 'GET', url: '{{invoke_url}}', expect }];
  return s.routes.map((r) => ({
    key: `route ${r.method} ${r.path}`,
    name: `${r.method} ${r.path} (${r.scopes.map((x) => x.slice(x.lastIndexOf('/') + 1)).join(' or ')})`,
    method: r.method === 'ANY' ? 'GET' : r.method,
    url: `{{invoke_url}}${r.path.slice(1).replace(/\{([^}+]+)\+?\}/g, ':$1')}`,
    expect,
    scope: r.scopes.join(' '),
  }));
}

/** The collection, built and serialized by Postman's own library (postman-collection). No secret in it. */
export async function buildCollection(s: PostmanSettings): Promise<Record<string, unknown>> {
  const { Collection } = (await import('postman-collection')).default;
  const variables: [string, string][] = [
    ['invoke_url', s.invokeUrl],
    ['auth_url', s.authorizeUrl],
    ['access_token_url', s.tokenUrl],
    ['client_id', s.clientId],
    ['scope', s.scopes.join(' ')],
    ['callback_url', TUTORIAL_CALLBACK],
    // Empty here: "Use Token" in Postman, or --env-var access_token=... with newman, sets it.
    ['access_token', ''],
  ];
  const requests = requestsOf(s);
  const collection = new Collection({
    info: {
      id: stableId(s, 'collection'),
      name: `${s.stack}: Cognito custom scope (cognito-scope-setup)`,
      schema: COLLECTION_SCHEMA,
      description: `${s.routes ? s.routes.map((r) => `${r.method} ${r.path}`).join(', ') : 'GET /'} on the ${s.stack} API with an OAuth 2.0 access token carrying ${s.routes ? 'the scopes of each route' : s.scopes.join(' ')}. Import the environment file too: it holds client_secret. Authorization tab: Get New Access Token, sign in, Use Token, Send. From a terminal: newman run <this file> --env-var access_token="$(npx cognito-scope-setup token --stack ${s.stack})".`,
    } as never,
    variable: variables.map(([key, value]) => ({ key, value, type: 'string' })),
    item: requests.map((r) => ({
      id: stableId(s, r.key),
      name: r.name,
      request: { method: r.method, url: r.url, auth: oauth2Auth(s, r.scope) },
      event: [{ id: stableId(s, `${r.key}-test`), listen: 'test', script: { id: stableId(s, `${r.key}-test-script`), type: 'text/javascript', exec: testScript(r.expect) } }],
    })),
  } as never);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the collection's JSON, patched field by field below
  const json = collection.toJSON() as Record<string, any>;
  // The library writes the URL as parts only; Postman also reads `raw`.
  requests.forEach((r, i) => {
    const item = json.item?.[i];
    if (item?.request?.url && typeof item.request.url === 'object') item.request.url = { raw: r.url, ...item.request.url };
  });
  return json;
}

/** The environment: client_secret as a Postman secret variable (empty when not exported). */
export function buildEnvironment(s: PostmanSettings, clientSecret: string | undefined): Record<string, unknown> {
  return {
    id: stableId(s, 'environment'),
    name: `${s.stack} (cognito-scope-setup)`,
    values: [{ key: 'client_secret', value: clientSecret ?? '', type: 'secret', enabled: true }],
    _postman_variable_scope: 'environment',
    _postman_exported_using: `cognito-scope-setup/${VERSION}`,
  };
}

export const handler: Handler<ExportPostmanOpts> = async (ctx) => {
  const { args: o, io } = ctx;
  const stack = ctx.recorded();
  const out = stack.outputs;
  if (!out.invokeUrl || !out.authorizeUrl) throw new UsageError([`--stack ${stack.stack}: the stack has no deployed API or hosted UI yet; run init first`]);
  const dir = resolve(o.outDir ?? '.');
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError([`--out-dir ${JSON.stringify(o.outDir)}: is a file, not a directory`]);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError([`--out-dir ${JSON.stringify(o.outDir)}: cannot be used (${(e as NodeJS.ErrnoException).code})`]);
    mkdirSync(dir, { recursive: true });
  }
  const settings: PostmanSettings = {
    stack: stack.stack,
    region: stack.recorded.region,
    accountId: stack.recorded.accountId,
    invokeUrl: out.invokeUrl,
    authorizeUrl: out.authorizeUrl,
    tokenUrl: out.tokenUrl!,
    clientId: out.clientId!,
    scopes: out.scopes,
    ...(out.routes ? { routes: out.routes } : {}),
    ...(stack.recorded.inputs.code ? { ownCode: true } : {}),
  };
  if (!stack.recorded.inputs.callbackUrls.includes(TUTORIAL_CALLBACK)) {
    io.stderr.write(`warning: the app client does not list ${TUTORIAL_CALLBACK}, Postman's callback for "Authorize using browser"; add it with init --callback-url ${TUTORIAL_CALLBACK} (keep your other --callback-url values).\n`);
  }
  let secret: string | undefined;
  if (o.secret !== false) {
    secret = (await (await ctx.secrets()).client(out.clientId!)).ClientSecret;
  }
  const collectionFile = join(dir, `${stack.stack}.postman_collection.json`);
  const environmentFile = join(dir, `${stack.stack}.postman_environment.json`);
  await writeFileAtomic(collectionFile, JSON.stringify(await buildCollection(settings), null, 2) + '\n', { mode: 0o644 });
  await writeFileAtomic(environmentFile, JSON.stringify(buildEnvironment(settings, secret), null, 2) + '\n', { mode: 0o600 });
  io.stderr.write(
    secret
      ? `The environment file holds the client secret (mode 0600): import it into Postman, do not commit it.\n`
      : `The environment's client_secret is empty (--no-secret): paste the secret into Postman, or export again without --no-secret.\n`,
  );
  io.stderr.write(`In Postman: import both files, select the environment, open "${requestsOf(settings)[0]!.name}", Authorization tab: Get New Access Token, sign in, Use Token, Send.\n`);
  return { exit: EXIT.OK, json: { stack: stack.stack, collection: collectionFile, environment: environmentFile, secretIncluded: Boolean(secret) }, text: `${collectionFile}\n${environmentFile}\n` };
};

export const runExportPostman = async (o: ExportPostmanOpts & { state?: string; json?: boolean }, io?: Io) => execute((await import('./registry.js')).EXPORT_POSTMAN, o, io);

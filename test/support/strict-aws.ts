// The strict-AWS layer: sits in front of the emulator for the whole e2e suite (globalSetup starts
// it; every test's endpoint is this layer) and enforces what AWS does and ministack does not.
// Each rule cites the AWS document it comes from. It is a CountingProxy (proxy.ts) with hooks, so
// a test's own counting/fault proxy composes in front of it.
//
// Time: API Gateway's quota windows and the propagation delays are multiplied by a time scale, so
// that `npm test` stays fast: TIME_SCALE below is the one place it is set (CSS_STRICT_TIME_SCALE
// overrides it). An account can be given its own scale through the control API (POST
// /_strict/config {"account":"111122223333","timeScale":1}); test/e2e/real-aws.test.ts runs one
// account at the real scale (1: CreateRestApi once per 30 s) to show the scaled windows behave the same.
//
// A request that breaks AWS's model is refused the way AWS refuses it (a 400 validation error in
// the service's wire format, its message starting "strict-aws:") and recorded; globalSetup fails
// the run when any was recorded, so a violation can never pass unnoticed. GET /_strict/violations
// lists them.
import { decodeRequest, validateInput, type Decoded } from './aws-models.js';
import { startCountingProxy, type AwsRequest, type CountingProxy, type FakeResponse, type RawRequest } from './proxy.js';

/** The one place the time scale of simulated quotas and propagation delays is set. */
export const TIME_SCALE = Number(process.env.CSS_STRICT_TIME_SCALE ?? 0.05);

export const DOCS = {
  quotas: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html',
  iamPropagation: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency',
  lambdaRole: 'https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-deployment.html',
  deleteUserPool: 'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUserPool.html',
  putMethod: 'https://docs.aws.amazon.com/apigateway/latest/api/API_PutMethod.html',
  updateClient: 'https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserPoolClient.html',
  domain: 'https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-assign-domain-prefix.html',
  models: 'https://github.com/boto/botocore/tree/develop/botocore/data (the models AWS SDKs are generated from)',
} as const;

/** API Gateway's fixed control-plane quotas per account and region, in real seconds (DOCS.quotas). */
export const APIGW_WINDOWS_S = {
  CreateRestApiEdge: 30,
  CreateRestApiRegional: 3,
  DeleteRestApi: 30,
  CreateDeployment: 5,
} as const;
/** Operations allowed n per window of s seconds (DOCS.quotas); every operation together: 10 per second, burst 40. */
const RATE_WINDOWS: Readonly<Record<string, { perWindow: number; windowS: number }>> = {
  GetResources: { perWindow: 5, windowS: 2 },
  CreateResource: { perWindow: 5, windowS: 1 },
  DeleteResource: { perWindow: 5, windowS: 1 },
};
const OVERALL = { rate: 10, burst: 40 };
/** How long a new IAM role cannot be assumed by Lambda, in real seconds (AWS: usually seconds, sometimes more). */
export const IAM_PROPAGATION_S = 10;
/** How long a new hosted-UI domain answers 404, in real seconds (AWS: up to a minute). */
export const DOMAIN_WARMUP_S = 20;

export interface Violation {
  at: string;
  service: string;
  operation: string;
  problems: string[];
}

export interface StrictLayer {
  endpoint: string;
  proxy: CountingProxy;
  violations: Violation[];
  /** Rules that fired (not violations: AWS behaviours simulated), by rule name. */
  fired: Record<string, number>;
  close(): Promise<void>;
}

interface AccountState {
  timeScale: number;
  /** Last accepted call per quota key (ms). */
  last: Map<string, number>;
  /** Recent requests per operation of RATE_WINDOWS. */
  recent: Map<string, number[]>;
  tokens: number;
  tokensAt: number;
  roles: Map<string, number>;
  domains: Map<string, number>;
}

const accountOf = (headers: RawRequest['headers']): string => {
  const key = /Credential=([^/]+)\//.exec(String(headers.authorization ?? ''))?.[1] ?? '';
  return /^\d{12}$/.test(key) ? key : '000000000000';
};
const regionOf = (headers: RawRequest['headers']): string => /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(headers.authorization ?? ''))?.[1] ?? 'us-east-1';

/** An AWS error answer in the wire format of the request's service. */
export function awsError(r: AwsRequest, status: number, type: string, message: string, headers: Record<string, string> = {}): FakeResponse {
  const requestId = `strict-${Math.random().toString(36).slice(2)}`;
  if (r.protocol === 'json') return { status, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId, ...headers }, body: JSON.stringify({ __type: type, message }) };
  if (r.protocol === 'query') {
    const esc = message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, ...headers }, body: `<ErrorResponse><Error><Type>Sender</Type><Code>${type}</Code><Message>${esc}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>` };
  }
  return { status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': requestId, ...headers }, body: JSON.stringify({ message, Message: message }) };
}

const VALIDATION_TYPE: Record<string, string> = { 'cognito-idp': 'InvalidParameterException', logs: 'InvalidParameterException', iam: 'ValidationError', sts: 'ValidationError', lambda: 'ValidationException', apigateway: 'BadRequestException' };

/** What AWS resets an UpdateUserPoolClient member to when the request leaves it out (DOCS.updateClient), in the emulator's storage. */
const CLIENT_RESET: Record<string, unknown> = {
  RefreshTokenValidity: 30,
  AccessTokenValidity: null,
  IdTokenValidity: null,
  TokenValidityUnits: {},
  ReadAttributes: [],
  WriteAttributes: [],
  ExplicitAuthFlows: [],
  SupportedIdentityProviders: [],
  CallbackURLs: [],
  LogoutURLs: [],
  DefaultRedirectURI: null,
  AllowedOAuthFlows: [],
  AllowedOAuthScopes: [],
  AllowedOAuthFlowsUserPoolClient: false,
  AnalyticsConfiguration: null,
  PreventUserExistenceErrors: null,
  EnableTokenRevocation: true,
  EnablePropagateAdditionalUserContextData: false,
  AuthSessionValidity: 3,
};

export async function startStrictAws(upstream: string): Promise<StrictLayer> {
  const proxy = await startCountingProxy(upstream);
  const violations: Violation[] = [];
  const fired: Record<string, number> = {};
  const fire = (rule: string) => (fired[rule] = (fired[rule] ?? 0) + 1);
  const accounts = new Map<string, AccountState>();
  const scaleOverrides = new Map<string, number>();
  const account = (id: string, region: string): AccountState => {
    const key = `${id}/${region}`;
    let a = accounts.get(key);
    if (!a) {
      a = { timeScale: scaleOverrides.get(id) ?? TIME_SCALE, last: new Map(), recent: new Map(), tokens: OVERALL.burst, tokensAt: Date.now(), roles: new Map(), domains: new Map() };
      accounts.set(key, a);
    }
    return a;
  };
  /** Client id -> [account/region, pool id], learnt from the control plane's answers. */
  const clientPool = new Map<string, { acct: AccountState; poolId: string }>();
  /** Pool id -> its domain prefix. */
  const poolDomain = new Map<string, string>();

  /** Ask the emulator directly (a read the CLI did not make), signed like the request at hand. */
  const upstreamCall = async (raw: RawRequest, method: string, path: string, body?: string, target?: string): Promise<{ status: number; text: string }> => {
    const headers: Record<string, string> = { authorization: String(raw.headers.authorization ?? ''), 'content-type': target ? 'application/x-amz-json-1.1' : 'application/json' };
    if (target) headers['x-amz-target'] = target;
    const res = await fetch(new URL(path, upstream), { method, headers, body });
    return { status: res.status, text: await res.text() };
  };

  const throttle = (r: AwsRequest, a: AccountState, quota: string, perS: number, retryAfterMs: number, operation = r.operation): FakeResponse => {
    fire(`quota:${operation}`);
    const seconds = Math.max(0.05, retryAfterMs / 1000);
    // AWS sends whole seconds; a scaled window may need less than one, which the SDK and the CLI read the same way.
    const header = a.timeScale >= 1 ? String(Math.ceil(seconds)) : seconds.toFixed(2);
    return awsError(r, 429, 'TooManyRequestsException', `Too Many Requests (strict-aws: API Gateway allows ${quota} ${perS} s per account; ${DOCS.quotas})`, { 'retry-after': header });
  };

  const apigwQuota = (r: AwsRequest, d: Decoded, a: AccountState): FakeResponse | undefined => {
    const now = Date.now();
    const s = a.timeScale;
    // Every operation together: a token bucket of 10 per second, burst 40.
    a.tokens = Math.min(OVERALL.burst, a.tokens + ((now - a.tokensAt) / 1000) * (OVERALL.rate / s));
    a.tokensAt = now;
    if (a.tokens < 1) return throttle(r, a, 'at most 10 requests per', 1, ((1 - a.tokens) * 1000 * s) / OVERALL.rate, 'overall');
    let key: string | undefined;
    let windowS = 0;
    if (d.operation === 'CreateRestApi') {
      const types = ((d.input.endpointConfiguration as { types?: string[] } | undefined)?.types ?? ['EDGE']) as string[];
      const edge = types.includes('EDGE');
      key = edge ? 'CreateRestApiEdge' : 'CreateRestApiRegional';
      windowS = edge ? APIGW_WINDOWS_S.CreateRestApiEdge : APIGW_WINDOWS_S.CreateRestApiRegional;
    } else if (d.operation === 'DeleteRestApi' || d.operation === 'CreateDeployment') {
      key = d.operation;
      windowS = APIGW_WINDOWS_S[d.operation];
    } else if (RATE_WINDOWS[d.operation]) {
      const { perWindow, windowS: w } = RATE_WINDOWS[d.operation]!;
      const recent = (a.recent.get(d.operation) ?? []).filter((t) => now - t < w * 1000 * s);
      a.recent.set(d.operation, recent);
      if (recent.length >= perWindow) return throttle(r, a, `${perWindow} ${d.operation} per`, w, recent[0]! + w * 1000 * s - now, d.operation);
      recent.push(now);
    }
    if (key) {
      const last = a.last.get(key);
      const windowMs = windowS * 1000 * s;
      if (last !== undefined && now - last < windowMs) return throttle(r, a, `one ${d.operation}${key === 'CreateRestApiEdge' ? ' (edge-optimized)' : key === 'CreateRestApiRegional' ? ' (regional)' : ''} per`, windowS, last + windowMs - now, d.operation);
      a.last.set(key, now);
    }
    a.tokens -= 1;
    return undefined;
  };

  proxy.control = async (raw) => {
    if (!raw.url.startsWith('/_strict')) return undefined;
    if (raw.url === '/_strict/violations') return { status: 200, body: JSON.stringify({ violations, fired }) };
    if (raw.url === '/_strict/config' && raw.method === 'POST') {
      const c = JSON.parse(raw.body.toString('utf8')) as { account: string; timeScale: number };
      scaleOverrides.set(c.account, c.timeScale);
      for (const [k, a] of accounts) if (k.startsWith(`${c.account}/`)) a.timeScale = c.timeScale;
      return { status: 200, body: '{}' };
    }
    return { status: 404, body: '{"message":"unknown strict-aws control path"}' };
  };

  proxy.before = async (r, _n, raw) => {
    const a = account(accountOf(raw.headers), regionOf(raw.headers));
    const url = new URL(raw.url, 'http://x');

    // Data plane: a new hosted-UI domain does not answer at once (DOCS.domain).
    if (!raw.headers.authorization?.startsWith('AWS4') && /^\/(oauth2\/(authorize|token)|login)$/.test(url.pathname)) {
      const clientId = url.searchParams.get('client_id') ?? new URLSearchParams(raw.body.toString('utf8')).get('client_id') ?? basicClientId(raw.headers.authorization);
      const known = clientId ? clientPool.get(clientId) : undefined;
      const prefix = known ? poolDomain.get(known.poolId) : undefined;
      const born = prefix ? known!.acct.domains.get(prefix) : undefined;
      if (born !== undefined && Date.now() - born < DOMAIN_WARMUP_S * 1000 * known!.acct.timeScale) {
        fire('domain-warmup');
        return { status: 404, headers: { 'content-type': 'text/html' }, body: `<html><body>Not Found (strict-aws: the domain ${prefix} was created ${Date.now() - born} ms ago and is not live yet; ${DOCS.domain})</body></html>` };
      }
      return undefined;
    }

    let d: Decoded | undefined;
    try {
      d = decodeRequest({ method: raw.method, url: raw.url, headers: raw.headers, body: raw.body });
    } catch (e) {
      d = undefined;
      violations.push({ at: new Date().toISOString(), service: r.service, operation: r.operation, problems: [`could not decode: ${(e as Error).message}`] });
    }
    if (!d) return undefined;
    const op = d.operation;
    const service = d.model.service;

    // Every request against AWS's own model (DOCS.models).
    const problems = validateInput(d);
    if (problems.length) {
      violations.push({ at: new Date().toISOString(), service, operation: op, problems });
      const detail = problems.slice(0, 5).join('; ');
      return awsError(r, 400, VALIDATION_TYPE[service] ?? 'ValidationException', `strict-aws: ${problems.length} validation error(s) detected in ${op} against botocore's ${service} ${d.model.apiVersion} model: ${detail}`);
    }

    // API Gateway's fixed quotas (DOCS.quotas).
    if (service === 'apigateway') {
      const t = apigwQuota(r, d, a);
      if (t) return t;
    }

    // PutMethod on an existing method is a ConflictException (DOCS.putMethod).
    if (service === 'apigateway' && op === 'PutMethod') {
      const got = await upstreamCall(raw, 'GET', url.pathname);
      if (got.status === 200) {
        fire('put-method-conflict');
        return awsError(r, 409, 'ConflictException', `Method already exists for this resource (strict-aws: ${DOCS.putMethod})`);
      }
    }

    // A role younger than the propagation delay cannot be assumed by Lambda (DOCS.lambdaRole, DOCS.iamPropagation).
    if (service === 'lambda' && (op === 'CreateFunction' || op === 'UpdateFunctionConfiguration') && typeof d.input.Role === 'string') {
      const born = a.roles.get(d.input.Role);
      if (born !== undefined && Date.now() - born < IAM_PROPAGATION_S * 1000 * a.timeScale) {
        fire('iam-propagation');
        return awsError(r, 400, 'InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.');
      }
    }

    // DeleteUserPool is refused while the pool has a domain (DOCS.deleteUserPool).
    if (service === 'cognito-idp' && op === 'DeleteUserPool') {
      const got = await upstreamCall(raw, 'POST', '/', JSON.stringify({ UserPoolId: d.input.UserPoolId }), 'AWSCognitoIdentityProviderService.DescribeUserPool');
      if (got.status === 200) {
        const pool = (JSON.parse(got.text) as { UserPool?: { Domain?: string; CustomDomain?: string } }).UserPool;
        if (pool?.Domain || pool?.CustomDomain) {
          fire('delete-pool-with-domain');
          return awsError(r, 400, 'InvalidParameterException', 'User pool cannot be deleted. It has a domain configured that should be deleted first.');
        }
      }
    }

    // UpdateUserPoolClient resets every member the request leaves out (DOCS.updateClient); the
    // emulator keeps them, so the layer sends the reset values explicitly.
    if (service === 'cognito-idp' && op === 'UpdateUserPoolClient') {
      const body = { ...d.input };
      let reset = 0;
      for (const [k, v] of Object.entries(CLIENT_RESET)) {
        if (body[k] === undefined) {
          body[k] = v;
          reset++;
        }
      }
      if (reset) fire('client-reset');
      raw.body = Buffer.from(JSON.stringify(body));
    }
    return undefined;
  };

  proxy.after = async (r, _n, status, raw, response) => {
    if (status < 200 || status >= 300) return;
    const a = account(accountOf(raw.headers), regionOf(raw.headers));
    if (r.service === 'iam' && r.operation === 'CreateRole') {
      const arn = /<Arn>([^<]+)<\/Arn>/.exec(response.body.toString('utf8'))?.[1];
      if (arn) a.roles.set(arn, Date.now());
      return;
    }
    if (r.service !== 'cognito-idp') return;
    let out: Record<string, any>;
    try {
      out = JSON.parse(response.body.toString('utf8') || '{}');
    } catch {
      return;
    }
    let input: Record<string, any> = {};
    try {
      input = JSON.parse(raw.body.toString('utf8') || '{}');
    } catch {
      /* not JSON */
    }
    if (r.operation === 'CreateUserPoolDomain') {
      a.domains.set(input.Domain, Date.now());
      poolDomain.set(input.UserPoolId, input.Domain);
    } else if (r.operation === 'CreateUserPoolClient' || r.operation === 'DescribeUserPoolClient' || r.operation === 'UpdateUserPoolClient') {
      const c = out.UserPoolClient;
      if (c?.ClientId) clientPool.set(c.ClientId, { acct: a, poolId: c.UserPoolId });
    } else if (r.operation === 'DescribeUserPool') {
      const p = out.UserPool;
      if (p?.Id && p.Domain) poolDomain.set(p.Id, p.Domain);
    }
  };

  return {
    endpoint: proxy.endpoint,
    proxy,
    violations,
    fired,
    close: () => proxy.close(),
  };
}

function basicClientId(authorization: string | undefined): string | undefined {
  if (!authorization?.startsWith('Basic ')) return undefined;
  return Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':')[0];
}

/** For tests: the layer's violations and fired rules, through its control API. */
export async function strictReport(endpoint: string): Promise<{ violations: Violation[]; fired: Record<string, number> }> {
  const res = await fetch(new URL('/_strict/violations', endpoint));
  return (await res.json()) as { violations: Violation[]; fired: Record<string, number> };
}


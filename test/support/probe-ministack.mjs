#!/usr/bin/env node
// @ts-check
/**
 * Probe the pinned ministack (see MINISTACK_VERSION in ./ministack.mjs) for every
 * call cognito-scope-setup makes, and print exactly what comes back: response
 * shapes, error names/codes, HTTP statuses. Results feed test/EMULATOR.md.
 *
 * Re-run it whenever the pin changes and diff the output:
 *
 *   node test/support/probe-ministack.mjs                    # starts its own ministack
 *   node test/support/probe-ministack.mjs --json out.json    # also write all results as JSON
 *   node test/support/probe-ministack.mjs --endpoint http://127.0.0.1:4566   # use a running one
 *   node test/support/probe-ministack.mjs --starts 5         # time 5 extra cold starts (default 3)
 *   node test/support/probe-ministack.mjs --auth             # start it with AUTH=true, to compare
 *
 * Exit code is 0 even when a probe "fails": a failure is a finding. It is non-zero
 * only if the emulator cannot be started.
 */
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

import {
  APIGatewayClient,
  CreateAuthorizerCommand,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  DeleteRestApiCommand,
  GetAuthorizersCommand,
  GetDeploymentsCommand,
  GetIntegrationCommand,
  GetMethodCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetRestApisCommand,
  GetStageCommand,
  GetTagsCommand,
  PutIntegrationCommand,
  PutMethodCommand,
  UpdateMethodCommand,
} from '@aws-sdk/client-api-gateway';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DeleteResourceServerCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolCommand,
  DeleteUserPoolDomainCommand,
  DescribeResourceServerCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  InitiateAuthCommand,
  ListResourceServersCommand,
  ListTagsForResourceCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRoleTagsCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetPolicyCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
  ListTagsCommand,
  RemovePermissionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { strToU8, zipSync } from 'fflate';

import { MINISTACK_VERSION, ensureMinistack, startMinistack } from './ministack.mjs';

// ---------------------------------------------------------------- args
const argv = process.argv.slice(2);
/** @param {string} name */
const arg = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const jsonOut = arg('--json');
const extraStarts = Number(arg('--starts') ?? 3);
let endpoint = arg('--endpoint');
const authMode = argv.includes('--auth'); // start ministack with AUTH=true (SigV4 + IAM enforcement)

const REGION = 'us-east-1';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const RUN = randomBytes(3).toString('hex');
const TAGS = { project: 'cognito-scope-setup', run: RUN };
const SCOPE = 'hello-world-api/read.helloworld.message';
const CALLBACK = 'https://oauth.pstmn.io/v1/callback';
const USERNAME = 'probe-user';
const PASSWORD = 'Probe-Passw0rd!';

// ---------------------------------------------------------------- recording
/** @type {Array<{ id: string, ok: boolean, result?: unknown, error?: unknown }>} */
const findings = [];

/** @param {unknown} e */
function errInfo(e) {
  const x = /** @type {any} */ (e);
  return {
    name: x?.name,
    Code: x?.Code ?? x?.code,
    message: x?.message,
    httpStatusCode: x?.$metadata?.httpStatusCode,
    fault: x?.$fault,
  };
}

/** Drop SDK $metadata, shorten JWT-like strings. @param {unknown} v @returns {unknown} */
function clean(v) {
  if (Array.isArray(v)) return v.map(clean);
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  if (v instanceof Date) return v.toISOString();
  if (v && typeof v === 'object') {
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const [k, val] of Object.entries(v)) {
      if (k === '$metadata') continue;
      out[k] = clean(val);
    }
    return out;
  }
  if (typeof v === 'string' && v.length > 120 && /^[\w-]+\.[\w-]+\.[\w-]+$/.test(v)) return `<jwt ${v.length} chars>`;
  return v;
}

/**
 * Run one probe, record and print its outcome. Returns the raw result (or undefined on error).
 * @template T
 * @param {string} id
 * @param {() => Promise<T>} fn
 * @returns {Promise<T | undefined>}
 */
async function probe(id, fn) {
  try {
    const result = await fn();
    findings.push({ id, ok: true, result: clean(result) });
    console.log(`\n### ${id}\nOK ${JSON.stringify(clean(result), null, 1)}`);
    return result;
  } catch (e) {
    findings.push({ id, ok: false, error: errInfo(e) });
    console.log(`\n### ${id}\nERROR ${JSON.stringify(errInfo(e))}`);
    return undefined;
  }
}

/** Record a plain observation. @param {string} id @param {unknown} value */
function note(id, value) {
  findings.push({ id, ok: true, result: value });
  console.log(`\n### ${id}\n${typeof value === 'string' ? value : JSON.stringify(value, null, 1)}`);
}

/** @param {string} token */
function decodeJwt(token) {
  const [h, p] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(p, 'base64url').toString()),
  };
}

/**
 * Raw HTTP request (lets us set Host, and never follows redirects).
 * @param {string} method
 * @param {string} url
 * @param {{ headers?: Record<string, string>, body?: string }} [opts]
 * @returns {Promise<{ status: number | undefined, headers: http.IncomingHttpHeaders, body: string }>}
 */
function rawRequest(method, url, opts = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

/** @param {Awaited<ReturnType<typeof rawRequest>>} r @param {number} [max] */
function summarizeHttp(r, max = 600) {
  const pick = ['content-type', 'location', 'x-amzn-errortype', 'www-authenticate'];
  /** @type {Record<string, unknown>} */
  const headers = {};
  for (const k of pick) if (r.headers[k] !== undefined) headers[k] = r.headers[k];
  return { status: r.status, headers, body: r.body.length > max ? `${r.body.slice(0, max)}...(${r.body.length} chars)` : r.body };
}

/** @param {string} id @param {string} secret @param {string} username */
const secretHash = (id, secret, username) => createHmac('sha256', secret).update(username + id).digest('base64');

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- emulator
/** @type {Awaited<ReturnType<typeof startMinistack>> | undefined} */
let ms;
if (!endpoint) {
  const t0 = Date.now();
  await ensureMinistack();
  note('meta.ensureMinistack_ms', Date.now() - t0);
  ms = await startMinistack(authMode ? { env: { AUTH: 'true' } } : {});
  endpoint = ms.endpoint;
  note('meta.AUTH', authMode ? 'true' : 'unset (default false)');
  note('meta.startup_ms (spawn -> health OK)', ms.startupMs);
}
note('meta.endpoint', endpoint);
note('meta.pinned_version', MINISTACK_VERSION);
await probe('meta.GET /_ministack/health', async () => (await fetch(`${endpoint}/_ministack/health`)).json());

const common = { endpoint, region: REGION, credentials, maxAttempts: 1 };
const sts = new STSClient(common);
const iam = new IAMClient(common);
const lambda = new LambdaClient(common);
const apigw = new APIGatewayClient(common);
const idp = new CognitoIdentityProviderClient(common);

// ---------------------------------------------------------------- STS
const ident = await probe('sts.GetCallerIdentity', () => sts.send(new GetCallerIdentityCommand({})));
const ACCOUNT = ident?.Account ?? '000000000000';
await probe('sts.multi-tenancy: 12-digit access key id becomes the account (isolation)', async () => {
  const other = { ...common, credentials: { accessKeyId: '111122223333', secretAccessKey: 'test' } };
  const id2 = await new STSClient(other).send(new GetCallerIdentityCommand({}));
  const idp2 = new CognitoIdentityProviderClient(other);
  const p = await idp2.send(new CreateUserPoolCommand({ PoolName: `tenant-${RUN}` }));
  const seenByDefault = (await new CognitoIdentityProviderClient(common).send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools?.map((u) => u.Name);
  await idp2.send(new DeleteUserPoolCommand({ UserPoolId: p.UserPool?.Id }));
  return { account: id2.Account, arn: id2.Arn, poolArn: p.UserPool?.Arn, poolsSeenByDefaultAccount: seenByDefault };
});

// ---------------------------------------------------------------- IAM
const ROLE = `probe-role-${RUN}`;
const trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
const roleRes = await probe('iam.CreateRole (with Tags)', () =>
  iam.send(
    new CreateRoleCommand({
      RoleName: ROLE,
      AssumeRolePolicyDocument: trust,
      Description: 'probe',
      Tags: Object.entries(TAGS).map(([Key, Value]) => ({ Key, Value })),
    }),
  ),
);
const ROLE_ARN = roleRes?.Role?.Arn ?? `arn:aws:iam::${ACCOUNT}:role/${ROLE}`;
await probe('iam.CreateRole duplicate name', () =>
  iam.send(new CreateRoleCommand({ RoleName: ROLE, AssumeRolePolicyDocument: trust })),
);
await probe('iam.GetRole (Tags returned?)', () => iam.send(new GetRoleCommand({ RoleName: ROLE })));
await probe('iam.ListRoleTags', () => iam.send(new ListRoleTagsCommand({ RoleName: ROLE })));
await probe('iam.AttachRolePolicy AWSLambdaBasicExecutionRole', () =>
  iam.send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: BASIC })),
);
await probe('iam.AttachRolePolicy same policy again', () =>
  iam.send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: BASIC })),
);
await probe('iam.AttachRolePolicy nonexistent policy ARN', () =>
  iam.send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: 'arn:aws:iam::aws:policy/NoSuchPolicyXyz' })),
);
await probe('iam.AttachRolePolicy on missing role', () =>
  iam.send(new AttachRolePolicyCommand({ RoleName: `missing-${RUN}`, PolicyArn: BASIC })),
);
await probe('iam.ListAttachedRolePolicies', () => iam.send(new ListAttachedRolePoliciesCommand({ RoleName: ROLE })));

// ---------------------------------------------------------------- Lambda
const FN = `probe-fn-${RUN}`;
const PY = `import json

def lambda_handler(event, context):
    return {
        'statusCode': 200,
        'body': json.dumps('Hello World!')
    }
`;
const zip = zipSync({ 'lambda_function.py': strToU8(PY) });
const createFn = await probe('lambda.CreateFunction python3.13 (with Tags)', () =>
  lambda.send(
    new CreateFunctionCommand({
      FunctionName: FN,
      Runtime: 'python3.13',
      Role: ROLE_ARN,
      Handler: 'lambda_function.lambda_handler',
      Code: { ZipFile: zip },
      Tags: TAGS,
      Architectures: ['x86_64'],
    }),
  ),
);
const FN_ARN = createFn?.FunctionArn ?? `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN}`;
await probe('lambda.GetFunction immediately after create (State? Tags?)', () =>
  lambda.send(new GetFunctionCommand({ FunctionName: FN })),
);
await probe('lambda.waitUntilFunctionActiveV2 (elapsed ms)', async () => {
  const t = Date.now();
  const r = await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: FN });
  return { state: r.state, elapsedMs: Date.now() - t };
});
await probe('lambda.GetFunction after active', async () => {
  const r = await lambda.send(new GetFunctionCommand({ FunctionName: FN }));
  return { State: r.Configuration?.State, LastUpdateStatus: r.Configuration?.LastUpdateStatus, Tags: r.Tags, Code: r.Code };
});
await probe('lambda.CreateFunction duplicate name', () =>
  lambda.send(
    new CreateFunctionCommand({
      FunctionName: FN,
      Runtime: 'python3.13',
      Role: ROLE_ARN,
      Handler: 'lambda_function.lambda_handler',
      Code: { ZipFile: zip },
    }),
  ),
);
await probe('lambda.CreateFunction with role ARN of a role that does not exist', async () => {
  const r = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: `${FN}-norole`,
      Runtime: 'python3.13',
      Role: `arn:aws:iam::${ACCOUNT}:role/does-not-exist-${RUN}`,
      Handler: 'lambda_function.lambda_handler',
      Code: { ZipFile: zip },
    }),
  );
  await lambda.send(new DeleteFunctionCommand({ FunctionName: `${FN}-norole` }));
  return { created: true, State: r.State, Role: r.Role };
});
await probe('lambda.CreateFunction with malformed role "not-an-arn"', async () => {
  const r = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: `${FN}-badrole`,
      Runtime: 'python3.13',
      Role: 'not-an-arn',
      Handler: 'lambda_function.lambda_handler',
      Code: { ZipFile: zip },
    }),
  );
  await lambda.send(new DeleteFunctionCommand({ FunctionName: `${FN}-badrole` }));
  return { created: true, State: r.State };
});
await probe('lambda.GetPolicy on a function that never had a permission', () => lambda.send(new GetPolicyCommand({ FunctionName: FN })));
await probe('lambda.ListTags', () => lambda.send(new ListTagsCommand({ Resource: FN_ARN })));
await probe('lambda.ListFunctions (item keys, Tags?)', async () => {
  const r = await lambda.send(new ListFunctionsCommand({}));
  const mine = r.Functions?.find((f) => f.FunctionName === FN);
  return { count: r.Functions?.length, itemKeys: mine ? Object.keys(mine).sort() : null };
});
await probe('lambda.Invoke directly (local executor works?)', async () => {
  const r = await lambda.send(new InvokeCommand({ FunctionName: FN, Payload: strToU8('{}') }));
  return { StatusCode: r.StatusCode, FunctionError: r.FunctionError, Payload: Buffer.from(r.Payload ?? []).toString() };
});
await probe('lambda.UpdateFunctionCode', async () => {
  const r = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FN, ZipFile: zip }));
  return { State: r.State, LastUpdateStatus: r.LastUpdateStatus, CodeSha256: r.CodeSha256 };
});
await probe('lambda.UpdateFunctionConfiguration right after UpdateFunctionCode (conflict?)', async () => {
  const r = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: FN, Description: 'probe v2', Timeout: 5 }));
  return { State: r.State, LastUpdateStatus: r.LastUpdateStatus, Description: r.Description, Timeout: r.Timeout };
});
await probe('lambda.waitUntilFunctionUpdatedV2 (elapsed ms)', async () => {
  const t = Date.now();
  const r = await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: FN });
  return { state: r.state, elapsedMs: Date.now() - t };
});

// ---------------------------------------------------------------- Cognito
const poolRes = await probe('cognito.CreateUserPool (with UserPoolTags)', () =>
  idp.send(new CreateUserPoolCommand({ PoolName: `probe-pool-${RUN}`, UserPoolTags: TAGS })),
);
const POOL_ID = poolRes?.UserPool?.Id ?? 'missing';
const POOL_ARN = poolRes?.UserPool?.Arn ?? `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${POOL_ID}`;
note('cognito.CreateUserPool UserPool keys', Object.keys(poolRes?.UserPool ?? {}).sort());
await probe('cognito.DescribeUserPool (UserPoolTags? Arn? Domain?)', async () => {
  const r = await idp.send(new DescribeUserPoolCommand({ UserPoolId: POOL_ID }));
  const p = r.UserPool ?? {};
  return { Id: p.Id, Name: p.Name, Arn: p.Arn, UserPoolTags: p.UserPoolTags, Domain: p.Domain, Status: p.Status, keys: Object.keys(p).sort() };
});
await probe('cognito.ListUserPools MaxResults 60 (item shape)', async () => {
  const r = await idp.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  return { count: r.UserPools?.length, item: r.UserPools?.find((p) => p.Id === POOL_ID), NextToken: r.NextToken };
});
await probe('cognito.ListUserPools without MaxResults', () => idp.send(new ListUserPoolsCommand(/** @type {any} */ ({}))));
await probe('cognito.ListTagsForResource (pool ARN)', () => idp.send(new ListTagsForResourceCommand({ ResourceArn: POOL_ARN })));

const DOMAIN = `probe-${RUN}`;
await probe('cognito.DescribeUserPoolDomain for a domain that does not exist', () =>
  idp.send(new DescribeUserPoolDomainCommand({ Domain: DOMAIN })),
);
await probe('cognito.CreateUserPoolDomain (ManagedLoginVersion 1)', () =>
  idp.send(new CreateUserPoolDomainCommand({ Domain: DOMAIN, UserPoolId: POOL_ID, ManagedLoginVersion: 1 })),
);
await probe('cognito.CreateUserPoolDomain same domain, same pool', () =>
  idp.send(new CreateUserPoolDomainCommand({ Domain: DOMAIN, UserPoolId: POOL_ID, ManagedLoginVersion: 1 })),
);
await probe('cognito.CreateUserPoolDomain second domain on same pool', () =>
  idp.send(new CreateUserPoolDomainCommand({ Domain: `${DOMAIN}-b`, UserPoolId: POOL_ID, ManagedLoginVersion: 1 })),
);
await probe('cognito.DescribeUserPoolDomain (existing)', () => idp.send(new DescribeUserPoolDomainCommand({ Domain: DOMAIN })));
await probe('cognito.DescribeUserPool after domain (Domain field)', async () => {
  const r = await idp.send(new DescribeUserPoolCommand({ UserPoolId: POOL_ID }));
  return { Domain: r.UserPool?.Domain, CustomDomain: r.UserPool?.CustomDomain };
});

const clientInput = {
  UserPoolId: POOL_ID,
  ClientName: `probe-client-${RUN}`,
  GenerateSecret: true,
  AllowedOAuthFlows: /** @type {any} */ (['code']),
  AllowedOAuthFlowsUserPoolClient: true,
  AllowedOAuthScopes: ['openid', SCOPE],
  CallbackURLs: [CALLBACK],
  SupportedIdentityProviders: ['COGNITO'],
};
const earlyClient = await probe('cognito.CreateUserPoolClient with scope of a resource server that does not exist yet', () =>
  idp.send(new CreateUserPoolClientCommand(clientInput)),
);
if (earlyClient?.UserPoolClient?.ClientId) {
  await idp.send(new DeleteUserPoolClientCommand({ UserPoolId: POOL_ID, ClientId: earlyClient.UserPoolClient.ClientId }));
}
await probe('cognito.CreateUserPoolClient with a plain scope that is not standard ("bogus")', async () => {
  const r = await idp.send(new CreateUserPoolClientCommand({ ...clientInput, AllowedOAuthScopes: ['bogus'] }));
  await idp.send(new DeleteUserPoolClientCommand({ UserPoolId: POOL_ID, ClientId: r.UserPoolClient?.ClientId }));
  return { created: true };
});
await probe('cognito.DescribeResourceServer before create', () =>
  idp.send(new DescribeResourceServerCommand({ UserPoolId: POOL_ID, Identifier: 'hello-world-api' })),
);
await probe('cognito.CreateResourceServer hello-world-api / read.helloworld.message', () =>
  idp.send(
    new CreateResourceServerCommand({
      UserPoolId: POOL_ID,
      Identifier: 'hello-world-api',
      Name: 'Hello World API',
      Scopes: [{ ScopeName: 'read.helloworld.message', ScopeDescription: 'Read the hello world message' }],
    }),
  ),
);
await probe('cognito.CreateResourceServer duplicate identifier', () =>
  idp.send(
    new CreateResourceServerCommand({
      UserPoolId: POOL_ID,
      Identifier: 'hello-world-api',
      Name: 'Hello World API',
      Scopes: [{ ScopeName: 'read.helloworld.message', ScopeDescription: 'x' }],
    }),
  ),
);
await probe('cognito.DescribeResourceServer', () =>
  idp.send(new DescribeResourceServerCommand({ UserPoolId: POOL_ID, Identifier: 'hello-world-api' })),
);
await probe('cognito.ListResourceServers', () =>
  idp.send(new ListResourceServersCommand({ UserPoolId: POOL_ID, MaxResults: 50 })),
);
const clientRes = await probe('cognito.CreateUserPoolClient (tutorial client: code flow, secret)', () =>
  idp.send(new CreateUserPoolClientCommand(clientInput)),
);
const CLIENT_ID = clientRes?.UserPoolClient?.ClientId ?? 'missing';
const CLIENT_SECRET = clientRes?.UserPoolClient?.ClientSecret ?? '';
await probe('cognito.ListUserPoolClients', () => idp.send(new ListUserPoolClientsCommand({ UserPoolId: POOL_ID, MaxResults: 60 })));
await probe('cognito.DescribeUserPoolClient (secret returned?)', () =>
  idp.send(new DescribeUserPoolClientCommand({ UserPoolId: POOL_ID, ClientId: CLIENT_ID })),
);
await probe('cognito.DescribeUserPoolClient missing client', () =>
  idp.send(new DescribeUserPoolClientCommand({ UserPoolId: POOL_ID, ClientId: 'nosuchclient123' })),
);

await probe('cognito.AdminGetUser before create', () => idp.send(new AdminGetUserCommand({ UserPoolId: POOL_ID, Username: USERNAME })));
await probe('cognito.AdminCreateUser MessageAction SUPPRESS', () =>
  idp.send(
    new AdminCreateUserCommand({
      UserPoolId: POOL_ID,
      Username: USERNAME,
      MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: 'probe@example.com' }],
    }),
  ),
);
await probe('cognito.AdminCreateUser duplicate', () =>
  idp.send(new AdminCreateUserCommand({ UserPoolId: POOL_ID, Username: USERNAME, MessageAction: 'SUPPRESS' })),
);
await probe('cognito.AdminGetUser after create (UserStatus)', async () => {
  const r = await idp.send(new AdminGetUserCommand({ UserPoolId: POOL_ID, Username: USERNAME }));
  return { UserStatus: r.UserStatus, Enabled: r.Enabled, UserAttributes: r.UserAttributes };
});
await probe('cognito.AdminSetUserPassword Permanent', () =>
  idp.send(new AdminSetUserPasswordCommand({ UserPoolId: POOL_ID, Username: USERNAME, Password: PASSWORD, Permanent: true })),
);
await probe('cognito.AdminSetUserPassword weak password "abc"', () =>
  idp.send(new AdminSetUserPasswordCommand({ UserPoolId: POOL_ID, Username: USERNAME, Password: 'abc', Permanent: true })),
);
await probe('cognito.AdminGetUser after password (UserStatus)', async () => {
  const r = await idp.send(new AdminGetUserCommand({ UserPoolId: POOL_ID, Username: USERNAME }));
  return { UserStatus: r.UserStatus };
});

// ---- tokens
/** @type {Record<string, string>} */
const tokens = {};
await probe('auth.InitiateAuth USER_PASSWORD_AUTH, tutorial client (no ExplicitAuthFlows), with SECRET_HASH', async () => {
  const r = await idp.send(
    new InitiateAuthCommand({
      ClientId: CLIENT_ID,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME, PASSWORD, SECRET_HASH: secretHash(CLIENT_ID, CLIENT_SECRET, USERNAME) },
    }),
  );
  return r;
});
await probe('auth.InitiateAuth USER_PASSWORD_AUTH, tutorial client, WITHOUT SECRET_HASH', () =>
  idp.send(new InitiateAuthCommand({ ClientId: CLIENT_ID, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD } })),
);
const pwClient = await probe('cognito.CreateUserPoolClient password client (ExplicitAuthFlows USER_PASSWORD/ADMIN_USER_PASSWORD, no secret)', () =>
  idp.send(
    new CreateUserPoolClientCommand({
      UserPoolId: POOL_ID,
      ClientName: `probe-pw-${RUN}`,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  ),
);
const PW_CLIENT = pwClient?.UserPoolClient?.ClientId ?? 'missing';
const ia = await probe('auth.InitiateAuth USER_PASSWORD_AUTH, password client', () =>
  idp.send(new InitiateAuthCommand({ ClientId: PW_CLIENT, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD } })),
);
if (ia?.AuthenticationResult) {
  tokens.pwAccess = ia.AuthenticationResult.AccessToken ?? '';
  tokens.pwId = ia.AuthenticationResult.IdToken ?? '';
  note('auth.InitiateAuth access token decoded', decodeJwt(tokens.pwAccess));
  note('auth.InitiateAuth id token decoded', decodeJwt(tokens.pwId));
}
await probe('auth.InitiateAuth wrong password', () =>
  idp.send(
    new InitiateAuthCommand({ ClientId: PW_CLIENT, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD: 'Wrong-passw0rd!' } }),
  ),
);
await probe('auth.AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH, password client', async () => {
  const r = await idp.send(
    new AdminInitiateAuthCommand({ UserPoolId: POOL_ID, ClientId: PW_CLIENT, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD } }),
  );
  return { keys: Object.keys(r.AuthenticationResult ?? {}), access: r.AuthenticationResult?.AccessToken ? decodeJwt(r.AuthenticationResult.AccessToken).payload : null };
});
await probe('auth.AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH, tutorial client (with SECRET_HASH)', () =>
  idp.send(
    new AdminInitiateAuthCommand({
      UserPoolId: POOL_ID,
      ClientId: CLIENT_ID,
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME, PASSWORD, SECRET_HASH: secretHash(CLIENT_ID, CLIENT_SECRET, USERNAME) },
    }),
  ),
);

const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
const form = (/** @type {Record<string,string>} */ o) => new URLSearchParams(o).toString();
await probe('oauth.POST /oauth2/token client_credentials, tutorial (code-flow) client', async () =>
  summarizeHttp(
    await rawRequest('POST', `${endpoint}/oauth2/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      body: form({ grant_type: 'client_credentials', scope: SCOPE }),
    }),
  ),
);
await probe('oauth.POST /oauth2/token client_credentials, tutorial client, no scope param', async () =>
  summarizeHttp(
    await rawRequest('POST', `${endpoint}/oauth2/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      body: form({ grant_type: 'client_credentials' }),
    }),
  ),
);
const ccClient = await probe('cognito.CreateUserPoolClient client_credentials client (secret, scope)', () =>
  idp.send(
    new CreateUserPoolClientCommand({
      UserPoolId: POOL_ID,
      ClientName: `probe-cc-${RUN}`,
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: [SCOPE],
    }),
  ),
);
if (ccClient?.UserPoolClient) {
  const c = ccClient.UserPoolClient;
  /** @type {Awaited<ReturnType<typeof rawRequest>> | undefined} */
  let r;
  await probe('oauth.POST /oauth2/token client_credentials, client_credentials client', async () => {
    r = await rawRequest('POST', `${endpoint}/oauth2/token`, {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${c.ClientId}:${c.ClientSecret}`).toString('base64')}`,
      },
      body: form({ grant_type: 'client_credentials', scope: SCOPE }),
    });
    return summarizeHttp(r, 200);
  });
  if (r) {
    try {
      const j = JSON.parse(r.body);
      tokens.ccAccess = j.access_token;
      note('oauth.client_credentials access token decoded', decodeJwt(j.access_token));
    } catch {
      /* recorded above */
    }
  }
  await probe('oauth.POST /oauth2/token client_credentials, client_secret_post (form fields)', async () =>
    summarizeHttp(
      await rawRequest('POST', `${endpoint}/oauth2/token`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form({ grant_type: 'client_credentials', client_id: c.ClientId ?? '', client_secret: c.ClientSecret ?? '' }),
      }),
      200,
    ),
  );
  await probe('oauth.POST /oauth2/token with Host: <domain>.auth.us-east-1.amazoncognito.com', async () =>
    summarizeHttp(
      await rawRequest('POST', `${endpoint}/oauth2/token`, {
        headers: {
          host: `${DOMAIN}.auth.${REGION}.amazoncognito.com`,
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${c.ClientId}:${c.ClientSecret}`).toString('base64')}`,
        },
        body: form({ grant_type: 'client_credentials' }),
      }),
      200,
    ),
  );
  await probe('oauth.POST /oauth2/token wrong secret', async () =>
    summarizeHttp(
      await rawRequest('POST', `${endpoint}/oauth2/token`, {
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${c.ClientId}:nope`).toString('base64')}`,
        },
        body: form({ grant_type: 'client_credentials' }),
      }),
    ),
  );
}

// authorization code flow through the emulator's login page
const STATE = `st-${RUN}`;
const authorizeUrl =
  `${endpoint}/oauth2/authorize?` +
  new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: CALLBACK, scope: `openid ${SCOPE}`, state: STATE });
/** @type {Awaited<ReturnType<typeof rawRequest>> | undefined} */
let authz;
await probe('oauth.GET /oauth2/authorize (code, tutorial client)', async () => {
  authz = await rawRequest('GET', authorizeUrl);
  return summarizeHttp(authz, 200);
});
if (authz) {
  const formTag = authz.body.match(/<form[^>]*>/)?.[0];
  const inputs = [...authz.body.matchAll(/<input[^>]*name="([^"]+)"[^>]*>/g)].map((m) => {
    const type = m[0].match(/type="([^"]+)"/)?.[1];
    const value = m[0].match(/value="([^"]*)"/)?.[1];
    return { name: m[1], type, value };
  });
  note('oauth.authorize page', { status: authz.status, contentType: authz.headers['content-type'], formTag, inputs });
}
await probe('oauth.GET /oauth2/authorize redirect_uri not in CallbackURLs', async () =>
  summarizeHttp(await rawRequest('GET', authorizeUrl.replace(encodeURIComponent(CALLBACK), encodeURIComponent('https://evil.example/cb')))),
);
await probe('oauth.GET /oauth2/authorize scope not allowed for client', async () =>
  summarizeHttp(
    await rawRequest(
      'GET',
      `${endpoint}/oauth2/authorize?` +
        new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: CALLBACK, scope: 'email', state: STATE }),
    ),
  ),
);
await probe('oauth.GET /<domain>/oauth2/authorize (domain in path?)', async () =>
  summarizeHttp(await rawRequest('GET', authorizeUrl.replace('/oauth2/authorize', `/${DOMAIN}/oauth2/authorize`)), 200),
);
const loginFields = {
  client_id: CLIENT_ID,
  redirect_uri: CALLBACK,
  scope: `openid ${SCOPE}`,
  state: STATE,
  response_type: 'code',
  code_challenge: '',
  code_challenge_method: '',
  nonce: '',
  username: USERNAME,
};
await probe('oauth.POST /login wrong password', async () =>
  summarizeHttp(
    await rawRequest('POST', `${endpoint}/login`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ ...loginFields, password: 'Wrong-passw0rd!' }),
    }),
    300,
  ),
);
const login = await probe('oauth.POST /login (submit form)', async () => {
  const r = await rawRequest('POST', `${endpoint}/login`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form({ ...loginFields, password: PASSWORD }),
  });
  return summarizeHttp(r);
});
const loc = /** @type {any} */ (login)?.headers?.location;
const code = loc ? new URL(loc).searchParams.get('code') : null;
note('oauth.redirect Location parsed', loc ? { location: loc.replace(code ?? '', '<code>'), params: [...new URL(loc).searchParams.keys()] } : null);
if (code) {
  /** @type {Awaited<ReturnType<typeof rawRequest>> | undefined} */
  let tok;
  await probe('oauth.POST /oauth2/token authorization_code (basic auth)', async () => {
    tok = await rawRequest('POST', `${endpoint}/oauth2/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      body: form({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, client_id: CLIENT_ID }),
    });
    return summarizeHttp(tok, 200);
  });
  if (tok) {
    try {
      const j = JSON.parse(tok.body);
      note('oauth.authorization_code response keys', Object.keys(j));
      tokens.codeAccess = j.access_token;
      tokens.codeId = j.id_token;
      note('oauth.code-flow access token decoded', decodeJwt(j.access_token));
      note('oauth.code-flow id token decoded', decodeJwt(j.id_token));
    } catch {
      /* recorded */
    }
  }
  await probe('oauth.POST /oauth2/token same code again', async () =>
    summarizeHttp(
      await rawRequest('POST', `${endpoint}/oauth2/token`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
        body: form({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK }),
      }),
    ),
  );
}
await probe('oidc.GET /<poolId>/.well-known/openid-configuration', async () =>
  (await fetch(`${endpoint}/${POOL_ID}/.well-known/openid-configuration`)).json(),
);
await probe('oidc.GET /<poolId>/.well-known/jwks.json', async () => {
  const j = await (await fetch(`${endpoint}/${POOL_ID}/.well-known/jwks.json`)).json();
  return { keys: j.keys?.map((/** @type {any} */ k) => ({ kid: k.kid, kty: k.kty, alg: k.alg, use: k.use })) };
});

// ---------------------------------------------------------------- API Gateway
const apiRes = await probe('apigw.CreateRestApi EDGE with tags', () =>
  apigw.send(new CreateRestApiCommand({ name: `probe-api-${RUN}`, endpointConfiguration: { types: ['EDGE'] }, tags: TAGS })),
);
const API_ID = apiRes?.id ?? 'missing';
await probe('apigw.GetRestApi', () => apigw.send(new GetRestApiCommand({ restApiId: API_ID })));
await probe('apigw.GetRestApis (tags in items?)', async () => {
  const r = await apigw.send(new GetRestApisCommand({ limit: 500 }));
  return { count: r.items?.length, position: r.position, item: r.items?.find((a) => a.id === API_ID) };
});
await probe('apigw.GetTags', () => apigw.send(new GetTagsCommand({ resourceArn: `arn:aws:apigateway:${REGION}::/restapis/${API_ID}` })));
const resources = await probe('apigw.GetResources', () => apigw.send(new GetResourcesCommand({ restApiId: API_ID })));
const ROOT_ID = apiRes?.rootResourceId ?? resources?.items?.find((r) => r.path === '/')?.id ?? 'missing';
const authRes = await probe('apigw.CreateAuthorizer COGNITO_USER_POOLS', () =>
  apigw.send(
    new CreateAuthorizerCommand({
      restApiId: API_ID,
      name: `probe-authorizer-${RUN}`,
      type: 'COGNITO_USER_POOLS',
      providerARNs: [POOL_ARN],
      identitySource: 'method.request.header.Authorization',
    }),
  ),
);
const AUTHORIZER_ID = authRes?.id ?? 'missing';
await probe('apigw.GetAuthorizers', () => apigw.send(new GetAuthorizersCommand({ restApiId: API_ID })));
await probe('apigw.GetMethod before PutMethod', () => apigw.send(new GetMethodCommand({ restApiId: API_ID, resourceId: ROOT_ID, httpMethod: 'GET' })));
await probe('apigw.PutMethod GET / COGNITO_USER_POOLS + authorizationScopes', () =>
  apigw.send(
    new PutMethodCommand({
      restApiId: API_ID,
      resourceId: ROOT_ID,
      httpMethod: 'GET',
      authorizationType: 'COGNITO_USER_POOLS',
      authorizerId: AUTHORIZER_ID,
      authorizationScopes: [SCOPE],
    }),
  ),
);
await probe('apigw.PutMethod again (same method)', () =>
  apigw.send(
    new PutMethodCommand({
      restApiId: API_ID,
      resourceId: ROOT_ID,
      httpMethod: 'GET',
      authorizationType: 'COGNITO_USER_POOLS',
      authorizerId: AUTHORIZER_ID,
      authorizationScopes: [SCOPE],
    }),
  ),
);
await probe('apigw.GetMethod (authorizationScopes?)', () => apigw.send(new GetMethodCommand({ restApiId: API_ID, resourceId: ROOT_ID, httpMethod: 'GET' })));
const INTEGRATION_URI = `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${FN_ARN}/invocations`;
await probe('apigw.PutIntegration AWS_PROXY', () =>
  apigw.send(
    new PutIntegrationCommand({
      restApiId: API_ID,
      resourceId: ROOT_ID,
      httpMethod: 'GET',
      type: 'AWS_PROXY',
      integrationHttpMethod: 'POST',
      uri: INTEGRATION_URI,
    }),
  ),
);
await probe('apigw.GetIntegration', () => apigw.send(new GetIntegrationCommand({ restApiId: API_ID, resourceId: ROOT_ID, httpMethod: 'GET' })));
const SOURCE_ARN = `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}/*/GET/`;
await probe('lambda.AddPermission (apigateway, SourceArn)', () =>
  lambda.send(
    new AddPermissionCommand({
      FunctionName: FN,
      StatementId: 'apigateway-invoke',
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      SourceArn: SOURCE_ARN,
    }),
  ),
);
await probe('lambda.AddPermission duplicate StatementId', () =>
  lambda.send(
    new AddPermissionCommand({
      FunctionName: FN,
      StatementId: 'apigateway-invoke',
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      SourceArn: SOURCE_ARN,
    }),
  ),
);
await probe('lambda.GetPolicy (Policy parsed)', async () => {
  const r = await lambda.send(new GetPolicyCommand({ FunctionName: FN }));
  return { RevisionId: r.RevisionId, Policy: JSON.parse(r.Policy ?? 'null') };
});
const dep = await probe('apigw.CreateDeployment stageName dev', () =>
  apigw.send(new CreateDeploymentCommand({ restApiId: API_ID, stageName: 'dev' })),
);
await probe('apigw.GetStage dev', () => apigw.send(new GetStageCommand({ restApiId: API_ID, stageName: 'dev' })));
await probe('apigw.GetStage missing stage', () => apigw.send(new GetStageCommand({ restApiId: API_ID, stageName: 'nope' })));
await probe('apigw.GetDeployments', () => apigw.send(new GetDeploymentsCommand({ restApiId: API_ID })));
void dep;

const invokeUrl = `${endpoint}/restapis/${API_ID}/dev/_user_request_/`;
note('apigw.invoke URL form', invokeUrl.replace(endpoint, '<endpoint>').replace(API_ID, '<apiId>'));
/** @param {string} id @param {string | undefined} auth @param {string} [url] */
const invoke = (id, auth, url = invokeUrl) =>
  probe(id, async () => summarizeHttp(await rawRequest('GET', url, { headers: auth ? { authorization: auth } : {} })));
await invoke('invoke.no token', undefined);
await invoke('invoke.garbage token', 'not-a-jwt');
await invoke('invoke.ID token (InitiateAuth)', tokens.pwId);
await invoke('invoke.access token (InitiateAuth, scope aws.cognito.signin.user.admin)', tokens.pwAccess);
await invoke('invoke.ID token (code flow)', tokens.codeId);
await invoke('invoke.access token (code flow, custom scope)', tokens.codeAccess);
await invoke('invoke.access token (code flow) with "Bearer " prefix', tokens.codeAccess ? `Bearer ${tokens.codeAccess}` : undefined);
await invoke('invoke.access token (client_credentials, custom scope)', tokens.ccAccess);
await invoke('invoke.no trailing slash', tokens.codeAccess, invokeUrl.replace(/\/$/, ''));
await invoke('invoke.wrong stage', tokens.codeAccess, invokeUrl.replace('/dev/', '/prod/'));
await probe('invoke.tampered signature', async () => {
  const t = tokens.codeAccess;
  if (!t) throw new Error('no code-flow token');
  const [h, p, s] = t.split('.');
  const bad = `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
  return summarizeHttp(await rawRequest('GET', invokeUrl, { headers: { authorization: bad } }));
});
await probe('invoke.token from another pool (forged iss)', async () => {
  const other = await idp.send(new CreateUserPoolCommand({ PoolName: `probe-other-${RUN}` }));
  const oid = other.UserPool?.Id ?? '';
  const oc = await idp.send(
    new CreateUserPoolClientCommand({ UserPoolId: oid, ClientName: 'o', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
  );
  await idp.send(new AdminCreateUserCommand({ UserPoolId: oid, Username: USERNAME, MessageAction: 'SUPPRESS' }));
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: oid, Username: USERNAME, Password: PASSWORD, Permanent: true }));
  const a = await idp.send(
    new InitiateAuthCommand({ ClientId: oc.UserPoolClient?.ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD } }),
  );
  const r = summarizeHttp(await rawRequest('GET', invokeUrl, { headers: { authorization: a.AuthenticationResult?.IdToken ?? '' } }));
  await idp.send(new DeleteUserPoolCommand({ UserPoolId: oid }));
  return r;
});

// live vs deployed configuration, and UpdateMethod on authorizationScopes
await probe('apigw.UpdateMethod remove /authorizationScopes (value = scope)', () =>
  apigw.send(
    new UpdateMethodCommand({
      restApiId: API_ID,
      resourceId: ROOT_ID,
      httpMethod: 'GET',
      patchOperations: [{ op: 'remove', path: '/authorizationScopes', value: SCOPE }],
    }),
  ),
);
await probe('apigw.GetMethod after remove', async () => {
  const r = await apigw.send(new GetMethodCommand({ restApiId: API_ID, resourceId: ROOT_ID, httpMethod: 'GET' }));
  return { authorizationScopes: r.authorizationScopes, authorizationType: r.authorizationType };
});
await invoke('invoke.ID token after scope removed, NOT redeployed (live or deployed config?)', tokens.codeId);
await probe('apigw.CreateDeployment dev again', () => apigw.send(new CreateDeploymentCommand({ restApiId: API_ID, stageName: 'dev' })));
await invoke('invoke.ID token after scope removed and redeployed', tokens.codeId);
await probe('apigw.UpdateMethod add /authorizationScopes', () =>
  apigw.send(
    new UpdateMethodCommand({
      restApiId: API_ID,
      resourceId: ROOT_ID,
      httpMethod: 'GET',
      patchOperations: [{ op: 'add', path: '/authorizationScopes', value: SCOPE }],
    }),
  ),
);
await probe('apigw.UpdateMethod replace /authorizationScopes (value = scope)', () =>
  apigw.send(
    new UpdateMethodCommand({
      restApiId: API_ID,
      resourceId: ROOT_ID,
      httpMethod: 'GET',
      patchOperations: [{ op: 'replace', path: '/authorizationScopes', value: SCOPE }],
    }),
  ),
);
await probe('apigw.UpdateMethod replace /authorizationType + /authorizerId', async () => {
  const r = await apigw.send(
    new UpdateMethodCommand({
      restApiId: API_ID,
      resourceId: ROOT_ID,
      httpMethod: 'GET',
      patchOperations: [
        { op: 'replace', path: '/authorizationType', value: 'COGNITO_USER_POOLS' },
        { op: 'replace', path: '/authorizerId', value: AUTHORIZER_ID },
      ],
    }),
  );
  return { authorizationType: r.authorizationType, authorizerId: r.authorizerId, authorizationScopes: r.authorizationScopes };
});
await probe('apigw.CreateDeployment dev (scopes back)', () => apigw.send(new CreateDeploymentCommand({ restApiId: API_ID, stageName: 'dev' })));
await invoke('invoke.ID token after scope re-added and redeployed', tokens.codeId);
await invoke('invoke.code-flow access token after scope re-added and redeployed', tokens.codeAccess);
await probe('apigw.CreateResource /hello + invoke via _user_request_/hello (no method -> ?)', async () => {
  await apigw.send(new CreateResourceCommand({ restApiId: API_ID, parentId: ROOT_ID, pathPart: 'hello' }));
  await apigw.send(new CreateDeploymentCommand({ restApiId: API_ID, stageName: 'dev' }));
  return summarizeHttp(await rawRequest('GET', `${invokeUrl}hello`, { headers: { authorization: tokens.codeAccess ?? '' } }));
});

await probe('apigw.PutMethod over an existing method that has an integration (integration kept?)', async () => {
  const r = await apigw.send(
    new PutMethodCommand({
      restApiId: API_ID,
      resourceId: ROOT_ID,
      httpMethod: 'GET',
      authorizationType: 'COGNITO_USER_POOLS',
      authorizerId: AUTHORIZER_ID,
      authorizationScopes: [SCOPE],
    }),
  );
  const g = await apigw.send(new GetMethodCommand({ restApiId: API_ID, resourceId: ROOT_ID, httpMethod: 'GET' }));
  return { putResponseHasIntegration: 'methodIntegration' in r, getMethodIntegration: g.methodIntegration?.type ?? null, authorizationScopes: g.authorizationScopes };
});
await invoke('invoke.after PutMethod-over, before re-adding the integration', tokens.codeAccess);
await probe('apigw.PutIntegration again after PutMethod-over', async () => {
  const r = await apigw.send(
    new PutIntegrationCommand({
      restApiId: API_ID,
      resourceId: ROOT_ID,
      httpMethod: 'GET',
      type: 'AWS_PROXY',
      integrationHttpMethod: 'POST',
      uri: INTEGRATION_URI,
    }),
  );
  return { type: r.type };
});
await invoke('invoke.code-flow access token after PutMethod restored scopes (list) + integration', tokens.codeAccess);
await invoke('invoke.ID token after PutMethod restored scopes (list) + integration', tokens.codeId);
await probe('invoke.host-style URL Host: <apiId>.execute-api.localhost:<port>, path /dev/', async () =>
  summarizeHttp(
    await rawRequest('GET', `${endpoint}/dev/`, {
      headers: { host: `${API_ID}.execute-api.localhost:${new URL(endpoint ?? '').port}`, authorization: tokens.codeAccess ?? '' },
    }),
  ),
);
await invoke('invoke./_aws/execute-api/<apiId>/dev/ form', tokens.codeAccess, `${endpoint}/_aws/execute-api/${API_ID}/dev/`);
await probe('lambda.RemovePermission (before invoking without it)', () =>
  lambda.send(new RemovePermissionCommand({ FunctionName: FN, StatementId: 'apigateway-invoke' })),
);
await invoke('invoke.code-flow access token with NO lambda permission for apigateway', tokens.codeAccess);
await probe('lambda.AddPermission with a SourceArn for another API id', () =>
  lambda.send(
    new AddPermissionCommand({
      FunctionName: FN,
      StatementId: 'apigateway-invoke',
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      SourceArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:ffffffff/*/GET/`,
    }),
  ),
);
await invoke('invoke.code-flow access token with permission for another API only', tokens.codeAccess);

// listening sockets while everything (incl. a warm Lambda worker) is up
try {
  const ss = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' });
  const ssu = execFileSync('ss', ['-lunpH'], { encoding: 'utf8' });
  note('net.ss -ltnp (TCP listeners)', ss.trim().split('\n'));
  note('net.ss -lunp (UDP listeners)', ssu.trim().split('\n').filter(Boolean));
  if (ms) {
    const pids = new Set([String(ms.pid)]);
    try {
      for (const l of execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' }).trim().split('\n')) {
        const [pid, ppid] = l.trim().split(/\s+/);
        if (pids.has(ppid)) pids.add(pid);
      }
    } catch {
      /* ps missing */
    }
    const mine = ss.split('\n').filter((l) => [...pids].some((p) => l.includes(`pid=${p},`)));
    note('net.listeners owned by ministack or its children', mine);
    note('net.any ministack listener not on 127.0.0.1?', mine.some((l) => !/\s127\.0\.0\.1:\d+\s/.test(l)));
  }
} catch (e) {
  note('net.ss failed', String(e));
}

// ---------------------------------------------------------------- teardown / deletes / missing
await probe('cognito.DeleteUserPool while a domain exists', async () => {
  // use a throwaway pool with its own domain so the main pool survives if deletion is allowed
  const p = await idp.send(new CreateUserPoolCommand({ PoolName: `probe-del-${RUN}` }));
  const pid = p.UserPool?.Id ?? '';
  await idp.send(new CreateUserPoolDomainCommand({ Domain: `${DOMAIN}-del`, UserPoolId: pid }));
  await idp.send(new DeleteUserPoolCommand({ UserPoolId: pid }));
  const d = await idp.send(new DescribeUserPoolDomainCommand({ Domain: `${DOMAIN}-del` }));
  return { deleted: true, domainAfter: d.DomainDescription };
});
await probe('cognito.CreateUserPoolDomain with a domain owned by another pool', async () => {
  const p = await idp.send(new CreateUserPoolCommand({ PoolName: `probe-dup-${RUN}` }));
  try {
    return await idp.send(new CreateUserPoolDomainCommand({ Domain: DOMAIN, UserPoolId: p.UserPool?.Id }));
  } finally {
    await idp.send(new DeleteUserPoolCommand({ UserPoolId: p.UserPool?.Id }));
  }
});
await probe('cognito.DeleteUserPoolDomain', () => idp.send(new DeleteUserPoolDomainCommand({ Domain: DOMAIN, UserPoolId: POOL_ID })));
await probe('cognito.DescribeUserPoolDomain after delete', () => idp.send(new DescribeUserPoolDomainCommand({ Domain: DOMAIN })));
await probe('cognito.DeleteUserPoolDomain again (already gone)', () =>
  idp.send(new DeleteUserPoolDomainCommand({ Domain: DOMAIN, UserPoolId: POOL_ID })),
);
await probe('cognito.DeleteResourceServer', () =>
  idp.send(new DeleteResourceServerCommand({ UserPoolId: POOL_ID, Identifier: 'hello-world-api' })),
);
await probe('cognito.DescribeUserPoolClient after resource server deleted (scopes kept?)', async () => {
  const r = await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: POOL_ID, ClientId: CLIENT_ID }));
  return { AllowedOAuthScopes: r.UserPoolClient?.AllowedOAuthScopes };
});
await probe('cognito.DeleteResourceServer again (missing)', () =>
  idp.send(new DeleteResourceServerCommand({ UserPoolId: POOL_ID, Identifier: 'hello-world-api' })),
);
await probe('cognito.DeleteUserPoolClient', () => idp.send(new DeleteUserPoolClientCommand({ UserPoolId: POOL_ID, ClientId: CLIENT_ID })));
await probe('cognito.DeleteUserPoolClient again (missing)', () =>
  idp.send(new DeleteUserPoolClientCommand({ UserPoolId: POOL_ID, ClientId: CLIENT_ID })),
);
await probe('cognito.DeleteUserPool', () => idp.send(new DeleteUserPoolCommand({ UserPoolId: POOL_ID })));
await probe('cognito.DescribeUserPool missing', () => idp.send(new DescribeUserPoolCommand({ UserPoolId: POOL_ID })));
await probe('cognito.DescribeUserPool malformed id', () => idp.send(new DescribeUserPoolCommand({ UserPoolId: 'nope' })));
await probe('cognito.DeleteUserPool missing', () => idp.send(new DeleteUserPoolCommand({ UserPoolId: POOL_ID })));
await probe('cognito.ListTagsForResource missing pool', () => idp.send(new ListTagsForResourceCommand({ ResourceArn: POOL_ARN })));

await probe('apigw.DeleteRestApi', () => apigw.send(new DeleteRestApiCommand({ restApiId: API_ID })));
await probe('apigw.GetRestApi missing', () => apigw.send(new GetRestApiCommand({ restApiId: API_ID })));
await probe('apigw.DeleteRestApi missing', () => apigw.send(new DeleteRestApiCommand({ restApiId: API_ID })));
await probe('apigw.GetResources missing api', () => apigw.send(new GetResourcesCommand({ restApiId: API_ID })));

await probe('lambda.RemovePermission', () => lambda.send(new RemovePermissionCommand({ FunctionName: FN, StatementId: 'apigateway-invoke' })));
await probe('lambda.RemovePermission again (missing statement)', () =>
  lambda.send(new RemovePermissionCommand({ FunctionName: FN, StatementId: 'apigateway-invoke' })),
);
await probe('lambda.GetPolicy with no policy', () => lambda.send(new GetPolicyCommand({ FunctionName: FN })));
await probe('lambda.DeleteFunction', () => lambda.send(new DeleteFunctionCommand({ FunctionName: FN })));
await probe('lambda.GetFunction missing', () => lambda.send(new GetFunctionCommand({ FunctionName: FN })));
await probe('lambda.DeleteFunction missing', () => lambda.send(new DeleteFunctionCommand({ FunctionName: FN })));

await probe('iam.DeleteRole while a managed policy is attached', () => iam.send(new DeleteRoleCommand({ RoleName: ROLE })));
await probe('iam.DetachRolePolicy', () => iam.send(new DetachRolePolicyCommand({ RoleName: ROLE, PolicyArn: BASIC })));
await probe('iam.DetachRolePolicy the nonexistent policy attached above', () =>
  iam.send(new DetachRolePolicyCommand({ RoleName: ROLE, PolicyArn: 'arn:aws:iam::aws:policy/NoSuchPolicyXyz' })),
);
await probe('iam.DetachRolePolicy again (not attached)', () => iam.send(new DetachRolePolicyCommand({ RoleName: ROLE, PolicyArn: BASIC })));
await probe('iam.DeleteRole', () => iam.send(new DeleteRoleCommand({ RoleName: ROLE })));
await probe('iam.GetRole missing', () => iam.send(new GetRoleCommand({ RoleName: ROLE })));
await probe('iam.DeleteRole missing', () => iam.send(new DeleteRoleCommand({ RoleName: ROLE })));

// ---------------------------------------------------------------- reset
await probe('reset.POST /_ministack/reset clears everything?', async () => {
  const rr = await iam.send(new CreateRoleCommand({ RoleName: `reset-${RUN}`, AssumeRolePolicyDocument: trust }));
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: `reset-${RUN}`,
      Runtime: 'python3.13',
      Role: rr.Role?.Arn,
      Handler: 'lambda_function.lambda_handler',
      Code: { ZipFile: zip },
    }),
  );
  await apigw.send(new CreateRestApiCommand({ name: `reset-${RUN}` }));
  const p = await idp.send(new CreateUserPoolCommand({ PoolName: `reset-${RUN}` }));
  await idp.send(new CreateUserPoolDomainCommand({ Domain: `reset-${RUN}`, UserPoolId: p.UserPool?.Id }));
  const res = await fetch(`${endpoint}/_ministack/reset`, { method: 'POST' });
  const body = await res.text();
  const after = {
    roles: (await iam.send(new ListRolesCommand({}))).Roles?.map((r) => r.RoleName),
    functions: (await lambda.send(new ListFunctionsCommand({}))).Functions?.map((f) => f.FunctionName),
    restApis: (await apigw.send(new GetRestApisCommand({}))).items?.map((a) => a.name),
    userPools: (await idp.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools?.map((u) => u.Name),
    domain: (await idp.send(new DescribeUserPoolDomainCommand({ Domain: `reset-${RUN}` }))).DomainDescription,
  };
  return { status: res.status, body, after };
});

// ---------------------------------------------------------------- startup timing
if (ms) {
  await ms.stop();
  const times = [];
  for (let i = 0; i < extraStarts; i++) {
    const m = await startMinistack();
    times.push(m.startupMs);
    await m.stop();
  }
  note('meta.cold start times ms (spawn -> health OK), extra runs', times);
}

if (jsonOut) {
  fs.writeFileSync(jsonOut, `${JSON.stringify({ version: MINISTACK_VERSION, date: new Date().toISOString(), findings }, null, 2)}\n`);
  console.log(`\nwrote ${jsonOut}`);
}
await sleep(0);

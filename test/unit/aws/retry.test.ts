// The per-operation retry policy, through real SDK clients whose HTTP handler answers as the test
// says: a non-idempotent create is sent once after an outcome-unknown failure (5xx, reset) and
// again after a refusal (throttling, a connection that never opened); reads keep their retries.
import { Readable } from 'node:stream';
import { APIGatewayClient, CreateRestApiCommand, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { CognitoIdentityProviderClient, CreateUserPoolCommand, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { HttpResponse } from '@smithy/core/protocols';
import { describe, expect, it } from 'vitest';
import { isOutcomeUnknown, requestOutcome } from '../../../src/aws/outcome.js';
import { PolicyRetryStrategy, RETRY_POLICIES, applyRetryPolicies, retryPolicy } from '../../../src/aws/retry.js';

type Answer = { status: number; body: string; headers?: Record<string, string> } | { errno: string };

/** A request handler that gives the scripted answers in turn (the last one for ever) and counts requests. */
function scripted(answers: Answer[]) {
  let n = 0;
  const handler = {
    count: () => n,
    async handle() {
      const a = answers[Math.min(n++, answers.length - 1)]!;
      if ('errno' in a) throw Object.assign(new Error(`socket: ${a.errno}`), { code: a.errno });
      return { response: new HttpResponse({ statusCode: a.status, headers: { 'content-type': 'application/x-amz-json-1.1', ...a.headers }, body: Readable.from([Buffer.from(a.body)]) }) };
    },
  };
  return handler;
}

const cfg = (handler: ReturnType<typeof scripted>) => ({
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 4,
  retryStrategy: new PolicyRetryStrategy(4),
  requestHandler: handler,
});

const cognitoErr = (status: number, type: string) => ({ status, body: JSON.stringify({ __type: type, message: `${type} (test)` }) });
const pool = { status: 200, body: JSON.stringify({ UserPool: { Id: 'us-east-1_x', Name: 'p' } }) };
const apigwErr = (status: number, type: string) => ({ status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': type }, body: JSON.stringify({ message: type }) });

describe('per-operation retry policy', () => {
  it('lists every non-idempotent create of the stack, and only those', () => {
    expect(Object.keys(RETRY_POLICIES).filter((k) => !RETRY_POLICIES[k]!.idempotent).sort()).toEqual([
      'APIGateway.CreateAuthorizer', 'APIGateway.CreateDeployment', 'APIGateway.CreateResource', 'APIGateway.CreateRestApi',
      'CognitoIdentityProvider.AdminCreateUser', 'CognitoIdentityProvider.CreateResourceServer', 'CognitoIdentityProvider.CreateUserPool',
      'CognitoIdentityProvider.CreateUserPoolClient', 'CognitoIdentityProvider.CreateUserPoolDomain',
      'IAM.CreateRole', 'Lambda.AddPermission', 'Lambda.CreateFunction',
    ]);
    expect(retryPolicy('CognitoIdentityProvider.ListUserPools').idempotent).toBe(true);
  });

  it('CreateUserPool answered 500 is sent once, and the error says the outcome is unknown', async () => {
    const h = scripted([cognitoErr(500, 'InternalErrorException'), pool]);
    const c = applyRetryPolicies(new CognitoIdentityProviderClient(cfg(h)));
    const e = await c.send(new CreateUserPoolCommand({ PoolName: 'p' })).catch((x: unknown) => x);
    expect(h.count()).toBe(1);
    expect(isOutcomeUnknown(e)).toBe(true);
  });

  it('CreateRestApi on a reset connection is sent once', async () => {
    const h = scripted([{ errno: 'ECONNRESET' }, { status: 201, headers: { 'content-type': 'application/json' }, body: '{"id":"a"}' }]);
    const c = applyRetryPolicies(new APIGatewayClient(cfg(h)));
    const e = await c.send(new CreateRestApiCommand({ name: 'x' })).catch((x: unknown) => x);
    expect(h.count()).toBe(1);
    expect(requestOutcome(e)).toBe('unknown');
  });

  it('CreateUserPool refused by throttling is retried until it gets through', async () => {
    const h = scripted([cognitoErr(400, 'TooManyRequestsException'), pool]);
    const c = applyRetryPolicies(new CognitoIdentityProviderClient(cfg(h)));
    const out = await c.send(new CreateUserPoolCommand({ PoolName: 'p' }));
    expect(out.UserPool?.Id).toBe('us-east-1_x');
    expect(h.count()).toBe(2);
  });

  it('CreateRole whose connection was refused (never sent) is retried', async () => {
    const h = scripted([{ errno: 'ECONNREFUSED' }, { status: 200, headers: { 'content-type': 'text/xml' }, body: '<CreateRoleResponse><CreateRoleResult><Role><RoleName>r</RoleName><Arn>arn:aws:iam::1:role/r</Arn></Role></CreateRoleResult></CreateRoleResponse>' }]);
    const c = applyRetryPolicies(new IAMClient(cfg(h)));
    const out = await c.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: '{}' }));
    expect(out.Role?.Arn).toBe('arn:aws:iam::1:role/r');
    expect(h.count()).toBe(2);
  });

  it('reads keep the SDK retries on a 5xx and on a reset', async () => {
    const h = scripted([cognitoErr(500, 'InternalErrorException'), { errno: 'ECONNRESET' }, { status: 200, body: '{"UserPools":[]}' }]);
    const c = applyRetryPolicies(new CognitoIdentityProviderClient(cfg(h)));
    expect((await c.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools).toEqual([]);
    expect(h.count()).toBe(3);
    const g = scripted([apigwErr(503, 'ServiceUnavailableException'), { status: 200, headers: { 'content-type': 'application/json' }, body: '{"item":[]}' }]);
    const a = applyRetryPolicies(new APIGatewayClient(cfg(g)));
    await a.send(new GetRestApisCommand({}));
    expect(g.count()).toBe(2);
  });

  it('a validation error is not retried by anyone', async () => {
    const h = scripted([cognitoErr(400, 'InvalidParameterException'), pool]);
    const c = applyRetryPolicies(new CognitoIdentityProviderClient(cfg(h)));
    const e = await c.send(new CreateUserPoolCommand({ PoolName: 'p' })).catch((x: unknown) => x);
    expect(h.count()).toBe(1);
    expect(requestOutcome(e)).toBe('answered');
  });
});

describe('requestOutcome', () => {
  const sdk = (name: string, status?: number, extra: object = {}) => Object.assign(new Error(name), { name, $metadata: status ? { httpStatusCode: status } : {}, ...extra });
  it.each([
    ['TooManyRequestsException 400', sdk('TooManyRequestsException', 400), 'refused'],
    ['Throttling 400 (IAM, query)', sdk('Throttling', 400), 'refused'],
    ['any 429', sdk('LimitExceededException', 429), 'refused'],
    ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'refused'],
    ['ENOTFOUND inside the cause', Object.assign(new Error('x'), { cause: { code: 'ENOTFOUND' } }), 'refused'],
    ['InvalidParameterException 400', sdk('InvalidParameterException', 400), 'answered'],
    ['EntityAlreadyExists 409', sdk('EntityAlreadyExistsException', 409), 'answered'],
    ['InternalErrorException 500', sdk('InternalErrorException', 500), 'unknown'],
    ['ServiceUnavailable 503', sdk('ServiceUnavailableException', 503), 'unknown'],
    ['408 Request Timeout', sdk('RequestTimeout', 408), 'unknown'],
    ['ECONNRESET', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'unknown'],
    ['TimeoutError (request timeout)', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'unknown'],
    ['EPIPE', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }), 'unknown'],
  ])('%s -> %s', (_label, e, want) => {
    expect(requestOutcome(e)).toBe(want);
  });
});

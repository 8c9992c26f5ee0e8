// The budgets in the per-operation retry policy (src/aws/retry.ts): the strategy's decisions
// against a fake clock, and a real SDK client against a local server that answers like API
// Gateway's quota (429 + Retry-After).
import { APIGatewayClient, DeleteRestApiCommand, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetryErrorInfo, StandardRetryToken } from '@smithy/types';
import { PolicyRetryStrategy, RETRY_POLICIES, applyRetryPolicies, formatLeft, noted, tagError } from '../../../src/aws/retry.js';

const token = (n = 0): StandardRetryToken => ({ getRetryCount: () => n, getRetryDelay: () => 0, getRetryCost: () => undefined });
const throttle = (retryAfterSeconds?: string) => ({ errorType: 'THROTTLING' as const, error: Object.assign(new Error('Too Many Requests'), { name: 'TooManyRequestsException', retryAfterSeconds, $metadata: { httpStatusCode: 429 } }) });
const propagation = () => ({ errorType: 'CLIENT_ERROR' as const, error: Object.assign(new Error('The role defined for the function cannot be assumed by Lambda.'), { name: 'InvalidParameterValueException', $metadata: { httpStatusCode: 400 } }) });

/** Retry decisions for one request of `operation`, on a fake clock that the waits advance; stops at the first refusal. */
async function retries(operation: string, info: ReturnType<typeof throttle> | ReturnType<typeof propagation>, max = 100) {
  let t = 0;
  const notes: string[] = [];
  const s = new PolicyRetryStrategy(8, () => t);
  const delays: number[] = [];
  let error: unknown;
  // What the client's middleware does to every failed attempt of a request (started at 0).
  tagError(info.error, { key: operation, start: 0, note: (m) => notes.push(m) });
  let tok = token();
  try {
    for (let i = 0; i < max; i++) {
      tok = await s.refreshRetryTokenForRetry(tok, info as unknown as RetryErrorInfo);
      delays.push(tok.getRetryDelay());
      t += tok.getRetryDelay();
    }
  } catch (e) {
    error = e;
  }
  return { delays, notes, error, elapsed: t };
}

describe('the policy table', () => {
  it('gives API Gateway operations with a fixed quota a budget of at least 120 s, and CreateFunction 5 minutes of IAM propagation', () => {
    for (const op of ['CreateRestApi', 'DeleteRestApi', 'CreateDeployment']) expect(RETRY_POLICIES[`APIGateway.${op}`]!.throttleBudgetMs).toBeGreaterThanOrEqual(120_000);
    expect(RETRY_POLICIES['Lambda.CreateFunction']!.propagation!.budgetMs).toBe(300_000);
    // Five per second or per 2 s (limits.html): a budget of their own, and CreateResource is still never resent blindly.
    for (const op of ['GetResources', 'CreateResource', 'DeleteResource']) expect(RETRY_POLICIES[`APIGateway.${op}`]!.throttleBudgetMs).toBeGreaterThanOrEqual(60_000);
    expect(RETRY_POLICIES['APIGateway.CreateResource']!.idempotent).toBe(false);
    expect(RETRY_POLICIES['APIGateway.GetRestApis']).toBeUndefined();
  });

  it('formats a countdown', () => {
    expect(formatLeft(299_500)).toBe('5:00 left');
    expect(formatLeft(61_000)).toBe('1:01 left');
    expect(formatLeft(-5)).toBe('0:00 left');
  });
});

describe('PolicyRetryStrategy budgets', () => {
  it('waits what Retry-After says for a quota operation, past the SDK attempts, with the quota in the note', async () => {
    const r = await retries('APIGateway.DeleteRestApi', throttle('22'), 5);
    expect(r.error).toBeUndefined();
    expect(r.delays).toHaveLength(5); // more than the client's maxAttempts would allow... (8 in all here, 5 asked)
    for (const d of r.delays) expect(d).toBeGreaterThanOrEqual(22_000);
    expect(r.notes[0]).toBe('API Gateway allows one DeleteRestApi per 30 s in an account; waiting 22 s');
  });

  it('stops at the budget and rethrows the throttling error', async () => {
    const info = throttle('25');
    const r = await retries('APIGateway.DeleteRestApi', info);
    // 180 s / 25.25 s per wait (Retry-After plus a 250 ms margin): 7 waits fit, the 8th would pass the budget.
    expect(r.delays).toHaveLength(7);
    expect(r.error).toBe(info.error);
    expect(r.notes).toHaveLength(7);
    expect(r.notes[0]).toBe('API Gateway allows one DeleteRestApi per 30 s in an account; waiting 25 s');
  });

  it('CreateRestApi, a create, is still resent after a throttling answer (it ran nothing), with its own budget', async () => {
    const r = await retries('APIGateway.CreateRestApi', throttle('20'));
    expect(r.delays.length).toBeGreaterThanOrEqual(6);
    expect(r.notes[0]).toBe('API Gateway allows one CreateRestApi per 30 s (edge-optimized; per 3 s regional) in an account; waiting 20 s');
  });

  it('retries IAM propagation for CreateFunction with a countdown, up to 5 minutes', async () => {
    const info = propagation();
    const r = await retries('Lambda.CreateFunction', info);
    expect(r.error).toBe(info.error);
    expect(r.elapsed).toBeGreaterThan(280_000);
    expect(r.elapsed).toBeLessThanOrEqual(300_000);
    expect(r.notes[0]).toBe('waiting for the new IAM role to propagate to Lambda (AWS: usually seconds, up to minutes; 5:00 left)');
    expect(r.notes.at(-1)).toMatch(/0:\d\d left\)$/);
  });
});

describe('the IAM propagation schedule', () => {
  it('a retry lands at most 20% of the wait (or 1 s) after the role became assumable, and at most 5 s apart', async () => {
    const r = await retries('Lambda.CreateFunction', propagation());
    const tries = r.delays.reduce<number[]>((at, d) => [...at, (at.at(-1) ?? 0) + d], []);
    expect(Math.max(...r.delays)).toBe(5000);
    for (const ready of [300, 800, 2_000, 5_000, 8_000, 15_000, 40_000, 120_000, 250_000]) {
      const landed = tries.find((t) => t >= ready)!;
      expect(landed - ready, `role assumable after ${ready} ms: retried at ${landed} ms`).toBeLessThanOrEqual(Math.max(0.2 * ready, 1000));
    }
  });
});

describe('a real API Gateway client with the policy installed', () => {
  let server: http.Server;
  let endpoint: string;
  const seen: { method: string; at: number }[] = [];
  let throttled = 0;
  /** 5xx answers to give once the throttling is over. */
  let failing = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push({ method: req.method!, at: Date.now() });
        // API Gateway's answer to a call inside the quota window: 429 with Retry-After.
        if (throttled < 10) {
          throttled++;
          res.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException', 'retry-after': '0.05' });
          res.end(JSON.stringify({ message: 'Too Many Requests' }));
          return;
        }
        if (failing > 0) {
          failing--;
          res.writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalFailure' });
          res.end(JSON.stringify({ message: 'Internal failure' }));
          return;
        }
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('DeleteRestApi keeps going past the SDK attempts, honouring Retry-After, and notes each wait', async () => {
    const client = applyRetryPolicies(new APIGatewayClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 3, retryStrategy: new PolicyRetryStrategy(3) }));
    const notes: string[] = [];
    throttled = 0;
    seen.length = 0;
    await client.send(noted((m) => notes.push(m), new DeleteRestApiCommand({ restApiId: 'abc123' })));
    expect(seen).toHaveLength(11); // 10 throttled answers, then the call that went through: more than maxAttempts (3)
    expect(notes).toHaveLength(10);
    expect(notes[0]).toBe('API Gateway allows one DeleteRestApi per 30 s in an account; waiting 1 s');
    client.destroy();
  });

  it('a 5xx after the quota waits still gets the SDK attempts: the waits have their own budget and do not use them up', async () => {
    const client = applyRetryPolicies(new APIGatewayClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 3, retryStrategy: new PolicyRetryStrategy(3) }));
    throttled = 0;
    failing = 2; // two 5xx after ten quota waits: maxAttempts (3) allows exactly two retries
    seen.length = 0;
    await client.send(new DeleteRestApiCommand({ restApiId: 'abc123' }));
    expect(seen).toHaveLength(13);
    // The control: one 5xx more than the attempts allow still fails, with the 5xx.
    throttled = 0;
    failing = 3;
    seen.length = 0;
    await expect(client.send(new DeleteRestApiCommand({ restApiId: 'abc123' }))).rejects.toMatchObject({ name: 'InternalFailure' });
    expect(seen).toHaveLength(13);
    failing = 0;
    client.destroy();
  });

  it('a command noted twice and sent twice keeps one note, the last one given', async () => {
    const client = applyRetryPolicies(new APIGatewayClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 3, retryStrategy: new PolicyRetryStrategy(3) }));
    const first: string[] = [];
    const second: string[] = [];
    const command = new DeleteRestApiCommand({ restApiId: 'abc123' });
    throttled = 9; // one throttled answer, then through
    await client.send(noted((m) => first.push(m), command));
    throttled = 9;
    await client.send(noted((m) => second.push(m), command));
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    client.destroy();
  });

  it('an operation without a policy keeps the SDK retries (gives up after maxAttempts)', async () => {
    const client = applyRetryPolicies(new APIGatewayClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 2, retryStrategy: new PolicyRetryStrategy(2) }));
    throttled = 0;
    seen.length = 0;
    await expect(client.send(new GetRestApisCommand({}))).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    expect(seen).toHaveLength(2);
    client.destroy();
  });
});

describe('a real Lambda client with the policy installed: IAM propagation', () => {
  let server: http.Server;
  let endpoint: string;
  let refusals = 0;
  let seen = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen++;
        // Lambda's answer while a new role has not reached it yet: nothing was created.
        if (seen <= refusals) {
          res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'InvalidParameterValueException' });
          res.end(JSON.stringify({ message: 'The role defined for the function cannot be assumed by Lambda.' }));
          return;
        }
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ FunctionName: 'f', FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f', State: 'Pending' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('CreateFunction is sent again past the SDK attempts while the role propagates, with the countdown note; each error knows its operation', async () => {
    const client = applyRetryPolicies(new LambdaClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 2, retryStrategy: new PolicyRetryStrategy(2) }));
    const notes: string[] = [];
    refusals = 3;
    seen = 0;
    const out = await client.send(noted((m) => notes.push(m), new CreateFunctionCommand({ FunctionName: 'f', Role: 'arn:aws:iam::123456789012:role/r', Runtime: 'python3.13', Handler: 'h.h', Code: { ZipFile: new Uint8Array([1]) } })));
    expect(out.FunctionName).toBe('f');
    expect(seen).toBe(4); // 3 refusals, then the call that went through: more than maxAttempts (2)
    expect(notes).toHaveLength(3);
    expect(notes[0]).toMatch(/^waiting for the new IAM role to propagate to Lambda \(AWS: usually seconds, up to minutes; [45]:\d\d left\)$/);
    client.destroy();
  }, 15_000);

  it('without the policy\'s tag (another client), the same refusal ends after the SDK attempts', async () => {
    const client = new LambdaClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 2, retryStrategy: new PolicyRetryStrategy(2) });
    refusals = 3;
    seen = 0;
    await expect(client.send(new CreateFunctionCommand({ FunctionName: 'f', Role: 'arn:aws:iam::123456789012:role/r', Runtime: 'python3.13', Handler: 'h.h', Code: { ZipFile: new Uint8Array([1]) } }))).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    expect(seen).toBe(1); // a client error is not retried when the strategy does not know the operation
    client.destroy();
  });
});

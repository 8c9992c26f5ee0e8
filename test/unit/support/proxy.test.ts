// The fault proxy itself (test/support/proxy.ts): a fault "after" really lets the upstream run
// the request and then loses the answer; "before" never reaches it; keyed draws give the same
// faults to the same operations whatever order the requests arrive in.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCountingProxy, type CountingProxy } from '../../support/proxy.js';

let upstream: http.Server;
let ran: string[] = [];
let proxy: CountingProxy;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      ran.push(String(req.headers['x-amz-target']));
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  proxy = await startCountingProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
});
afterAll(async () => {
  await proxy.close();
  await new Promise((r) => upstream.close(r));
});

/** One Cognito-style JSON request through the proxy: its status, or 'reset'. */
function send(op: string): Promise<number | 'reset'> {
  return new Promise((resolve) => {
    const req = http.request(proxy.endpoint, { method: 'POST', headers: { 'x-amz-target': `AWSCognitoIdentityProviderService.${op}`, 'content-type': 'application/x-amz-json-1.1' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve('reset'));
    req.end('{}');
  });
}

describe('fault proxy', () => {
  it('"after" faults run the request upstream and lose the answer; "before" faults never reach it', async () => {
    proxy.clear();
    ran = [];
    proxy.faults = { rate: 1, kinds: ['error500', 'error503', 'reset', 'throttle'], seed: 3, maxConsecutive: 1000, afterShare: 0.5, key: (r) => r.operation };
    const answers: (number | 'reset')[] = [];
    for (let i = 0; i < 40; i++) answers.push(await send(`CreateUserPool${i % 4}`));
    proxy.faults = undefined;
    const after = proxy.injected.filter((f) => f.when === 'after');
    const before = proxy.injected.filter((f) => f.when === 'before');
    expect(proxy.injected).toHaveLength(40);
    expect(after.length).toBeGreaterThan(5);
    expect(before.length).toBeGreaterThan(5);
    // Exactly the "after" ones reached the upstream; nobody got a 200.
    expect(ran).toHaveLength(after.length);
    expect(answers.filter((a) => a === 200)).toEqual([]);
    expect(before.filter((f) => f.kind === 'throttle').length).toBe(proxy.injected.filter((f) => f.kind === 'throttle').length);
    expect(new Set(after.map((f) => f.kind))).toEqual(new Set(['error500', 'error503', 'reset']));
    expect(answers).toContain(503);
  });

  it('keyed draws: the n-th request of an operation gets the same fault whatever the arrival order', async () => {
    const run = async (order: string[]) => {
      proxy.clear();
      proxy.faults = { rate: 0.5, kinds: ['error500', 'throttle'], seed: 42, maxConsecutive: 1000, key: (r) => r.operation };
      for (const op of order) await send(op);
      proxy.faults = undefined;
      return proxy.injected.map((f) => `${f.operation} ${f.kind}`).sort();
    };
    const ops = ['ListUserPools', 'DescribeUserPool', 'CreateUserPool', 'ListUserPools', 'DescribeUserPool', 'ListUserPools'];
    const a = await run(ops);
    const b = await run([...ops].reverse());
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(0);
  });

  it('loseAnswerAt: the k-th write runs upstream, the client gets a 500', async () => {
    proxy.clear();
    ran = [];
    const at = proxy.loseAnswerAt({ k: 2, how: 'error500' });
    const answers = [await send('CreateUserPool'), await send('CreateUserPoolClient'), await send('CreateUserPoolDomain')];
    expect((await at).at?.operation).toBe('CreateUserPoolClient');
    expect(answers).toEqual([200, 500, 200]);
    expect(ran).toHaveLength(3);
  });
});

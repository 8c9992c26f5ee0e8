// The loopback callback server: one callback, state checked, 127.0.0.1 only, clean timeout.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startCallbackServer, type CallbackServer } from '../../../src/oauth/callback-server.js';

let server: CallbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const STATE = 'expected-state-value';
const get = (port: number, path: string, host = '127.0.0.1') =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host, port, path, method: 'GET', agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });

describe('loopback callback server', () => {
  it('resolves with the code when state matches, answers the browser, and stops listening', async () => {
    server = await startCallbackServer({ port: 0, expectedState: STATE, timeoutMs: 60_000 });
    expect(server.redirectUri).toBe(`http://localhost:${server.port}/callback`);
    const res = await get(server.port, `/callback?code=abc123&state=${STATE}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/Signed in/);
    await expect(server.code).resolves.toBe('abc123');
    // Stopped after one use: a second request finds nobody listening.
    await expect(get(server.port, `/callback?code=again&state=${STATE}`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses a callback whose state differs, and does not wait for another', async () => {
    server = await startCallbackServer({ port: 0, expectedState: STATE, timeoutMs: 60_000 });
    const res = await get(server.port, '/callback?code=abc123&state=forged');
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/state/);
    await expect(server.code).rejects.toMatchObject({ code: 'STATE_MISMATCH' });
    await expect(get(server.port, `/callback?code=abc123&state=${STATE}`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses a callback without state', async () => {
    server = await startCallbackServer({ port: 0, expectedState: STATE, timeoutMs: 60_000 });
    expect((await get(server.port, '/callback?code=abc123')).status).toBe(400);
    await expect(server.code).rejects.toMatchObject({ code: 'STATE_MISMATCH' });
  });

  it('passes on an OAuth error from the hosted UI with a hint', async () => {
    server = await startCallbackServer({ port: 0, expectedState: STATE, timeoutMs: 60_000 });
    await get(server.port, `/callback?error=invalid_request&error_description=invalid_scope&state=${STATE}`);
    await expect(server.code).rejects.toMatchObject({ code: 'OAUTH_ERROR', message: expect.stringMatching(/invalid_request \(invalid_scope\)/), hint: expect.stringMatching(/scope/) });
  });

  it('refuses a callback without a code', async () => {
    server = await startCallbackServer({ port: 0, expectedState: STATE, timeoutMs: 60_000 });
    await get(server.port, `/callback?state=${STATE}`);
    await expect(server.code).rejects.toMatchObject({ code: 'NO_CODE' });
  });

  it('answers 404 for other paths (a favicon) and 405 for other methods, without using up the callback', async () => {
    server = await startCallbackServer({ port: 0, expectedState: STATE, timeoutMs: 60_000 });
    expect((await get(server.port, '/favicon.ico')).status).toBe(404);
    const post = await fetch(`http://127.0.0.1:${server.port}/callback?code=x&state=${STATE}`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect((await get(server.port, `/callback?code=real&state=${STATE}`)).status).toBe(200);
    await expect(server.code).resolves.toBe('real');
  });

  it('answers 410 to a second callback that arrives before it has stopped', async () => {
    server = await startCallbackServer({ port: 0, expectedState: STATE, timeoutMs: 60_000 });
    const [a, b] = await Promise.allSettled([get(server.port, `/callback?code=one&state=${STATE}`), get(server.port, `/callback?code=two&state=${STATE}`)]);
    const statuses = [a, b].map((r) => (r.status === 'fulfilled' ? r.value.status : (r.reason as NodeJS.ErrnoException).code));
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200).every((s) => s === 410 || s === 'ECONNREFUSED' || s === 'ECONNRESET')).toBe(true);
    await expect(server.code).resolves.toMatch(/^(one|two)$/);
  });

  it('times out cleanly: rejects with TIMEOUT and stops listening', async () => {
    server = await startCallbackServer({ port: 0, expectedState: STATE, timeoutMs: 30 });
    await expect(server.code).rejects.toMatchObject({ code: 'TIMEOUT', hint: expect.stringMatching(/--timeout/) });
    await server.close();
    await expect(get(server.port, `/callback?code=late&state=${STATE}`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('listens on 127.0.0.1 only', async () => {
    server = await startCallbackServer({ port: 0, expectedState: STATE, timeoutMs: 60_000 });
    await expect(get(server.port, '/favicon.ico', '::1')).rejects.toMatchObject({ code: expect.stringMatching(/ECONNREFUSED|EADDRNOTAVAIL|ENETUNREACH/) });
    // Another process can still bind the same port on a different address, so we hold none of them.
    const other = createServer();
    await new Promise<void>((resolve, reject) => {
      other.once('error', reject);
      other.listen(server!.port, '127.0.0.2', () => resolve());
    }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EADDRNOTAVAIL') throw e; // 127.0.0.2 is not configured everywhere
    });
    await new Promise((r) => other.close(r));
  });

  it('says which flag to use when the port is taken', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as AddressInfo).port;
    try {
      await expect(startCallbackServer({ port, expectedState: STATE, timeoutMs: 1000 })).rejects.toMatchObject({ code: 'PORT_IN_USE', hint: expect.stringMatching(/--callback-port/) });
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });
});

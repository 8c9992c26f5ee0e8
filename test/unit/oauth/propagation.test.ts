// verify and token wait through AWS's documented propagation windows (up to 60 s) before failing.
import { describe, expect, it } from 'vitest';
import { notLiveYet } from '../../../src/commands/verify.js';
import { untilLive } from '../../../src/oauth/propagation.js';
import { requestToken } from '../../../src/oauth/token-client.js';

function clock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

describe('untilLive', () => {
  it('tries again while the answer is "not live yet", and returns the first final one', async () => {
    const answers = [{ status: 403, body: '{"message":"Missing Authentication Token"}' }, { status: 500, body: 'Internal server error' }, { status: 401, body: 'Unauthorized' }];
    const notes: string[] = [];
    const got = await untilLive(async () => answers.shift()!, notLiveYet, { ...clock(), note: (m) => notes.push(m) });
    expect(got.status).toBe(401);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/stage does not serve GET \/ yet .*AWS can take up to a minute/);
  });

  it("names the route checked, not the tutorial's GET /, when a route's stage is not served yet", () => {
    expect(notLiveYet({ status: 403, body: '{"message":"Missing Authentication Token"}' }, 'DELETE /messages/{id}')).toBe('the stage does not serve DELETE /messages/{id} yet (403 Missing Authentication Token)');
  });

  it('gives up after the 60 s window with the last answer (then it is reported as a failure)', async () => {
    const c = clock();
    let n = 0;
    const got = await untilLive(async () => (n++, { status: 404, body: 'Not Found' }), notLiveYet, c);
    expect(got.status).toBe(404);
    expect(c.now()).toBeLessThanOrEqual(60_000);
    expect(n).toBeGreaterThan(5);
  });

  it('does not retry an answer that is final (a 200, a 401)', async () => {
    let n = 0;
    await untilLive(async () => (n++, { status: 200, body: 'Hello World!' }), notLiveYet, clock());
    expect(n).toBe(1);
  });
});

describe('requestToken through a new domain', () => {
  it('waits while the domain answers 404, then gets the token', async () => {
    const answers = [new Response('Not Found', { status: 404 }), new Response(JSON.stringify({ access_token: 'a', token_type: 'Bearer', expires_in: 3600 }), { status: 200 })];
    let calls = 0;
    const fetchImpl = (async () => (calls++, answers.shift()!)) as unknown as typeof fetch;
    const t = await requestToken('https://x.auth.us-east-1.amazoncognito.com/oauth2/token', { clientId: 'c', clientSecret: 's' }, { grant_type: 'client_credentials' }, fetchImpl, clock());
    expect(t.access_token).toBe('a');
    expect(calls).toBe(2);
  });

  it('a domain that does not resolve yet is tried again too; after the window it is DOMAIN_UNREACHABLE', async () => {
    const fetchImpl = (async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } });
    }) as unknown as typeof fetch;
    const c = clock();
    await expect(requestToken('https://x.auth.us-east-1.amazoncognito.com/oauth2/token', { clientId: 'c' }, { grant_type: 'client_credentials' }, fetchImpl, c)).rejects.toMatchObject({ code: 'DOMAIN_UNREACHABLE' });
    expect(c.now()).toBeGreaterThan(50_000);
  });
});

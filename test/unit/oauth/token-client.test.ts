// The token endpoint client and the two flows, against a fake Cognito token endpoint on 127.0.0.1.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeChallenge } from '../../../src/oauth/pkce.js';
import { authorizationCodeFlow, basicAuthorization, buildAuthorizeUrl, clientCredentialsFlow, requestToken, tokenErrorHint } from '../../../src/oauth/token-client.js';

interface Seen {
  headers: IncomingMessage['headers'];
  form: URLSearchParams;
}
let server: Server;
let tokenUrl: string;
let seen: Seen[];
let answer: (form: URLSearchParams) => { status: number; body: unknown };

beforeEach(async () => {
  seen = [];
  answer = () => ({ status: 200, body: { access_token: 'a.b.c', token_type: 'Bearer', expires_in: 3600 } });
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      seen.push({ headers: req.headers, form });
      const a = answer(form);
      res.writeHead(a.status, { 'Content-Type': 'application/json' });
      res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`;
});
afterEach(() => new Promise((r) => server.close(r)));

const CLIENT = { clientId: 'client123', clientSecret: 'sekret' };

describe('token endpoint client', () => {
  it('authenticates with a Basic header (client id : secret) and a form body', async () => {
    const t = await clientCredentialsFlow(tokenUrl, CLIENT, ['api/read', 'api/write']);
    expect(t.access_token).toBe('a.b.c');
    expect(seen[0]!.headers.authorization).toBe(basicAuthorization(CLIENT));
    expect(Buffer.from(seen[0]!.headers.authorization!.slice(6), 'base64').toString()).toBe('client123:sekret');
    expect(seen[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(seen[0]!.form)).toEqual({ grant_type: 'client_credentials', scope: 'api/read api/write' });
  });

  it.each([
    ['invalid_client', /secret was refused/],
    ['invalid_scope', /scope missing on the client/],
    ['invalid_grant', /scope is not on the M2M client/],
    ['unauthorized_client', /M2M client/],
  ])('turns %s into an error with its likely cause', async (error, hint) => {
    answer = () => ({ status: 400, body: { error, error_description: 'details' } });
    await expect(clientCredentialsFlow(tokenUrl, CLIENT, ['x/y'])).rejects.toMatchObject({ code: 'TOKEN_ERROR', message: expect.stringContaining(`${error} (details)`), hint: expect.stringMatching(hint) });
  });

  it('explains an authorization-code refusal and an answer that is not JSON', async () => {
    expect(tokenErrorHint('invalid_grant', 'authorization_code')).toMatch(/expired, used twice|PKCE/);
    answer = () => ({ status: 502, body: '<html>bad gateway</html>' });
    await expect(requestToken(tokenUrl, CLIENT, { grant_type: 'client_credentials' })).rejects.toMatchObject({ message: expect.stringContaining('HTTP 502') });
  });

  it('says the domain may not be live yet when its name does not resolve', async () => {
    const err = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } });
    const failing = (() => Promise.reject(err)) as unknown as typeof fetch;
    // After the propagation window (a fake clock here: test/unit/oauth/propagation.test.ts).
    let t = 0;
    const clock = { now: () => t, sleep: async (ms: number) => void (t += ms) };
    await expect(requestToken('https://new-domain.auth.us-east-1.amazoncognito.com/oauth2/token', CLIENT, { grant_type: 'client_credentials' }, failing, clock)).rejects.toMatchObject({
      code: 'DOMAIN_UNREACHABLE',
      message: expect.stringContaining('new-domain.auth.us-east-1.amazoncognito.com'),
      hint: expect.stringMatching(/not live yet/),
    });
  });

  it('builds the authorize URL with response_type=code, PKCE S256 and state', () => {
    const u = new URL(buildAuthorizeUrl('https://d.auth.us-east-1.amazoncognito.com/oauth2/authorize', { clientId: 'c', redirectUri: 'http://localhost:8976/callback', scopes: ['openid', 'api/read'], state: 's1', codeChallenge: 'ch' }));
    expect(u.origin + u.pathname).toBe('https://d.auth.us-east-1.amazoncognito.com/oauth2/authorize');
    expect(Object.fromEntries(u.searchParams)).toEqual({ response_type: 'code', client_id: 'c', redirect_uri: 'http://localhost:8976/callback', scope: 'openid api/read', state: 's1', code_challenge: 'ch', code_challenge_method: 'S256' });
  });
});

describe('authorization code flow with PKCE', () => {
  it('sends the user to the authorize URL, takes the code from the loopback callback and redeems it with the verifier', async () => {
    answer = (form) => ({ status: 200, body: { access_token: `access-for-${form.get('code')}`, id_token: 'i.d.t', refresh_token: 'r', token_type: 'Bearer', expires_in: 3600 } });
    let authorize: URL | undefined;
    const t = await authorizationCodeFlow({
      authorizeUrl: 'https://d.auth.us-east-1.amazoncognito.com/oauth2/authorize',
      tokenUrl,
      client: CLIENT,
      scopes: ['openid', 'api/read'],
      port: 0,
      timeoutMs: 10_000,
      // The test is the browser: the hosted UI redirects to the loopback callback with code and state.
      present: async (url) => {
        authorize = new URL(url);
        const cb = new URL(authorize.searchParams.get('redirect_uri')!);
        cb.searchParams.set('code', 'the-code');
        cb.searchParams.set('state', authorize.searchParams.get('state')!);
        void fetch(cb.toString().replace('localhost', '127.0.0.1'));
      },
    });
    expect(t.access_token).toBe('access-for-the-code');
    const form = seen[0]!.form;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('redirect_uri')).toBe(authorize!.searchParams.get('redirect_uri'));
    expect(form.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+\/callback$/);
    expect(codeChallenge(form.get('code_verifier')!)).toBe(authorize!.searchParams.get('code_challenge'));
    expect(authorize!.searchParams.get('code_challenge_method')).toBe('S256');
    expect(seen[0]!.headers.authorization).toBe(basicAuthorization(CLIENT));
  });

  it('never redeems a code that came back with the wrong state', async () => {
    await expect(
      authorizationCodeFlow({
        authorizeUrl: 'https://d.example/oauth2/authorize',
        tokenUrl,
        client: CLIENT,
        scopes: ['api/read'],
        port: 0,
        timeoutMs: 10_000,
        present: (url) => {
          const cb = new URL(new URL(url).searchParams.get('redirect_uri')!.replace('localhost', '127.0.0.1'));
          cb.searchParams.set('code', 'stolen');
          cb.searchParams.set('state', 'attacker');
          void fetch(cb);
        },
      }),
    ).rejects.toMatchObject({ code: 'STATE_MISMATCH' });
    expect(seen).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { decodeClaims, JwtFormatError, scopesOf, summarizeClaims } from '../../../src/oauth/jwt.js';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: unknown) => `${b64({ alg: 'RS256', kid: 'k1' })}.${b64(claims)}.c2lnbmF0dXJl`;

describe('JWT claims (decode only)', () => {
  const access = { token_use: 'access', scope: 'hello-world-api/read.helloworld.message openid', client_id: 'abc', exp: 2_000_000_000, iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X', sub: 's', username: 'alice' };

  it('decodes the payload of a Cognito access token', () => {
    expect(decodeClaims(jwt(access))).toEqual(access);
    expect(decodeClaims(`  ${jwt(access)}\n`)).toEqual(access);
  });

  it('lists the scopes of an access token; an ID token has none', () => {
    expect(scopesOf(access)).toEqual(['hello-world-api/read.helloworld.message', 'openid']);
    expect(scopesOf({ token_use: 'id', aud: 'abc' })).toEqual([]);
  });

  it('summarizes token_use, scope, client_id (aud for ID tokens) and exp', () => {
    const now = 1_900_000_000_000;
    expect(summarizeClaims(access, now)).toMatchObject({ token_use: 'access', scope: access.scope, client_id: 'abc', exp: 2_000_000_000, expiresAt: '2033-05-18T03:33:20.000Z', expired: false, username: 'alice' });
    expect(summarizeClaims({ token_use: 'id', aud: 'abc', exp: 1, 'cognito:username': 'bob' }, now)).toMatchObject({ token_use: 'id', client_id: 'abc', expired: true, username: 'bob', scope: undefined });
  });

  it.each([
    ['two parts', 'a.b'],
    ['four parts', 'a.b.c.d'],
    ['non-base64url characters', 'a.b+c.d'],
    ['an empty payload', 'a..c'],
    ['a payload that is not JSON', `a.${Buffer.from('nope').toString('base64url')}.c`],
    ['a payload that is not an object', `a.${b64([1, 2])}.c`],
    ['an opaque string', 'not-a-token'],
  ])('refuses %s', (_name, token) => {
    expect(() => decodeClaims(token)).toThrow(JwtFormatError);
  });
});

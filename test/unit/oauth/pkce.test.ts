import { describe, expect, it } from 'vitest';
import { codeChallenge, codeVerifier, oauthState, pkcePair, sameSecret } from '../../../src/oauth/pkce.js';

describe('PKCE (RFC 7636)', () => {
  it('computes the S256 challenge of the RFC 7636 appendix B example', () => {
    expect(codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes verifiers of 43-128 unreserved characters, different every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const v = codeVerifier();
      expect(v).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
      seen.add(v);
    }
    expect(seen.size).toBe(50);
    expect(codeVerifier(96)).toHaveLength(128);
    expect(() => codeVerifier(31)).toThrow(RangeError);
    expect(() => codeVerifier(97)).toThrow(RangeError);
  });

  it('pairs a verifier with its challenge, method S256', () => {
    const p = pkcePair();
    expect(p.method).toBe('S256');
    expect(p.challenge).toBe(codeChallenge(p.verifier));
    expect(p.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/); // base64url of 32 bytes, no padding
  });

  it('makes unguessable state values and compares secrets exactly', () => {
    const a = oauthState();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(oauthState()).not.toBe(a);
    expect(sameSecret(a, a)).toBe(true);
    expect(sameSecret(a, a.slice(1))).toBe(false);
    expect(sameSecret(a, a.slice(0, -1) + (a.endsWith('A') ? 'B' : 'A'))).toBe(false);
    expect(sameSecret('', '')).toBe(true);
  });
});

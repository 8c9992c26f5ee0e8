// PKCE (RFC 7636) and the OAuth `state`: random values from the OS, base64url without padding.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 43-128 characters of [A-Za-z0-9-._~] (RFC 7636 section 4.1): 32 random bytes give 43. */
export function codeVerifier(bytes = 32): string {
  if (bytes < 32 || bytes > 96) throw new RangeError('a PKCE verifier needs 32-96 random bytes (43-128 characters)');
  return randomBytes(bytes).toString('base64url');
}

/** S256: BASE64URL(SHA256(ASCII(verifier))). */
export function codeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export interface Pkce {
  verifier: string;
  challenge: string;
  method: 'S256';
}

export function pkcePair(): Pkce {
  const verifier = codeVerifier();
  return { verifier, challenge: codeChallenge(verifier), method: 'S256' };
}

/** An unguessable `state` value that ties the callback to this run. */
export function oauthState(): string {
  return randomBytes(24).toString('base64url');
}

/** Compare two secrets in constant time (different lengths are simply unequal). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

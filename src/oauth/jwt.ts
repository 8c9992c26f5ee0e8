// Decode (never verify) a JWT's claims: enough to show what a token carries and to explain why an
// API refused it. Verification is the API's job (API Gateway checks signature, issuer and expiry).

export interface TokenClaims {
  token_use?: string;
  scope?: string;
  client_id?: string;
  aud?: string;
  exp?: number;
  iat?: number;
  iss?: string;
  sub?: string;
  username?: string;
  [claim: string]: unknown;
}

export class JwtFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwtFormatError';
  }
}

/** The payload of a compact JWS (header.payload.signature). Throws JwtFormatError on anything else. */
export function decodeClaims(token: string): TokenClaims {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)) || !parts[1]) {
    throw new JwtFormatError('not a JWT (expected three base64url parts separated by dots)');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    throw new JwtFormatError('the JWT payload is not JSON');
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new JwtFormatError('the JWT payload is not a JSON object');
  return payload as TokenClaims;
}

/** The scopes a token carries (Cognito: space-separated `scope` on access tokens; ID tokens have none). */
export function scopesOf(claims: TokenClaims): string[] {
  return typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
}

/** The claims worth printing: what decides whether API Gateway accepts the token. */
export function summarizeClaims(claims: TokenClaims, now = Date.now()) {
  const exp = typeof claims.exp === 'number' ? claims.exp : undefined;
  return {
    token_use: claims.token_use,
    scope: claims.scope,
    client_id: claims.client_id ?? claims.aud,
    exp,
    expiresAt: exp !== undefined ? new Date(exp * 1000).toISOString() : undefined,
    expired: exp !== undefined ? exp * 1000 <= now : undefined,
    iss: claims.iss,
    sub: claims.sub,
    username: claims.username ?? (claims['cognito:username'] as string | undefined),
  };
}

/**
 * JSON Web Tokens (RFC 7519) through jsonwebtoken, following RFC 8725's advice: one algorithm,
 * pinned when verifying (so `alg: none` and algorithm confusion are refused), the issuer and the
 * audience always checked, `exp` required, and a `token_use` claim so that an access token is
 * never accepted where a refresh token is expected, nor the reverse.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

export const ALGORITHM = 'HS256';
/**
 * No leeway on `exp`: the same service signs and verifies, on clocks AWS keeps in sync, so a
 * token is valid only while `exp` is in the future and GET /session never reports 0 seconds.
 */
export const CLOCK_TOLERANCE_SECONDS = 0;

export type TokenUse = 'access' | 'refresh';

export interface TokenClaims {
  iss: string;
  aud: string; // the client id the token was issued to
  sub: string; // the user id
  sid: string; // the session id
  jti: string; // this token's own id
  iat: number;
  exp: number;
  token_use: TokenUse;
}

export interface NewToken {
  use: TokenUse;
  issuer: string;
  clientId: string;
  userId: string;
  sessionId: string;
  expiresAt: number; // seconds since the epoch
}

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

export function signToken(key: KeyObject, token: NewToken, now = nowInSeconds()): string {
  const claims: TokenClaims = {
    iss: token.issuer,
    aud: token.clientId,
    sub: token.userId,
    sid: token.sessionId,
    jti: randomUUID(),
    iat: now,
    exp: token.expiresAt,
    token_use: token.use,
  };
  return jwt.sign(claims, key, { algorithm: ALGORITHM });
}

export interface VerifyOptions {
  use: TokenUse;
  issuer: string;
  /** The audiences accepted: one client id, or every registered one. */
  audiences: readonly string[];
}

function isString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Returns the verified claims, or throws InvalidTokenError with the reason (for logs only). */
export function verifyToken(key: KeyObject, token: string, options: VerifyOptions): TokenClaims {
  const [firstAudience, ...otherAudiences] = options.audiences;
  if (firstAudience === undefined) throw new InvalidTokenError('no audience is accepted');
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(token, key, {
      algorithms: [ALGORITHM],
      issuer: options.issuer,
      audience: [firstAudience, ...otherAudiences],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
  } catch (error) {
    // jsonwebtoken throws only its own errors (JsonWebTokenError, TokenExpiredError, ...).
    throw new InvalidTokenError((error as Error).name);
  }
  // jsonwebtoken checks exp only when it is present: a token without one would never expire.
  if (typeof payload === 'string' || typeof payload.exp !== 'number') throw new InvalidTokenError('no exp claim');
  if (typeof payload.iat !== 'number') throw new InvalidTokenError('no iat claim');
  if (payload['token_use'] !== options.use) throw new InvalidTokenError(`not an ${options.use} token`);
  const { aud, sub, jti } = payload;
  const sid: unknown = payload['sid'];
  if (!isString(aud) || !isString(sub) || !isString(sid) || !isString(jti) || !isString(payload.iss)) {
    throw new InvalidTokenError('missing claims');
  }
  return { iss: payload.iss, aud, sub, sid, jti, iat: payload.iat, exp: payload.exp, token_use: options.use };
}

export function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

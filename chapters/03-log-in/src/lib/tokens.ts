/**
 * Signing and verifying the JSON Web Tokens (RFC 7519) this service issues, through jsonwebtoken,
 * following RFC 8725's advice: one algorithm, pinned when verifying (so `alg: none` and
 * algorithm confusion are refused); the issuer and the audience always checked; `exp` required;
 * and a `token_use` claim so that an access token is never accepted where a refresh token is
 * expected, nor the reverse.
 *
 * The key is always a KeyObject (signing-key.ts caches one). Given a string or a Buffer,
 * jsonwebtoken builds a KeyObject on every call, about 40 times the cost of the whole check
 * (bench/token-check.ts measures it; the figures: the Performance page, npm run docs).
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { setting, text } from './config';

export const ALGORITHM = 'HS256';
/** The JOSE header of every token this service signs. */
export const TOKEN_HEADER = { alg: ALGORITHM, typ: 'JWT' } as const;

/** Who issues the tokens (`iss`): `urn:session-api:<stage>`, so no stage accepts another's. */
export const tokenIssuer = setting('TOKEN_ISSUER', text);

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

export function signToken(key: KeyObject, token: NewToken, now = nowInSeconds()): string {
  // #region step:sign-token
  // #start: throw
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
  return jwt.sign(claims, key, { algorithm: ALGORITHM, header: TOKEN_HEADER });
  // #endregion step:sign-token
}

export function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

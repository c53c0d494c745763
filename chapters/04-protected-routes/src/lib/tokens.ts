/**
 * Signing and verifying the JSON Web Tokens (RFC 7519) this service issues, through jsonwebtoken,
 * following RFC 8725's advice: one algorithm, pinned when verifying (so `alg: none` and
 * algorithm confusion are refused); the issuer and the audience always checked; `exp` required;
 * and a `token_use` claim so that an access token is never accepted where a refresh token is
 * expected, nor the reverse.
 *
 * jsonwebtoken checks the signature, the algorithm, exp, nbf, the issuer and the audience.
 * verifyToken adds only rules about what a token must hold (below), checked on what
 * jsonwebtoken has already verified. It never checks a signature itself: hand-written JWT
 * verification is how `alg: none` and algorithm confusion happen.
 *
 * The key is always a KeyObject (signing-key.ts caches one). Given a string or a Buffer,
 * jsonwebtoken builds a KeyObject on every call, about 40 times the cost of the whole check
 * (bench/token-check.ts measures it; the figures: the Performance page, npm run docs).
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { setting, text } from './config';

export const ALGORITHM = 'HS256';
/** The JOSE header of every token this service signs, and the only one verifyToken accepts. */
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
  return jwt.sign(claims, key, { algorithm: ALGORITHM, header: TOKEN_HEADER });
}

// #region verify-token
export interface VerifyOptions {
  use: TokenUse;
  issuer: string;
  /** The audiences accepted: one client id, or every registered one. */
  audiences: readonly string[];
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** NumericDate (RFC 7519 section 2), in whole seconds as this service writes it. */
function isSeconds(value: unknown): value is number {
  return Number.isSafeInteger(value);
}

/** Returns the verified claims, or throws InvalidTokenError with the reason (for logs only). */
export function verifyToken(key: KeyObject, token: string, options: VerifyOptions, now = nowInSeconds()): TokenClaims {
  const [firstAudience, ...otherAudiences] = options.audiences;
  if (firstAudience === undefined) throw new InvalidTokenError('no audience is accepted');
  let verified: jwt.Jwt;
  try {
    // #region step:verify-token
    // #start: const notWrittenYet = (): never => { throw new Error('Step "verify-token" is not written yet (chapter 4, "Verify tokens")'); };
    // #start: verified = notWrittenYet();
    verified = jwt.verify(token, key, {
      algorithms: [ALGORITHM],
      issuer: options.issuer,
      audience: [firstAudience, ...otherAudiences],
      // No leeway on exp: the same service signs and verifies, on clocks AWS keeps in sync, so
      // a token is valid only while exp is in the future and GET /session never reports 0 s.
      clockTolerance: 0,
      clockTimestamp: now,
      // The header too, for the header rule below.
      complete: true,
    });
    // #endregion step:verify-token
  } catch (error) {
    // jsonwebtoken's reason ('invalid signature', 'jwt expired', ...); anything it throws means
    // the token could not be verified.
    throw new InvalidTokenError(error instanceof Error ? error.message : 'not a token');
  }

  // What this service adds, on claims whose signature jsonwebtoken has checked:
  // - The header is the one it writes. jsonwebtoken ignores headers such as `crit` (which asks
  //   the verifier to understand an extension, or refuse), `kid` and `jku` (which ask it to
  //   pick or fetch a key the token names): a token carrying them is not one of ours.
  const { alg: _alg, typ, ...otherHeaders } = verified.header;
  if (typ !== TOKEN_HEADER.typ || Object.keys(otherHeaders).length > 0) throw new InvalidTokenError('not a header this service writes');
  const claims = verified.payload;
  if (typeof claims === 'string') throw new InvalidTokenError('payload is not an object');
  // - exp is required: jsonwebtoken checks exp only when it is present, and a token without one
  //   would never expire. exp and iat are whole seconds, as signToken writes them.
  if (!isSeconds(claims.exp)) throw new InvalidTokenError('no exp claim');
  if (!isSeconds(claims.iat)) throw new InvalidTokenError('no iat claim');
  // - The token is of the use expected here.
  if (claims['token_use'] !== options.use) throw new InvalidTokenError(`not an ${options.use} token`);
  // - aud is one string (jsonwebtoken has checked that it is an accepted one): jsonwebtoken
  //   also accepts an array holding an accepted audience, and this service never signs one.
  const { iss, aud, sub, jti } = claims;
  const sid: unknown = claims['sid'];
  if (typeof aud !== 'string') throw new InvalidTokenError('audience is not one client id');
  // - The ids the handlers rely on are there (jsonwebtoken has compared the issuer).
  if (typeof iss !== 'string' || !isNonEmptyString(sub) || !isNonEmptyString(sid) || !isNonEmptyString(jti)) throw new InvalidTokenError('missing claims');
  return { iss, aud, sub, sid, jti, iat: claims.iat, exp: claims.exp, token_use: options.use };
}
// #endregion verify-token

export function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

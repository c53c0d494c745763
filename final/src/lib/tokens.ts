/**
 * Checking the JSON Web Tokens (RFC 7519) this service issues, following RFC 8725's advice: one
 * algorithm, pinned; the issuer and the audience always checked; `exp` required; and a
 * `token_use` claim so that an access token is never accepted where a refresh token is expected,
 * nor the reverse. (Signing is in session-tokens.ts, through jsonwebtoken.)
 *
 * Why not jsonwebtoken.verify: the authorizer runs this on every request, and verification should
 * cost little more than its one HMAC. Measured against that floor (bench/README.md),
 * jsonwebtoken.verify costs about 3.2 times it whatever the options (among other things it
 * decodes the token twice and tests it against a regular expression), and jose's jwtVerify 3.7
 * times. This check is the HMAC plus one JSON.parse: about 1.7 times. It stays that small
 * because it accepts only what this service signs: one exact header, and the claims below.
 * tokens.test.ts checks every rule, and checks that it never accepts a token that
 * jsonwebtoken.verify would refuse.
 */
import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import { setting, text } from './config';

export const ALGORITHM = 'HS256';
/** The JOSE header of every token this service signs. */
export const TOKEN_HEADER = { alg: ALGORITHM, typ: 'JWT' } as const;
/**
 * The header as it appears in a token. Verification accepts this exact text and nothing else,
 * so `alg: none`, another algorithm, and headers such as `kid`, `jku` or `crit` (which would ask
 * the verifier to trust what the token says about itself) are all refused before anything else.
 */
const HEADER_AND_DOT = `${Buffer.from(JSON.stringify(TOKEN_HEADER)).toString('base64url')}.`;

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

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

export interface VerifyOptions {
  use: TokenUse;
  issuer: string;
  /** The audiences accepted: one client id, or every registered one. */
  audiences: readonly string[];
}

/**
 * Compares base64url text, not decoded bytes: Node's decoder skips characters it does not know,
 * so comparing bytes would accept many spellings of one signature. timingSafeEqual keeps the
 * time of the comparison from telling an attacker how much of a forged signature was right; the
 * length it may reveal is public (43 characters for HS256).
 */
function hasValidSignature(key: KeyObject, signingInput: string, signature: string): boolean {
  const expected = Buffer.from(createHmac('sha256', key).update(signingInput).digest('base64url'));
  const presented = Buffer.from(signature);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

function parseClaims(encodedPayload: string): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(encodedPayload, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidTokenError('payload is not JSON');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new InvalidTokenError('payload is not an object');
  return payload as Record<string, unknown>;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** NumericDate (RFC 7519 section 2), in whole seconds as this service writes it. */
function isSeconds(value: unknown): value is number {
  return Number.isSafeInteger(value);
}

/**
 * Returns the verified claims, or throws InvalidTokenError with the reason (for logs only). The
 * signature is checked before the payload is read: nothing in an unsigned payload is trusted,
 * not even its JSON.
 */
export function verifyToken(key: KeyObject, token: string, options: VerifyOptions, now = nowInSeconds()): TokenClaims {
  // A token is "<header>.<payload>.<signature>". Slicing (rather than split and join) keeps the
  // signed part a view of the token instead of a new string: this runs on every request.
  const lastDot = token.lastIndexOf('.');
  if (!token.startsWith(HEADER_AND_DOT) || lastDot <= HEADER_AND_DOT.length || token.indexOf('.', HEADER_AND_DOT.length) !== lastDot) {
    throw new InvalidTokenError('not a token this service signs');
  }
  if (!hasValidSignature(key, token.slice(0, lastDot), token.slice(lastDot + 1))) throw new InvalidTokenError('invalid signature');

  const payload = token.slice(HEADER_AND_DOT.length, lastDot);
  const claims = parseClaims(payload);
  const { iss, aud, sub, sid, jti, iat, exp, nbf } = claims;
  // No leeway on exp: the same service signs and verifies, on clocks AWS keeps in sync, so a
  // token is valid only while exp is in the future and GET /session never reports 0 seconds.
  if (!isSeconds(exp)) throw new InvalidTokenError('no exp claim');
  if (now >= exp) throw new InvalidTokenError('expired');
  if (nbf !== undefined && !(isSeconds(nbf) && nbf <= now)) throw new InvalidTokenError('not valid yet');
  if (!isSeconds(iat)) throw new InvalidTokenError('no iat claim');
  if (claims['token_use'] !== options.use) throw new InvalidTokenError(`not an ${options.use} token`);
  if (iss !== options.issuer) throw new InvalidTokenError('another issuer');
  // This service writes aud as one string; an array is not something it signed.
  if (!isNonEmptyString(aud) || !options.audiences.includes(aud)) throw new InvalidTokenError('audience not accepted');
  if (!isNonEmptyString(sub) || !isNonEmptyString(sid) || !isNonEmptyString(jti)) throw new InvalidTokenError('missing claims');
  return { iss, aud, sub, sid, jti, iat, exp, token_use: options.use };
}

export function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

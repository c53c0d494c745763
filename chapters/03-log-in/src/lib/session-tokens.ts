/**
 * The pair of tokens a log-in or a refresh hands out, with the JSON body that carries them (the
 * field names follow OAuth 2.0's token response, RFC 6749 section 5.1). Each token is signed by
 * tokens.ts.
 */
import type { KeyObject } from 'node:crypto';
import { positiveInteger, setting } from './config';
import type { Session } from './sessions';
import { hashRefreshToken } from './sessions';
import { signToken, tokenIssuer } from './tokens';

/** How long an access token lives (config/<stage>.yml accessTokenTtlSeconds). */
const accessTokenLifetimeSeconds = setting('ACCESS_TOKEN_TTL_SECONDS', positiveInteger);

export interface TokenResponse {
  token_type: 'Bearer';
  access_token: string;
  access_token_expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
}

export interface IssuedTokens {
  body: TokenResponse;
  /** What the session stores instead of the refresh token itself. */
  refreshTokenHash: string;
}

type SessionRef = Pick<Session, 'sessionId' | 'userId' | 'clientId' | 'expiresAt'>;

// #region issue-tokens
export function issueTokens(key: KeyObject, session: SessionRef, now: number): IssuedTokens {
  // An access token never outlives its session.
  const accessExpiresAt = Math.min(now + accessTokenLifetimeSeconds(), session.expiresAt);
  const common = { issuer: tokenIssuer(), clientId: session.clientId, userId: session.userId, sessionId: session.sessionId };
  const accessToken = signToken(key, { ...common, use: 'access', expiresAt: accessExpiresAt }, now);
  const refreshToken = signToken(key, { ...common, use: 'refresh', expiresAt: session.expiresAt }, now);
  return {
    body: {
      token_type: 'Bearer',
      access_token: accessToken,
      access_token_expires_in: accessExpiresAt - now,
      refresh_token: refreshToken,
      refresh_token_expires_in: session.expiresAt - now,
    },
    refreshTokenHash: hashRefreshToken(refreshToken),
  };
}
// #endregion issue-tokens

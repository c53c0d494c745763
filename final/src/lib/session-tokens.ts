/**
 * The pair of tokens a log-in or a refresh hands out, and the JSON body that carries them
 * (the field names follow OAuth 2.0's token response, RFC 6749 section 5.1).
 */
import type { KeyObject } from 'node:crypto';
import type { Config } from './config';
import type { Session } from './sessions';
import { hashRefreshToken } from './sessions';
import { signToken } from './tokens';

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

export function issueTokens(key: KeyObject, settings: Pick<Config, 'tokenIssuer' | 'accessTokenTtlSeconds'>, session: SessionRef, now: number): IssuedTokens {
  // An access token never outlives its session.
  const accessExpiresAt = Math.min(now + settings.accessTokenTtlSeconds, session.expiresAt);
  const common = { issuer: settings.tokenIssuer, clientId: session.clientId, userId: session.userId, sessionId: session.sessionId };
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

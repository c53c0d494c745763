/**
 * Sessions: one item per log-in, keyed by a random session id (the tokens' `sid`). The item
 * holds only a SHA-256 hash of the current refresh token, never the token: a leaked table
 * cannot be replayed.
 */
import { createHash, randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { positiveInteger, setting, text } from './config';
import { db } from './dynamodb';

const sessionsTable = setting('SESSIONS_TABLE', text);
/** How long a session lasts from log-in (config/<stage>.yml sessionTtlSeconds). */
const sessionLifetimeSeconds = setting('SESSION_TTL_SECONDS', positiveInteger);

export interface Session {
  sessionId: string;
  userId: string;
  email: string;
  clientId: string;
  createdAt: number; // seconds since the epoch
  /** Fixed at log-in; refreshing never extends it. Also the DynamoDB TTL attribute. */
  expiresAt: number;
}

interface SessionItem extends Session {
  refreshTokenHash: string;
}

export function newSession(owner: { userId: string; email: string; clientId: string }, now: number): Session {
  return { sessionId: randomUUID(), ...owner, createdAt: now, expiresAt: now + sessionLifetimeSeconds() };
}

/** Refresh tokens are long random-signed strings, so a fast hash is enough (no salt needed). */
export function hashRefreshToken(refreshToken: string): string {
  return createHash('sha256').update(refreshToken).digest('base64url');
}

export async function saveSession(session: Session, refreshTokenHash: string): Promise<void> {
  // #region step:save-session
  // #start: throw
  const item: SessionItem = { ...session, refreshTokenHash };
  await db().send(
    new PutCommand({ TableName: sessionsTable(), Item: item, ConditionExpression: 'attribute_not_exists(sessionId)' }),
  );
  // #endregion step:save-session
}

/**
 * Sessions: one item per log-in, keyed by a random session id (the tokens' `sid`). The item
 * holds only a SHA-256 hash of the current refresh token, never the token: a leaked table
 * cannot be replayed. Access tokens are checked against the session on every request, so
 * ending the session ends its access tokens too (the 2016 original never did).
 */
import { createHash, randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
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
  revokedAt?: number;
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
  const item: SessionItem = { ...session, refreshTokenHash };
  await db().send(
    new PutCommand({ TableName: sessionsTable(), Item: item, ConditionExpression: 'attribute_not_exists(sessionId)' }),
  );
}

// #region find-active-session
/**
 * The session if it may still be used: it exists, was not revoked, and has not expired. Expiry
 * is checked here because DynamoDB's TTL deletes expired items late (up to days), by design.
 */
export async function findActiveSession(sessionId: string, now: number): Promise<Session | undefined> {
  const result = await db().send(new GetCommand({ TableName: sessionsTable(), Key: { sessionId }, ConsistentRead: true }));
  const item = result.Item as SessionItem | undefined;
  if (!item || item.revokedAt !== undefined || item.expiresAt <= now) return undefined;
  const { refreshTokenHash: _hash, ...session } = item;
  return session;
}
// #endregion find-active-session

/**
 * Sessions: one item per log-in, keyed by a random session id (the tokens' `sid`). The item
 * holds only a SHA-256 hash of the current refresh token, never the token: a leaked table
 * cannot be replayed. Access tokens are checked against the session on every request, so
 * ending the session ends its access tokens too (the 2016 original never did).
 */
import { createHash, randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { positiveInteger, setting, text } from './config';
import { isConditionalCheckFailed } from './database-errors';
import { db } from './dynamodb';
import { CHALLENGES, Problem } from './problem';

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

// #region rotate-refresh-token
/**
 * The one answer to a refresh token that is refused, whatever the reason (forged, expired,
 * reused or revoked): the client cannot tell which, so an attacker learns nothing from it.
 */
export function invalidRefreshToken(): Problem {
  return new Problem('invalid_token', 'The refresh token is not valid.', { 'WWW-Authenticate': CHALLENGES.refreshToken });
}

export interface Rotation {
  sessionId: string;
  userId: string;
  clientId: string;
  presentedHash: string;
  nextHash: string;
  now: number;
}

/**
 * Swaps the session's refresh token hash for the next one in ONE conditional write: the write
 * succeeds only if the presented token is still the current one. Two refreshes with the same
 * token at the same moment cannot both pass that condition, so exactly one succeeds.
 */
export async function rotateRefreshToken(rotation: Rotation): Promise<void> {
  try {
    // #region step:rotate
    await db().send(
      new UpdateCommand({
        TableName: sessionsTable(),
        Key: { sessionId: rotation.sessionId },
        UpdateExpression: 'SET refreshTokenHash = :next, rotatedAt = :now',
        ConditionExpression:
          'refreshTokenHash = :presented AND userId = :userId AND clientId = :clientId AND expiresAt > :now AND attribute_not_exists(revokedAt)',
        ExpressionAttributeValues: {
          ':next': rotation.nextHash,
          ':presented': rotation.presentedHash,
          ':userId': rotation.userId,
          ':clientId': rotation.clientId,
          ':now': rotation.now,
        },
      }),
    );
    // #endregion step:rotate
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    // The SDK retries a call that timed out; if the first try was written after all, the
    // session already holds our next hash: the rotation succeeded, it is not a reuse.
    if (await currentRefreshTokenHash(rotation.sessionId) === rotation.nextHash) return;
    await revokeIfReused(rotation);
    throw invalidRefreshToken();
  }
}

async function currentRefreshTokenHash(sessionId: string): Promise<string | undefined> {
  const result = await db().send(new GetCommand({ TableName: sessionsTable(), Key: { sessionId }, ConsistentRead: true, ProjectionExpression: 'refreshTokenHash' }));
  return (result.Item as Pick<SessionItem, 'refreshTokenHash'> | undefined)?.refreshTokenHash;
}
// #endregion rotate-refresh-token

// #region revoke-if-reused
/**
 * A correctly signed refresh token of this session that is no longer the current one was
 * already used: someone holds a copy (OAuth 2.0 Security BCP, refresh token rotation). We
 * cannot tell the thief from the user, so the whole session ends, newest tokens included.
 */
async function revokeIfReused(rotation: Rotation): Promise<void> {
  try {
    // #region step:reuse
    await db().send(
      new UpdateCommand({
        TableName: sessionsTable(),
        Key: { sessionId: rotation.sessionId },
        UpdateExpression: 'SET revokedAt = :now, revokedReason = :reason',
        // Not when the session holds our own next hash: that is a retried rotation, not a reuse.
        ConditionExpression:
          'attribute_exists(sessionId) AND refreshTokenHash <> :presented AND refreshTokenHash <> :next AND attribute_not_exists(revokedAt)',
        ExpressionAttributeValues: { ':now': rotation.now, ':presented': rotation.presentedHash, ':next': rotation.nextHash, ':reason': 'refresh_token_reused' },
      }),
    );
    // #endregion step:reuse
  } catch (error) {
    // Nothing to revoke: the session is gone, already revoked, or the token is current but the
    // session expired. Either way the refresh is refused.
    if (!isConditionalCheckFailed(error)) throw error;
  }
}
// #endregion revoke-if-reused

// #region revoke-session
/** Log-out: afterwards the session's access and refresh tokens are refused. */
export async function revokeSession(sessionId: string, now: number): Promise<void> {
  // #region step:log-out.2
  await db().send(
    new UpdateCommand({
      TableName: sessionsTable(),
      Key: { sessionId },
      UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now), revokedReason = if_not_exists(revokedReason, :reason)',
      ConditionExpression: 'attribute_exists(sessionId)',
      ExpressionAttributeValues: { ':now': now, ':reason': 'logged_out' },
    }),
  );
  // #endregion step:log-out.2
}
// #endregion revoke-session

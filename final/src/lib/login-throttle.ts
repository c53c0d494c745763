/**
 * Slows down password guessing: after `maxFailures` failed log-ins for one email within a window,
 * further attempts for that email are refused (429) until the window has passed. It counts by
 * email, whether or not an account exists, so a 429 says nothing about who has an account.
 * Items carry a TTL so DynamoDB removes old windows by itself.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { positiveInteger, setting, text } from './config';
import { isConditionalCheckFailed } from './database-errors';
import { db } from './dynamodb';

const attemptsTable = setting('LOGIN_ATTEMPTS_TABLE', text);
/** config/<stage>.yml loginThrottle: at most maxFailures failed log-ins per windowSeconds. */
const maxFailures = setting('LOGIN_MAX_FAILURES', positiveInteger);
const windowSeconds = setting('LOGIN_WINDOW_SECONDS', positiveInteger);

interface AttemptsItem {
  email: string;
  failures: number;
  windowEndsAt: number; // seconds since the epoch; also the TTL attribute
}

/** Seconds until this email may try again, or 0 if it may try now. */
export async function secondsUntilAllowed(email: string, now: number): Promise<number> {
  const result = await db().send(new GetCommand({ TableName: attemptsTable(), Key: { email }, ConsistentRead: true }));
  const item = result.Item as AttemptsItem | undefined;
  if (!item || item.windowEndsAt <= now || item.failures < maxFailures()) return 0;
  return item.windowEndsAt - now;
}

/** Counts one failed log-in: adds to the current window, or starts a new one. */
export async function recordFailure(email: string, now: number): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: attemptsTable(),
        Key: { email },
        UpdateExpression: 'ADD failures :one',
        ConditionExpression: 'windowEndsAt > :now',
        ExpressionAttributeValues: { ':one': 1, ':now': now },
      }),
    );
    return;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
  // No open window: start one. The condition stops two concurrent failures from both starting
  // a window (and one erasing the other's count); the loser adds to the winner's window.
  const item: AttemptsItem = { email, failures: 1, windowEndsAt: now + windowSeconds() };
  try {
    await db().send(
      new PutCommand({
        TableName: attemptsTable(),
        Item: item,
        ConditionExpression: 'attribute_not_exists(email) OR windowEndsAt <= :now',
        ExpressionAttributeValues: { ':now': now },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    await db().send(
      new UpdateCommand({
        TableName: attemptsTable(),
        Key: { email },
        UpdateExpression: 'ADD failures :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }
}

/**
 * Slows down password guessing: at most `maxFailures` passwords are checked, and found wrong,
 * for one email within a window of `windowSeconds`; further attempts get 429 until the window
 * has passed. It counts by email, whether or not an account exists, so a 429 says nothing about
 * who has an account. Items carry a TTL so DynamoDB removes old windows by itself.
 *
 * An attempt is counted BEFORE its password is checked, in one conditional write that refuses
 * once the window is full. Reading the count, checking the password (bcrypt, ~80 ms) and writing
 * the failure afterwards would let every request that arrives during those 80 ms through: 30
 * log-ins at the same moment would all be checked, not 10. After the check the handler keeps
 * the attempt (a wrong password: it is a failure) or takes it back (the right one).
 *
 * Each attempt is a random id in a string set, not a number in a counter, because adding and
 * removing an element of a set can be repeated without changing the result. The SDK retries a
 * call that timed out, and a timed-out write may have landed: a retried counter increment would
 * count one attempt twice, a retried decrement would forget a failure. The set stays right.
 */
import { randomUUID } from 'node:crypto';
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
  /** The attempts of this window that count: those being checked and those that failed. */
  attemptIds?: Set<string>; // DynamoDB has no empty set: the attribute goes with its last id
  windowEndsAt: number; // seconds since the epoch; also the TTL attribute
}

/** One log-in attempt that was counted; give it back with releaseAttempt if it succeeds. */
export interface Attempt {
  email: string;
  id: string;
}

export type Admission = { allowed: true; attempt: Attempt } | { allowed: false; retryAfterSeconds: number };

/**
 * How many times countAttempt goes round when the window changes under it (another request
 * opened it, or freed a place). Each round needs such a change, so a third is already rare.
 */
const MAX_ROUNDS = 3;

// #region count-attempt
/**
 * Counts one log-in attempt for this email, if its window has room: call it before checking the
 * password. Refused, it says how many seconds until the window ends.
 */
export async function countAttempt(email: string, now: number): Promise<Admission> {
  const attempt: Attempt = { email, id: randomUUID() };
  for (let round = 1; round <= MAX_ROUNDS; round += 1) {
    if (await addToOpenWindow(attempt, now)) return { allowed: true, attempt };
    const window = await readWindow(email);
    if (window && window.windowEndsAt > now && (window.attemptIds?.size ?? 0) >= maxFailures()) {
      return { allowed: false, retryAfterSeconds: window.windowEndsAt - now };
    }
    if (window && window.windowEndsAt <= now && (await startNewWindow(attempt, now))) return { allowed: true, attempt };
    // The window changed between the calls (another request started a new one, or a log-in
    // gave its place back): count again.
  }
  // Still no answer after several changes in a few milliseconds: refuse, and let the client
  // retry in a moment, rather than check a password the window may have no room for.
  return { allowed: false, retryAfterSeconds: 1 };
}
// #endregion count-attempt

// #region add-to-open-window
/**
 * Adds the attempt to the current window, or starts the first one, if there is room. One
 * conditional write, so two requests can never both take the last place.
 */
async function addToOpenWindow(attempt: Attempt, now: number): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: attemptsTable(),
        Key: { email: attempt.email },
        // #region step:conditional-write
        UpdateExpression: 'SET windowEndsAt = if_not_exists(windowEndsAt, :newWindowEndsAt) ADD attemptIds :attempt',
        // No item yet, or a window that is still open and has room. contains(): this attempt
        // is counted already (a retried write whose first try landed), so counting it again
        // changes nothing and must not be refused.
        ConditionExpression:
          'attribute_not_exists(email) OR (windowEndsAt > :now AND (attribute_not_exists(attemptIds) OR contains(attemptIds, :id) OR size(attemptIds) < :max))',
        ExpressionAttributeValues: {
          ':attempt': new Set([attempt.id]),
          ':id': attempt.id,
          ':now': now,
          ':max': maxFailures(),
          ':newWindowEndsAt': now + windowSeconds(),
        },
        // #endregion step:conditional-write
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    return false;
  }
}
// #endregion add-to-open-window

async function readWindow(email: string): Promise<AttemptsItem | undefined> {
  const result = await db().send(new GetCommand({ TableName: attemptsTable(), Key: { email }, ConsistentRead: true }));
  return result.Item as AttemptsItem | undefined;
}

/**
 * The last window has ended: a new one starts with this attempt. The condition stops two
 * requests from both starting one (the second would erase the first's attempt).
 */
async function startNewWindow(attempt: Attempt, now: number): Promise<boolean> {
  const item: AttemptsItem = { email: attempt.email, attemptIds: new Set([attempt.id]), windowEndsAt: now + windowSeconds() };
  try {
    await db().send(
      new PutCommand({
        TableName: attemptsTable(),
        Item: item,
        ConditionExpression: 'attribute_not_exists(email) OR windowEndsAt <= :now',
        ExpressionAttributeValues: { ':now': now },
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    return false;
  }
}

/**
 * Takes a counted attempt back: the password was right, so it was no failure. Only this
 * attempt's own place is freed; failures that others counted in the window stay (clearing the
 * window on a success would also forget the attempts whose passwords are being checked at this
 * moment, and give an attacker racing the real user a fresh set of guesses).
 */
export async function releaseAttempt(attempt: Attempt): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: attemptsTable(),
        Key: { email: attempt.email },
        UpdateExpression: 'DELETE attemptIds :attempt',
        // Without a condition, an update of a missing item would create one (without a TTL).
        ConditionExpression: 'contains(attemptIds, :id)',
        ExpressionAttributeValues: { ':attempt': new Set([attempt.id]), ':id': attempt.id },
      }),
    );
  } catch (error) {
    // Not there: a retried call whose first try landed, or a new window replaced this one.
    // Either way the attempt no longer counts.
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

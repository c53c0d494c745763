/**
 * User accounts. The table's key is the canonical email, so "one account per email" is the
 * primary key itself, enforced by one conditional write: no read-then-write race, and no second
 * item that a failure could leave half-written. (The 2016 original looked emails up through an
 * eventually consistent index, so two sign-ups at the same moment could both succeed.)
 * The user id is a random UUID: it goes into tokens, the email never does.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { setting, text } from './config';
import { isConditionalCheckFailed } from './database-errors';
import { db } from './dynamodb';
import { Problem } from './problem';

const usersTable = setting('USERS_TABLE', text);

export interface User {
  id: string;
  email: string;
  createdAt: string; // ISO 8601
}

interface UserItem extends User {
  passwordHash: string;
}

// #region create-user
export async function createUser(email: string, passwordHash: string, now = new Date()): Promise<User> {
  // #region step:create-user
  // #start: throw
  const item: UserItem = { email, id: randomUUID(), passwordHash, createdAt: now.toISOString() };
  try {
    await db().send(
      new PutCommand({ TableName: usersTable(), Item: item, ConditionExpression: 'attribute_not_exists(email)' }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    // The SDK retries a call that timed out; if the first try was written after all, the retry
    // finds "our own" account. That is a success, not someone else's email.
    const existing = await findUserByEmail(email);
    if (existing?.id !== item.id) throw new Problem('email_taken', 'An account with this email already exists.');
  }
  return { id: item.id, email: item.email, createdAt: item.createdAt };
  // #endregion step:create-user
}
// #endregion create-user

/** The account and its password hash, read consistently (a sign-up is visible at once). */
export async function findUserByEmail(email: string): Promise<UserItem | undefined> {
  const result = await db().send(new GetCommand({ TableName: usersTable(), Key: { email }, ConsistentRead: true }));
  return result.Item as UserItem | undefined;
}

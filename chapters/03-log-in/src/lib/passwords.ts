/**
 * Password rules and hashing. NIST SP 800-63B's advice: a minimum length, no composition rules,
 * Unicode normalization, a slow salted hash. bcrypt reads at most 72 bytes and bcryptjs silently
 * ignores the rest, so a longer password is refused instead of being truncated without the user
 * knowing.
 */
import bcrypt from 'bcryptjs';
import { z } from 'zod';
import { positiveInteger, setting } from './config';
import { unicodeText } from './text';

/** bcrypt's cost (config/<stage>.yml bcryptCost): OWASP asks for at least 10. */
const bcryptCost = setting('BCRYPT_COST', positiveInteger.pipe(z.number().min(10, { error: 'must be at least 10' }).max(31)));

export const MIN_PASSWORD_CHARACTERS = 12;
export const MAX_PASSWORD_BYTES = 72;

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
// Count characters as people see them (code points), not UTF-16 units.
const characters = (text: string): number => [...text].length;

/**
 * "é" typed on one keyboard may arrive as one code point and on another as "e" plus an accent:
 * NFKC makes them the same password. The limits apply to what is actually hashed. A password
 * holding U+FFFD is refused (text.ts): bytes that are not UTF-8 become that character, so
 * different passwords would otherwise hash alike.
 */
const normalizedPassword = unicodeText.transform((password) => password.normalize('NFKC'));

export const newPasswordSchema = normalizedPassword
  .refine((password) => characters(password) >= MIN_PASSWORD_CHARACTERS, {
    message: `must be at least ${MIN_PASSWORD_CHARACTERS} characters`,
  })
  .refine((password) => utf8Bytes(password) <= MAX_PASSWORD_BYTES, {
    message: `must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8`,
  });

// #region login-password
/** At log-in only the byte limit applies: anything else is simply a wrong password. */
export const loginPasswordSchema = normalizedPassword
  .refine((password) => password.length > 0, { message: 'is required' })
  .refine((password) => utf8Bytes(password) <= MAX_PASSWORD_BYTES, {
    message: `must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8`,
  });
// #endregion login-password

export function hashPassword(password: string, cost = bcryptCost()): Promise<string> {
  return bcrypt.hash(password, cost);
}

// #region verify-password
// #region dummy-hash
/**
 * A well-formed bcrypt hash that no password matches, used when the email is unknown so that
 * the log-in does the same work, and takes the same time, as for a wrong password.
 */
export function dummyHash(cost: number): string {
  return `$2b$${String(cost).padStart(2, '0')}$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy`;
}
// #endregion dummy-hash

/** Always runs one bcrypt comparison, whether or not there is a stored hash. */
export async function verifyPassword(password: string, storedHash: string | undefined, cost = bcryptCost()): Promise<boolean> {
  // #region step:verify-password
  // #start: throw
  const matches = await bcrypt.compare(password, storedHash ?? dummyHash(cost));
  return storedHash !== undefined && matches;
  // #endregion step:verify-password
}
// #endregion verify-password

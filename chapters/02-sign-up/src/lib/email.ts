/**
 * One account per email, whatever way it is typed: " Ann@Example.com", "ann@example.com" and the
 * same address in another Unicode normalization are the same identity. The canonical form is
 * what is stored and compared, never the raw input.
 */
import { z } from 'zod';
import { unicodeText } from './text';

export const MAX_EMAIL_LENGTH = 254; // RFC 5321's limit on a forward path

/**
 * Control characters (Unicode category Cc: NUL, line feeds, ...) and format characters (Cf:
 * zero-width spaces, joiners, direction marks, ...) are invisible: "\u200bann@example.com" looks
 * like "ann@example.com" but would be another account. Tabs and spaces around the address are
 * trimmed before this check; anything left inside is refused.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;

// #region canonical-email
export function canonicalEmail(raw: string): string {
  return raw.trim().normalize('NFC').toLowerCase();
}
// #endregion canonical-email

/**
 * A zod schema that canonicalizes first, then checks the result. Non-ASCII addresses
 * (RFC 6531, "zoé@exämple.com") are allowed: that is why the email is Unicode-normalized.
 */
export const emailSchema = unicodeText
  .transform(canonicalEmail)
  .pipe(z.string().refine((email) => !INVISIBLE.test(email), { message: 'must not contain control or invisible characters (such as a zero-width space)' }))
  .pipe(
    z
      .email({ pattern: z.regexes.unicodeEmail, message: 'must be an email address' })
      .max(MAX_EMAIL_LENGTH, { message: `must be at most ${MAX_EMAIL_LENGTH} characters` })
      // The Unicode pattern accepts "ann@localhost"; mail on the internet needs a dotted domain.
      .refine((email) => /@[^@.]+(\.[^@.]+)+$/.test(email), { message: 'must have a domain such as example.com' }),
  );

/**
 * One account per email, whatever way it is typed: " Ann@Example.com", "ann@example.com" and the
 * same address in another Unicode normalization are the same identity. The canonical form is
 * what is stored and compared, never the raw input.
 */
import { z } from 'zod';

export const MAX_EMAIL_LENGTH = 254; // RFC 5321's limit on a forward path

export function canonicalEmail(raw: string): string {
  return raw.trim().normalize('NFC').toLowerCase();
}

/**
 * A zod schema that canonicalizes first, then checks the result. Non-ASCII addresses
 * (RFC 6531, "zoé@exämple.com") are allowed: that is why the email is Unicode-normalized.
 */
export const emailSchema = z
  .string()
  .transform(canonicalEmail)
  .pipe(
    z
      .email({ pattern: z.regexes.unicodeEmail, message: 'must be an email address' })
      .max(MAX_EMAIL_LENGTH, { message: `must be at most ${MAX_EMAIL_LENGTH} characters` })
      // The Unicode pattern accepts "ann@localhost"; mail on the internet needs a dotted domain.
      .refine((email) => /@[^@.]+(\.[^@.]+)+$/.test(email), { message: 'must have a domain such as example.com' }),
  );

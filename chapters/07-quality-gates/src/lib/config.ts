/**
 * Settings, read from the environment that serverless.yml sets from config/<stage>.yml. Each
 * module declares the settings it needs, where it uses them (users.ts declares USERS_TABLE,
 * passwords.ts BCRYPT_COST, ...), so a function reads only its own and a new feature brings its
 * settings with it. Every value is validated on first use: a missing or mistyped setting fails
 * loudly with its name instead of producing subtly wrong tokens later. This file is the only
 * place that reads process.env.
 */
import { z } from 'zod';

/** A reader of one setting: validates it on first use, then returns the same value. */
export type Setting<T> = () => T;

/**
 * Declares the setting `name`, checked by `schema`. The value is validated once and kept, and
 * read again only if the variable changes (which happens in tests, never in a Lambda container).
 */
export function setting<T>(name: string, schema: z.ZodType<T>): Setting<T> {
  let cached: { raw: string | undefined; value: T } | undefined;
  return () => {
    const raw = process.env[name];
    if (cached?.raw !== raw || cached === undefined) {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        throw new Error(`Invalid setting ${name}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
      }
      cached = { raw, value: parsed.data };
    }
    return cached.value;
  };
}

/** The schemas settings are made of. Environment variables are always strings. */
export const text = z.string({ error: 'is not set' }).min(1, { error: 'is empty' });
export const optionalText = z.string().optional().transform((value) => (value === '' ? undefined : value));
export const positiveInteger = text.transform(Number).pipe(z.number({ error: 'is not a number' }).int({ error: 'is not a whole number' }).positive({ error: 'must be above 0' }));
/** A comma-separated list, because Lambda environment variables are flat strings. */
export const list = text.transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

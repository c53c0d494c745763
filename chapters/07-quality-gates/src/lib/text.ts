/**
 * Text that was damaged on its way in. Bytes that are not UTF-8 reach a function already decoded
 * to U+FFFD, the replacement character (serverless-offline and API Gateway both decode that way):
 * so FF FF and FE FE arrive as the same string, and two different passwords would become one.
 * A lone surrogate (half of a UTF-16 pair, sent as a JSON escape such as "\ud800") is no
 * character at all. Emails and passwords refuse both, rather than store a guess.
 */
import { z } from 'zod';

const DAMAGED = /[\uFFFD\p{Cs}]/u;

/** A string without U+FFFD or lone surrogates; zod names the field in its message. */
export const unicodeText = z.string().refine((value) => !DAMAGED.test(value), {
  message: 'must be valid UTF-8 text (it holds U+FFFD, what bytes that are not UTF-8 become, or a lone surrogate)',
});

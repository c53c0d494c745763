/**
 * POST /session: log in. Unknown email and wrong password get the same answer, after the same
 * bcrypt work, so neither the body nor the timing tells whether an account exists.
 */
import { z } from 'zod';
import { requireClient } from '../../lib/clients';
import { emailSchema } from '../../lib/email';
import { httpHandler, parseJsonBody } from '../../lib/http';
import { logger } from '../../lib/logger';
import { countAttempt, releaseAttempt, type Attempt } from '../../lib/login-throttle';
import { loginPasswordSchema, verifyPassword } from '../../lib/passwords';
import { Problem } from '../../lib/problem';
import { issueTokens } from '../../lib/session-tokens';
import { newSession, saveSession } from '../../lib/sessions';
import { signingKey } from '../../lib/signing-key';
import { nowInSeconds } from '../../lib/tokens';
import { findUserByEmail } from '../../lib/users';

const bodySchema = z.strictObject({ email: emailSchema, password: loginPasswordSchema });

export const handler = httpHandler(async (event) => {
  const clientId = requireClient(event);
  const { email, password } = parseJsonBody(event, bodySchema);
  const now = nowInSeconds();

  // The attempt is counted BEFORE the password is checked, so that of many log-ins at the same
  // moment only as many as the throttle allows get their password checked. The account is read
  // at the same time: the two do not depend on each other. (If the read fails, the attempt
  // stays counted though no password was checked: an outage errs towards fewer guesses.)
  // #region step:count-first
  // #start: const user = await findUserByEmail(email);
  // #start: const admission = { attempt: { email, id: 'not counted yet' } };
  const [admission, user] = await Promise.all([countAttempt(email, now), findUserByEmail(email)]);
  if (!admission.allowed) {
    throw new Problem('too_many_attempts', 'Too many failed log-ins for this email. Try again later.', { 'Retry-After': String(admission.retryAfterSeconds) });
  }
  // #endregion step:count-first
  if (!(await verifyPassword(password, user?.passwordHash)) || !user) {
    // The attempt stays counted: it is a failed log-in.
    logger.info('log-in failed');
    throw new Problem('invalid_credentials', 'The email or the password is wrong.');
  }

  // The right password is no failure: its attempt is given back while the session is made.
  const released = giveBack(admission.attempt);
  try {
    const session = newSession({ userId: user.id, email: user.email, clientId }, now);
    const tokens = issueTokens(await signingKey(), session, now);
    await saveSession(session, tokens.refreshTokenHash);
    logger.info('session created', { userId: user.id, sessionId: session.sessionId });
    return { status: 201, body: tokens.body };
  } finally {
    await released;
  }
});

/**
 * Releases the attempt of a right password. If the database refuses, the log-in still succeeds
 * (the password was right): the attempt then counts as a failure until its window ends.
 */
async function giveBack(attempt: Attempt): Promise<void> {
  try {
    await releaseAttempt(attempt);
  } catch (error) {
    logger.warn('log-in attempt not released', { error: error instanceof Error ? error.name : 'unknown' });
  }
}

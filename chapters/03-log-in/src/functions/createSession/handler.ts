/**
 * POST /session: log in. Unknown email and wrong password get the same answer, after the same
 * bcrypt work, so neither the body nor the timing tells whether an account exists.
 */
import { z } from 'zod';
import { requireClient } from '../../lib/clients';
import { emailSchema } from '../../lib/email';
import { httpHandler, parseJsonBody } from '../../lib/http';
import { logger } from '../../lib/logger';
import { loginPasswordSchema, verifyPassword } from '../../lib/passwords';
import { Problem } from '../../lib/problem';
import { issueTokens } from '../../lib/session-tokens';
import { newSession, saveSession } from '../../lib/sessions';
import { signingKey } from '../../lib/signing-key';
import { nowInSeconds } from '../../lib/tokens';
import { findUserByEmail } from '../../lib/users';

const bodySchema = z.strictObject({ email: emailSchema, password: loginPasswordSchema });

// #region step:log-in
// #start: export const handler = httpHandler(async () => { throw new Error('Step "log-in" is not written yet (chapter 3, "Issue the token pair")'); });
export const handler = httpHandler(async (event) => {
  const clientId = requireClient(event);
  const { email, password } = parseJsonBody(event, bodySchema);
  const now = nowInSeconds();

  const user = await findUserByEmail(email);
  if (!(await verifyPassword(password, user?.passwordHash)) || !user) {
    logger.info('log-in failed');
    throw new Problem('invalid_credentials', 'The email or the password is wrong.');
  }

  const session = newSession({ userId: user.id, email: user.email, clientId }, now);
  const tokens = issueTokens(await signingKey(), session, now);
  await saveSession(session, tokens.refreshTokenHash);
  logger.info('session created', { userId: user.id, sessionId: session.sessionId });
  return { status: 201, body: tokens.body };
});
// #endregion step:log-in

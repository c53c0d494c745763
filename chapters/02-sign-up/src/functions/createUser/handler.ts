/** POST /user: creates an account. Answers 409 if the (canonical) email is already registered. */
import { z } from 'zod';
import { requireClient } from '../../lib/clients';
import { emailSchema } from '../../lib/email';
import { parseJsonBody, httpHandler } from '../../lib/http';
import { logger } from '../../lib/logger';
import { hashPassword, newPasswordSchema } from '../../lib/passwords';
import { createUser } from '../../lib/users';

// #region step:sign-up
// #start: export const handler = httpHandler(async () => { throw new Error('Step "sign-up" is not written yet (chapter 2, "Validate the input")'); });
// strict(): unknown fields are refused rather than silently ignored.
const bodySchema = z.strictObject({ email: emailSchema, password: newPasswordSchema });

export const handler = httpHandler(async (event) => {
  requireClient(event);
  const { email, password } = parseJsonBody(event, bodySchema);
  const passwordHash = await hashPassword(password);
  const user = await createUser(email, passwordHash);
  logger.info('user created', { userId: user.id });
  return { status: 201, body: { id: user.id, email: user.email } };
});
// #endregion step:sign-up

/** GET /user: the caller's own account. */
import { requireCaller } from '../../lib/caller';
import { httpHandler } from '../../lib/http';
import { Problem } from '../../lib/problem';
import { findUserByEmail, publicUser } from '../../lib/users';

export const handler = httpHandler(async (event) => {
  const caller = requireCaller(event);
  const user = await findUserByEmail(caller.email);
  if (!user || user.id !== caller.userId) {
    throw new Problem('invalid_token', 'The account of this token no longer exists.');
  }
  return { status: 200, body: publicUser(user) };
});

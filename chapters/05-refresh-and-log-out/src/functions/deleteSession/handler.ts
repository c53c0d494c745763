/** DELETE /session: log out. The session's access and refresh tokens are refused from now on. */
import { requireCaller } from '../../lib/caller';
import { httpHandler } from '../../lib/http';
import { logger } from '../../lib/logger';
import { revokeSession } from '../../lib/sessions';
import { nowInSeconds } from '../../lib/tokens';

export const handler = httpHandler(async (event) => {
  // #region step:log-out
  // #start: throw
  const caller = requireCaller(event);
  await revokeSession(caller.sessionId, nowInSeconds());
  logger.info('session ended', { userId: caller.userId, sessionId: caller.sessionId });
  return { status: 204 };
  // #endregion step:log-out
});

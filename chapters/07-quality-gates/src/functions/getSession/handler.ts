/** GET /session: how long the caller's access token and session have left, in whole seconds. */
import { requireCaller } from '../../lib/caller';
import { httpHandler } from '../../lib/http';
import { nowInSeconds } from '../../lib/tokens';

export const handler = httpHandler(async (event) => {
  // The authorizer already checked the token and read the session: nothing left to fetch.
  const caller = requireCaller(event);
  const now = nowInSeconds();
  return {
    status: 200,
    body: {
      access_token_expires_in: caller.accessTokenExpiresAt - now,
      session_expires_in: caller.sessionExpiresAt - now,
    },
  };
});

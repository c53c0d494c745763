/**
 * PUT /session: trades a refresh token for a new access token AND a new refresh token. The old
 * refresh token stops working (rotation); presenting it again ends the whole session.
 */
import { z } from 'zod';
import { requireClient } from '../../lib/clients';
import { httpHandler, parseJsonBody } from '../../lib/http';
import { logger } from '../../lib/logger';
import { issueTokens } from '../../lib/session-tokens';
import { hashRefreshToken, invalidRefreshToken, rotateRefreshToken } from '../../lib/sessions';
import { signingKey } from '../../lib/signing-key';
import { InvalidTokenError, nowInSeconds, tokenIssuer, verifyToken } from '../../lib/tokens';

const bodySchema = z.strictObject({ refresh_token: z.string().min(1) });

export const handler = httpHandler(async (event) => {
  const clientId = requireClient(event);
  const { refresh_token: presented } = parseJsonBody(event, bodySchema);
  const key = await signingKey();
  let claims;
  try {
    // Only a refresh token issued to THIS client is accepted.
    claims = verifyToken(key, presented, { use: 'refresh', issuer: tokenIssuer(), audiences: [clientId] });
  } catch (error) {
    // verifyToken throws only InvalidTokenError, whose message says why (for the log only).
    logger.info('refresh refused', { reason: (error as InvalidTokenError).message });
    throw invalidRefreshToken();
  }

  // #region step:refresh
  // #start: throw
  const now = nowInSeconds();
  const session = { sessionId: claims.sid, userId: claims.sub, clientId, expiresAt: claims.exp };
  const tokens = issueTokens(key, session, now);
  await rotateRefreshToken({
    ...session,
    presentedHash: hashRefreshToken(presented),
    nextHash: tokens.refreshTokenHash,
    now,
  });
  logger.info('session refreshed', { userId: claims.sub, sessionId: claims.sid });
  return { status: 200, body: tokens.body };
  // #endregion step:refresh
});

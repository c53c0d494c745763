/**
 * The API Gateway REQUEST authorizer of every Bearer-protected route. It verifies the access
 * token AND reads its session, so a logged-out or revoked session is refused even while its
 * access tokens have not expired.
 *
 * Two API Gateway rules shape it:
 * - Anything thrown other than the exact message "Unauthorized" makes API Gateway answer 500,
 *   so every refusal throws exactly that (and is logged with its reason).
 * - API Gateway caches the returned policy per token and reuses it for every route, so the
 *   policy allows the whole API, not just the method called first.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { callerContext } from '../../lib/caller';
import { registeredClients } from '../../lib/clients';
import { header } from '../../lib/http';
import { logger } from '../../lib/logger';
import { findActiveSession } from '../../lib/sessions';
import { signingKey } from '../../lib/signing-key';
import { InvalidTokenError, nowInSeconds, tokenIssuer, verifyToken } from '../../lib/tokens';

const MAX_AUTHORIZATION_LENGTH = 4096;
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/** `arn:aws:execute-api:region:account:api/stage/GET/user` becomes `.../api/stage/*`. */
export function wholeApiArn(methodArn: string): string {
  const [apiArn, stage] = methodArn.split('/');
  return `${apiArn}/${stage}/*`;
}

function unauthorized(reason: string): Error {
  logger.info('access refused', { reason });
  return new Error('Unauthorized');
}

export async function handler(event: APIGatewayRequestAuthorizerEvent, context: Context): Promise<APIGatewayAuthorizerResult> {
  logger.addContext(context);
  const authorization = header(event, 'authorization') ?? '';
  const match = authorization.length <= MAX_AUTHORIZATION_LENGTH ? BEARER.exec(authorization) : null;
  if (!match?.[1]) throw unauthorized('no bearer token');

  const key = await signingKey();
  let claims;
  try {
    claims = verifyToken(key, match[1], { use: 'access', issuer: tokenIssuer(), audiences: [...registeredClients()] });
  } catch (error) {
    // verifyToken throws only InvalidTokenError, whose message says why (for the log only).
    throw unauthorized((error as InvalidTokenError).message);
  }

  const session = await findActiveSession(claims.sid, nowInSeconds());
  if (!session) throw unauthorized('session ended');
  if (session.userId !== claims.sub || session.clientId !== claims.aud) throw unauthorized('token does not match its session');

  return {
    principalId: claims.sub,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: wholeApiArn(event.methodArn) }],
    },
    context: callerContext({
      userId: claims.sub,
      sessionId: claims.sid,
      clientId: claims.aud,
      email: session.email,
      accessTokenExpiresAt: claims.exp,
      sessionExpiresAt: session.expiresAt,
    }),
  };
}

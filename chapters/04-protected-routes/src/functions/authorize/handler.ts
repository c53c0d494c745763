/**
 * The API Gateway REQUEST authorizer of every Bearer-protected route. It verifies the access
 * token AND reads its session, so a logged-out or revoked session is refused even while its
 * access tokens have not expired.
 *
 * API Gateway's rules shape it:
 * - Its answer picks the gateway response, and so the WWW-Authenticate challenge of the 401
 *   (RFC 6750 section 3, serverless.yml): no Bearer token at all, it throws the exact message
 *   "Unauthorized" (UNAUTHORIZED: `Bearer realm="session-api"`); a token that is refused, it
 *   returns a Deny policy (ACCESS_DENIED: the same, with `error="invalid_token"`). API Gateway
 *   itself answers UNAUTHORIZED, without calling this function, when there is no Authorization
 *   header at all. Anything else thrown is a failure of the authorizer (AUTHORIZER_FAILURE, 503).
 * - API Gateway may cache the returned policy per token and reuse it for every route (it does
 *   not here: resultTtlInSeconds is 0 in serverless.yml, which says why), so the policy covers
 *   the whole API, not just the method called first: turning the cache on stays safe.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { callerContext } from '../../lib/caller';
import { registeredClients } from '../../lib/clients';
import { header } from '../../lib/http';
import { logger } from '../../lib/logger';
import { findActiveSession } from '../../lib/sessions';
import { signingKey } from '../../lib/signing-key';
import { InvalidTokenError, nowInSeconds, tokenIssuer, verifyToken } from '../../lib/tokens';

/** No token this service signs comes near this length: a longer one is refused unread. */
const MAX_TOKEN_LENGTH = 4096;
/**
 * RFC 6750 section 2.1: "Bearer", one or more spaces, the token. The scheme is case-insensitive
 * (RFC 9110 section 11.1), so "bearer" and "BEARER" are Bearer too.
 */
const BEARER_SCHEME = /^Bearer +(.*)$/is;
/** A JWT's shape: three base64url parts. Anything else is refused before any work. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** `arn:aws:execute-api:region:account:api/stage/GET/user` becomes `.../api/stage/*`. */
export function wholeApiArn(methodArn: string): string {
  const [apiArn, stage] = methodArn.split('/');
  return `${apiArn}/${stage}/*`;
}

/** The token of a Bearer Authorization header, or undefined when the request carries none. */
function bearerToken(authorization: string | undefined): string | undefined {
  const token = BEARER_SCHEME.exec(authorization ?? '')?.[1]?.trim();
  return token ? token : undefined;
}

/** No Bearer token was sent: API Gateway answers 401 with a challenge but no error code. */
function unauthorized(reason: string): Error {
  logger.info('access refused', { reason });
  return new Error('Unauthorized');
}

/** A token was sent and is refused: API Gateway answers 401 with error="invalid_token". */
function denied(methodArn: string, reason: string): APIGatewayAuthorizerResult {
  logger.info('access refused', { reason });
  return { principalId: 'refused', policyDocument: policy('Deny', methodArn) };
}

function policy(effect: 'Allow' | 'Deny', methodArn: string): APIGatewayAuthorizerResult['policyDocument'] {
  return { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: wholeApiArn(methodArn) }] };
}

export async function handler(event: APIGatewayRequestAuthorizerEvent, context: Context): Promise<APIGatewayAuthorizerResult> {
  logger.addContext(context);
  const token = bearerToken(header(event, 'authorization'));
  if (token === undefined) throw unauthorized('no bearer token');
  if (token.length > MAX_TOKEN_LENGTH || !JWT_SHAPE.test(token)) return denied(event.methodArn, 'not a JWT');

  // #region step:authorize
  // #start: throw
  const key = await signingKey();
  let claims;
  try {
    claims = verifyToken(key, token, { use: 'access', issuer: tokenIssuer(), audiences: [...registeredClients()] });
  } catch (error) {
    // verifyToken throws only InvalidTokenError, whose message says why (for the log only).
    return denied(event.methodArn, (error as InvalidTokenError).message);
  }

  const session = await findActiveSession(claims.sid, nowInSeconds());
  if (!session) return denied(event.methodArn, 'session ended');
  if (session.userId !== claims.sub || session.clientId !== claims.aud) return denied(event.methodArn, 'token does not match its session');

  return {
    principalId: claims.sub,
    policyDocument: policy('Allow', event.methodArn),
    context: callerContext({
      userId: claims.sub,
      sessionId: claims.sid,
      clientId: claims.aud,
      email: session.email,
      accessTokenExpiresAt: claims.exp,
      sessionExpiresAt: session.expiresAt,
    }),
  };
  // #endregion step:authorize
}

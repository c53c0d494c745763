/**
 * Who is calling a Bearer-protected route, as the authorizer established it. API Gateway hands
 * the authorizer's context to the handler (as strings on AWS, so numbers are coerced back).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { z } from 'zod';
import { CLIENT_ID_HEADER } from './clients';
import { header } from './http';
import { Problem } from './problem';

const callerSchema = z.object({
  userId: z.string().min(1),
  sessionId: z.string().min(1),
  clientId: z.string().min(1),
  email: z.string().min(1),
  accessTokenExpiresAt: z.coerce.number().int(),
  sessionExpiresAt: z.coerce.number().int(),
});

export type Caller = z.infer<typeof callerSchema>;

/** The authorizer's context as it puts it on the policy (flat string/number values). */
export function callerContext(caller: Caller): Record<string, string | number> {
  return { ...caller };
}

export function requireCaller(event: Pick<APIGatewayProxyEvent, 'headers' | 'requestContext'>): Caller {
  const parsed = callerSchema.safeParse(event.requestContext.authorizer ?? {});
  if (!parsed.success) {
    // Only reachable if the route was deployed without the authorizer: refuse, never guess.
    throw new Problem('invalid_token', 'Send a valid access token as "Authorization: Bearer <token>".');
  }
  // #region step:client-ids
  // The authorizer's result is cached per token on AWS, so the client header is compared here,
  // on every request, rather than in the authorizer.
  const clientId = header(event, CLIENT_ID_HEADER);
  if (clientId !== undefined && clientId !== parsed.data.clientId) {
    throw new Problem('invalid_client', `The ${CLIENT_ID_HEADER} header does not match the client the token was issued to.`);
  }
  // #endregion step:client-ids
  return parsed.data;
}

/**
 * The functions called in-process, in the order API Gateway would call them, against the real
 * shared modules and an embedded DynamoDB: everything of the real request path but HTTP.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayAuthorizerResult, APIGatewayProxyResult } from 'aws-lambda';
import { handler as authorize } from '../../src/functions/authorize/handler';
import { handler as createSession } from '../../src/functions/createSession/handler';
import { handler as createUser } from '../../src/functions/createUser/handler';
import { handler as deleteSession } from '../../src/functions/deleteSession/handler';
import { handler as getSession } from '../../src/functions/getSession/handler';
import { handler as getUser } from '../../src/functions/getUser/handler';
import { handler as refreshSession } from '../../src/functions/refreshSession/handler';
import { apiEvent, authorizerEvent, CLIENT_ID, context, jsonOf } from '../helpers/events';

export const PASSWORD = 'correct horse battery staple';

export function uniqueEmail(): string {
  return `user-${randomUUID()}@example.com`;
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
}

export const signUp = (email: string, password = PASSWORD, clientId = CLIENT_ID) =>
  createUser(apiEvent({ method: 'POST', json: { email, password }, headers: { 'X-Client-Id': clientId } }), context);

export const logIn = (email: string, password = PASSWORD, clientId = CLIENT_ID) =>
  createSession(apiEvent({ method: 'POST', json: { email, password }, headers: { 'X-Client-Id': clientId } }), context);

export const refresh = (refreshToken: string, clientId = CLIENT_ID) =>
  refreshSession(apiEvent({ method: 'PUT', json: { refresh_token: refreshToken }, headers: { 'X-Client-Id': clientId } }), context);

/** Signs up and logs in a fresh user; returns the email and the token pair. */
export async function newSession(clientId = CLIENT_ID): Promise<{ email: string; tokens: TokenPair }> {
  const email = uniqueEmail();
  await signUp(email, PASSWORD, clientId);
  const answer = await logIn(email, PASSWORD, clientId);
  if (answer.statusCode !== 201) throw new Error(`log-in failed: ${answer.body}`);
  return { email, tokens: jsonOf<TokenPair>(answer) };
}

/**
 * Runs the authorizer, then (if it allowed) the handler with the authorizer's context, as API
 * Gateway does. A refusal comes back as 401, the status API Gateway would answer: "Unauthorized"
 * thrown (no token) or a Deny policy (a refused token).
 */
async function throughAuthorizer(accessToken: string, run: (authorizer: Record<string, unknown>) => Promise<APIGatewayProxyResult>): Promise<APIGatewayProxyResult> {
  let result: APIGatewayAuthorizerResult;
  try {
    result = await authorize(authorizerEvent(`Bearer ${accessToken}`), context);
  } catch (error) {
    if (error instanceof Error && error.message === 'Unauthorized') return { statusCode: 401, body: '' };
    throw error;
  }
  if (!result.policyDocument.Statement.every((statement) => statement.Effect === 'Allow')) return { statusCode: 401, body: '' };
  return run(result.context ?? {});
}

export const whoAmI = (accessToken: string) => throughAuthorizer(accessToken, (authorizer) => getUser(apiEvent({ authorizer }), context));
export const sessionInfo = (accessToken: string) => throughAuthorizer(accessToken, (authorizer) => getSession(apiEvent({ authorizer }), context));
export const logOut = (accessToken: string) => throughAuthorizer(accessToken, (authorizer) => deleteSession(apiEvent({ method: 'DELETE', authorizer }), context));

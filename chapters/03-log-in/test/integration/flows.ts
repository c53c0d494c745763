/**
 * The functions called in-process, in the order API Gateway would call them, against the real
 * shared modules and an embedded DynamoDB: everything of the real request path but HTTP.
 */
import { randomUUID } from 'node:crypto';
import { handler as createSession } from '../../src/functions/createSession/handler';
import { handler as createUser } from '../../src/functions/createUser/handler';
import { apiEvent, CLIENT_ID, context, jsonOf } from '../helpers/events';

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

/** Signs up and logs in a fresh user; returns the email and the token pair. */
export async function newSession(clientId = CLIENT_ID): Promise<{ email: string; tokens: TokenPair }> {
  const email = uniqueEmail();
  await signUp(email, PASSWORD, clientId);
  const answer = await logIn(email, PASSWORD, clientId);
  if (answer.statusCode !== 201) throw new Error(`log-in failed: ${answer.body}`);
  return { email, tokens: jsonOf<TokenPair>(answer) };
}

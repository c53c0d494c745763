/**
 * The functions called in-process, in the order API Gateway would call them, against the real
 * shared modules and an embedded DynamoDB: everything of the real request path but HTTP.
 */
import { randomUUID } from 'node:crypto';
import { handler as createUser } from '../../src/functions/createUser/handler';
import { apiEvent, CLIENT_ID, context } from '../helpers/events';

export const PASSWORD = 'correct horse battery staple';

export function uniqueEmail(): string {
  return `user-${randomUUID()}@example.com`;
}

export const signUp = (email: string, password = PASSWORD, clientId = CLIENT_ID) =>
  createUser(apiEvent({ method: 'POST', json: { email, password }, headers: { 'X-Client-Id': clientId } }), context);

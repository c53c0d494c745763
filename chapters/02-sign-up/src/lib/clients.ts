/**
 * The registry of client applications. Each stage lists its client ids in config/<stage>.yml;
 * a request from an id that is not listed is refused. The 2016 original checked the header in
 * a second API Gateway authorizer; here the routes that need it (sign-up, log-in, refresh)
 * check it in the handler, which answers a problem document and saves a Lambda invocation.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { list, setting } from './config';
import { header } from './http';
import { Problem } from './problem';

export const CLIENT_ID_HEADER = 'X-Client-Id';

/** The client ids of this stage: config/<stage>.yml `clients`, joined with commas. */
export const registeredClients = setting('CLIENT_IDS', list.transform((ids): ReadonlySet<string> => new Set(ids)));

/** Returns the caller's registered client id, or throws 401 invalid_client. */
export function requireClient(event: Pick<APIGatewayProxyEvent, 'headers'>, registered = registeredClients()): string {
  // #region step:require-client
  // #start: throw
  const clientId = header(event, CLIENT_ID_HEADER);
  if (clientId === undefined || !registered.has(clientId)) {
    throw new Problem('invalid_client', `Send the ${CLIENT_ID_HEADER} header of a registered client application.`);
  }
  return clientId;
  // #endregion step:require-client
}

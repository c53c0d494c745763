/** Builders for the events API Gateway hands to the functions, for unit tests. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

export const context = { awsRequestId: 'test-request-id', functionName: 'test' } as Context;

interface EventOptions {
  method?: string;
  resource?: string;
  headers?: Record<string, string>;
  body?: string | null;
}

/** A REST API (v1) proxy event. */
export function apiEvent(options: EventOptions = {}): APIGatewayProxyEvent {
  return {
    httpMethod: options.method ?? 'GET',
    resource: options.resource ?? '/',
    path: options.resource ?? '/',
    headers: { ...options.headers },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    isBase64Encoded: false,
    body: options.body ?? null,
    requestContext: { authorizer: null } as APIGatewayProxyEvent['requestContext'],
  };
}

export function jsonOf<T = Record<string, unknown>>(result: APIGatewayProxyResult): T {
  return JSON.parse(result.body) as T;
}

/** Builders for the events API Gateway hands to the functions, for unit and integration tests. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import type { ProblemBody } from '../../src/lib/problem';

export const CLIENT_ID = 'workshop-web';
export const OTHER_CLIENT_ID = 'workshop-cli';

export const context = { awsRequestId: 'test-request-id', functionName: 'test' } as Context;

interface EventOptions {
  method?: string;
  resource?: string;
  headers?: Record<string, string>;
  body?: string | null;
  json?: unknown;
  authorizer?: Record<string, unknown> | null;
}

/** A REST API (v1) proxy event; `json` sets the body and its Content-Type. */
export function apiEvent(options: EventOptions = {}): APIGatewayProxyEvent {
  const headers: Record<string, string> = { ...(options.json === undefined ? {} : { 'Content-Type': 'application/json' }), ...options.headers };
  return {
    httpMethod: options.method ?? 'GET',
    resource: options.resource ?? '/',
    path: options.resource ?? '/',
    headers,
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    isBase64Encoded: false,
    body: options.json === undefined ? (options.body ?? null) : JSON.stringify(options.json),
    requestContext: { authorizer: options.authorizer ?? null } as APIGatewayProxyEvent['requestContext'],
  };
}

export function authorizerEvent(authorization: string | undefined, methodArn = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/local/GET/user'): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn,
    resource: '/user',
    path: '/user',
    httpMethod: 'GET',
    headers: authorization === undefined ? {} : { Authorization: authorization },
    multiValueHeaders: null,
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {} as APIGatewayRequestAuthorizerEvent['requestContext'],
  };
}

export function jsonOf<T = Record<string, unknown>>(result: APIGatewayProxyResult): T {
  return JSON.parse(result.body) as T;
}

/** Asserts-friendly view of a problem answer: status, content type and body. */
export function problemOf(result: APIGatewayProxyResult): { status: number; contentType: unknown; body: ProblemBody } {
  return { status: result.statusCode, contentType: result.headers?.['Content-Type'], body: jsonOf<ProblemBody>(result) };
}

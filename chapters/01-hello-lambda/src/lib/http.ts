/**
 * The HTTP edge of every function: turns what a handler returns into an API Gateway response.
 * Handlers stay small because everything that is the same for all of them lives here.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

export interface HttpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type HttpHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<HttpResult>;

const securityHeaders = {
  // Responses carry tokens: no cache may keep them.
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

function response(status: number, body: unknown, contentType: string, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { ...securityHeaders, ...(body === undefined ? {} : { 'Content-Type': contentType }), ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

// #region http-handler
/** Wraps a handler: what it returns becomes a JSON response with the security headers. */
export function httpHandler(handle: HttpHandler) {
  return async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const { status, body, headers } = await handle(event, context);
    return response(status, body, 'application/json', headers);
  };
}
// #endregion http-handler

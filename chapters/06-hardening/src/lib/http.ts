/**
 * The HTTP edge of every function: parse and validate the JSON body, read headers, and turn
 * results and errors into API Gateway responses. Handlers stay small because everything that is
 * the same for all of them lives here.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';
import { corsHeaders } from './cors';
import { logger } from './logger';
import { Problem, PROBLEM_CONTENT_TYPE } from './problem';
import { isDatabaseUnavailable } from './database-errors';

/** Bodies are tiny JSON objects; anything larger is a mistake or an attack (16 KiB). */
export const MAX_BODY_BYTES = 16 * 1024;

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

/** Header lookup ignoring case: clients and API Gateway do not agree on header case. */
export function header(event: { headers?: Record<string, string | undefined> | null }, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

function isJsonContentType(contentType: string | undefined): boolean {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

/**
 * Decodes UTF-8 and throws on bytes that are not UTF-8. Only a base64-encoded body still has its
 * bytes; a text body arrives already decoded, where invalid bytes became U+FFFD (the schemas of
 * emails and passwords refuse that character).
 */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

// #region parse-json-body
/**
 * Reads the request body as JSON and validates it against a zod schema. Every way it can go
 * wrong is a 4xx problem: never a 500, because bad input is the client's mistake.
 */
export function parseJsonBody<Schema extends z.ZodType>(
  event: Pick<APIGatewayProxyEvent, 'headers' | 'body' | 'isBase64Encoded'>,
  schema: Schema,
): z.infer<Schema> {
  if (!isJsonContentType(header(event, 'content-type'))) {
    throw new Problem('unsupported_media_type', 'Send the body as application/json.');
  }
  const raw = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  if (raw.byteLength > MAX_BODY_BYTES) {
    throw new Problem('payload_too_large', `The body must be at most ${MAX_BODY_BYTES} bytes.`);
  }
  let text: string;
  try {
    // Strict: bytes that are not UTF-8 are refused. Buffer's toString would turn each into
    // U+FFFD, so that two different byte strings (FF FF ... and FE FE ...) became one password.
    text = strictUtf8.decode(raw);
  } catch {
    throw new Problem('invalid_request', 'The body is not valid UTF-8.');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Problem('invalid_request', 'The body is not valid JSON.');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    // Name the fields and what is wrong, never echo the values: they may be passwords.
    const reasons = parsed.error.issues.map((issue) => {
      const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
      return `${field}: ${issue.message}`;
    });
    throw new Problem('invalid_request', reasons.join('; '));
  }
  return parsed.data;
}
// #endregion parse-json-body

function response(status: number, body: unknown, contentType: string, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { ...securityHeaders, ...corsHeaders(), ...(body === undefined ? {} : { 'Content-Type': contentType }), ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

// #region problem-for
/**
 * Maps anything a handler threw to a problem. Unknown and database errors are logged with their
 * stack and causes, so the log says where it happened; the client gets none of it.
 */
export function problemFor(error: unknown): Problem {
  if (error instanceof Problem) return error;
  if (isDatabaseUnavailable(error)) {
    logger.error('database unavailable', { error: describeError(error) });
    return new Problem('service_unavailable', 'The service is briefly unavailable. Try again shortly.', {
      'Retry-After': '1',
    });
  }
  logger.error('unexpected error', { error: describeError(error) });
  return new Problem('internal_error', 'Something went wrong on our side.');
}
// #endregion problem-for

/** How many causes deep an error is described: a wrapped error rarely goes past two or three. */
export const MAX_CAUSES = 5;

interface ErrorDescription {
  name: string;
  message: string;
  /** A Node system error's code, such as ECONNREFUSED. */
  code?: string;
  /** With source maps on (serverless.yml), its lines point at the TypeScript files. */
  stack?: string;
  cause?: ErrorDescription;
}

/**
 * What the log keeps of an error: these fields only, never the whole object, whose other
 * properties (a request, a response) could hold anything. The chain of causes is followed
 * MAX_CAUSES deep and no further, so that a cause pointing back at its error cannot loop.
 */
function describeError(error: unknown, depth = 0): ErrorDescription {
  if (!(error instanceof Error)) return { name: 'unknown', message: asText(error) };
  const code: unknown = (error as { code?: unknown }).code;
  const description: ErrorDescription = { name: error.name, message: error.message };
  if (typeof code === 'string') description.code = code;
  if (error.stack !== undefined) description.stack = error.stack;
  if (error.cause !== undefined) {
    description.cause = depth < MAX_CAUSES ? describeError(error.cause, depth + 1) : { name: 'truncated', message: `more than ${MAX_CAUSES} causes` };
  }
  return description;
}

/** Any thrown value as text; String() itself throws for an object without a prototype. */
function asText(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

// #region http-handler
/**
 * Wraps a handler: adds the request id to every log line, logs one line per request, and
 * answers every error as a problem document.
 */
export function httpHandler(handle: HttpHandler) {
  return async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    // #region step:log-request
    const started = Date.now();
    // #endregion step:log-request
    logger.addContext(context);
    let result: APIGatewayProxyResult;
    try {
      const { status, body, headers } = await handle(event, context);
      result = response(status, body, 'application/json', headers);
    } catch (error) {
      const problem = problemFor(error);
      result = response(problem.status, problem.toBody(), PROBLEM_CONTENT_TYPE, problem.headers);
    }
    // #region step:log-request.2
    logger.info('request', {
      method: event.httpMethod,
      resource: event.resource,
      status: result.statusCode,
      durationMs: Date.now() - started,
    });
    // #endregion step:log-request.2
    return result;
  };
}
// #endregion http-handler

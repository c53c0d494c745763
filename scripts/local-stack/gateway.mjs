// @ts-check
/**
 * API Gateway answers some requests itself, before any function runs: a missing or refused
 * token, an unknown route or method, a CORS preflight, a request over its size limits, a failed
 * authorizer. On AWS the service's `AWS::ApiGateway::GatewayResponse` resources shape those
 * answers (ours are problem documents). serverless-offline does not read them and answers some of
 * these differently, so this small proxy sits in front of it and answers as API Gateway does,
 * from the same resources and routes: local behaviour and AWS behaviour have one definition.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import { findPath, preflightHeaders } from './routes.mjs';

/** The header authorizer.cjs sets to name the gateway response of its refusals. */
const { GATEWAY_RESPONSE_HEADER } = createRequire(import.meta.url)('./authorizer.cjs');
/** serverless-offline lets any request replace the authorizer's context with this header: a
 * local-only back door that API Gateway does not have, so the proxy removes it. */
const OFFLINE_OVERRIDE_HEADER = 'sls-offline-authorizer-override';

/** @typedef {{ Type: string, Properties?: Record<string, any> }} CloudFormationResource */
/** @typedef {{ statusCode?: string, headers: Record<string, string>, template?: string }} GatewayResponse */
/** @typedef {import('./routes.mjs').ApiPath} ApiPath */

const PROBLEM_JSON = 'application/problem+json';

/**
 * The gateway responses of a template, by response type (UNAUTHORIZED, DEFAULT_4XX, ...).
 * @param {Record<string, CloudFormationResource>} resources
 * @returns {Map<string, GatewayResponse>}
 */
export function gatewayResponses(resources) {
  /** @type {Map<string, GatewayResponse>} */
  const byType = new Map();
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::ApiGateway::GatewayResponse' || !resource.Properties) continue;
    const { ResponseType, StatusCode, ResponseParameters = {}, ResponseTemplates = {} } = resource.Properties;
    /** @type {Record<string, string>} */
    const headers = {};
    for (const [name, value] of Object.entries(ResponseParameters)) {
      // 'gatewayresponse.header.Content-Type': "'application/problem+json'"
      const header = name.replace(/^gatewayresponse\.header\./, '');
      headers[header] = String(value).replace(/^'|'$/g, '');
    }
    byType.set(ResponseType, { statusCode: StatusCode, headers, template: ResponseTemplates['application/json'] });
  }
  return byType;
}

/**
 * Which gateway response API Gateway would use for a status it produced itself.
 * @param {number} status
 */
export function responseTypeFor(status) {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 404) return 'MISSING_AUTHENTICATION_TOKEN'; // API Gateway's answer to an unknown route
  if (status === 403) return 'ACCESS_DENIED';
  return status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
}

/**
 * Renders the two template variables our templates use, as API Gateway's VTL would.
 * @param {string} template
 * @param {number} status
 * @param {string} message
 */
export function renderTemplate(template, status, message) {
  return template
    .replaceAll('$context.error.statusCode', String(status))
    .replaceAll('$context.error.messageString', JSON.stringify(message));
}

/**
 * The answer API Gateway would give for a response that came from the gateway itself (any
 * error that is not already a problem document from a function), or undefined to pass it on.
 * @param {Map<string, GatewayResponse>} responses
 * @param {number} status
 * @param {string | undefined} contentType
 * @param {string} message
 * @param {string} [type] the response type, when the authorizer step named it
 */
export function gatewayAnswer(responses, status, contentType, message, type = responseTypeFor(status)) {
  if (status < 400 || contentType?.startsWith(PROBLEM_JSON)) return undefined;
  const response = responses.get(type) ?? responses.get(status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX');
  if (!response?.template) return undefined;
  const finalStatus = Number(response.statusCode ?? status);
  return { status: finalStatus, headers: response.headers, body: renderTemplate(response.template, finalStatus, message) };
}

/**
 * API Gateway's own answer with the type's default template, `{"message": ...}`, for a service
 * that has no gateway response for it (a chapter may have none yet).
 * @param {Map<string, GatewayResponse>} responses
 * @param {string} type
 * @param {number} status the type's default status
 * @param {string} message
 */
function refusal(responses, type, status, message) {
  return gatewayAnswer(responses, status, undefined, message, type) ?? { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ message }) };
}

/** API Gateway's limits for a REST API (its quotas page): the request line and header values together, and the body. */
export const MAX_HEADER_BYTES = 10_240;
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/**
 * What API Gateway's header limit counts: the request line and the header values.
 * @param {Pick<http.IncomingMessage, 'method' | 'url' | 'httpVersion' | 'rawHeaders'>} request
 */
export function headerBytes({ method, url, httpVersion, rawHeaders }) {
  let bytes = Buffer.byteLength(`${method} ${url} HTTP/${httpVersion}`);
  for (let index = 1; index < rawHeaders.length; index += 2) bytes += Buffer.byteLength(rawHeaders[index] ?? '');
  return bytes;
}

/** @param {Map<string, GatewayResponse>} responses */
const headersTooLarge = (responses) => refusal(responses, 'DEFAULT_4XX', 431, 'Request Header Fields Too Large');
/** A body over the payload limit. @param {Map<string, GatewayResponse>} responses */
const payloadTooLarge = (responses) => refusal(responses, 'REQUEST_TOO_LARGE', 413, 'Request Too Long');
/** A REST API answers a method that no route of the path has as it answers an unknown path. @param {Map<string, GatewayResponse>} responses */
const noSuchMethod = (responses) => refusal(responses, 'MISSING_AUTHENTICATION_TOKEN', 403, 'Missing Authentication Token');

/**
 * What API Gateway answers itself before any integration runs: a request over its limits, a path
 * that no route has or a method that the path does not have (both the MISSING_AUTHENTICATION_TOKEN
 * answer), or a CORS preflight (from the MOCK integration of the path's OPTIONS method).
 * Undefined: pass the request on. An unknown path is answered here, not left to serverless-offline,
 * because API Gateway answers it before any integration too, and because for an app with no route
 * yet (chapter 0) serverless-offline starts no HTTP server at all: the request would get a 502.
 * @param {ApiPath[]} api
 * @param {Map<string, GatewayResponse>} responses
 * @param {Pick<http.IncomingMessage, 'method' | 'url' | 'httpVersion' | 'rawHeaders' | 'headers'>} request
 * @returns {{ status: number, headers: Record<string, string>, body: string } | undefined}
 */
export function answerBeforeIntegration(api, responses, request) {
  if (headerBytes(request) > MAX_HEADER_BYTES) return headersTooLarge(responses);
  if (Number(request.headers['content-length'] ?? 0) > MAX_PAYLOAD_BYTES) return payloadTooLarge(responses);
  const path = findPath(api, request.url ?? '/');
  // No route at this path: API Gateway's answer, also for an app with no route yet (chapter 0).
  if (!path) return noSuchMethod(responses);
  if (request.method === 'OPTIONS' && path.cors) {
    return { status: 200, headers: { 'Content-Type': 'application/json', ...preflightHeaders(path.cors, request.headers.origin) }, body: '' };
  }
  if (!path.methods.has(request.method ?? '') && !path.methods.has('ANY')) return noSuchMethod(responses);
  return undefined;
}

/**
 * An answer written straight to a socket, for requests Node's HTTP parser refuses before there is
 * a request object to answer (an unknown method, headers over Node's own limit).
 * @param {{ status: number, headers: Record<string, string>, body: string }} answer
 */
function rawResponse({ status, headers, body }) {
  const lines = [`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', '', body);
  return lines.join('\r\n');
}

/**
 * Starts the proxy on `port` in front of serverless-offline at `target`.
 * @param {{ port: number, host: string, target: URL, responses: Map<string, GatewayResponse>, api: ApiPath[] }} options
 * @returns {Promise<http.Server>}
 */
export async function startGatewayProxy({ port, host, target, responses, api }) {
  const server = http.createServer((request, response) => {
    const send = (/** @type {{ status: number, headers: Record<string, string>, body: string }} */ answer) => {
      response.writeHead(answer.status, { ...answer.headers, 'Content-Length': String(Buffer.byteLength(answer.body)) });
      response.end(answer.body);
    };
    const early = answerBeforeIntegration(api, responses, request);
    // Node reads and drops a body that is not read, so a refused 11 MiB upload is never buffered.
    if (early) return send(early);

    delete request.headers[OFFLINE_OVERRIDE_HEADER];
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers },
      (answer) => {
        const status = answer.statusCode ?? 502;
        if (status < 400) {
          response.writeHead(status, answer.headers);
          answer.pipe(response);
          return;
        }
        /** @type {Buffer[]} */
        const chunks = [];
        answer.on('data', (chunk) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          const namedType = answer.headers[GATEWAY_RESPONSE_HEADER];
          delete answer.headers[GATEWAY_RESPONSE_HEADER];
          const replaced = gatewayAnswer(responses, status, answer.headers['content-type'], http.STATUS_CODES[status] ?? 'Error', typeof namedType === 'string' ? namedType : undefined);
          if (!replaced) {
            response.writeHead(status, answer.headers);
            response.end(body);
            return;
          }
          // Header names are case-insensitive: the gateway response's own headers (CORS among
          // them) replace serverless-offline's, rather than being sent twice.
          const headers = { ...passThroughHeaders(answer.headers), ...lowerCaseNames(replaced.headers), 'content-length': String(Buffer.byteLength(replaced.body)) };
          response.writeHead(replaced.status, headers);
          response.end(replaced.body);
        });
      },
    );
    upstream.on('error', () => {
      if (response.headersSent) return;
      send(refusal(responses, 'DEFAULT_5XX', 502, 'Bad Gateway'));
    });
    // A body sent without a Content-Length (chunked) is counted as it passes.
    let received = 0;
    request.on('data', (/** @type {Buffer} */ chunk) => {
      received += chunk.length;
      if (received <= MAX_PAYLOAD_BYTES || response.headersSent) return;
      request.unpipe(upstream);
      upstream.destroy();
      // The rest of the body is still coming: close the connection rather than read it all.
      response.setHeader('Connection', 'close');
      send(payloadTooLarge(responses));
    });
    request.pipe(upstream);
  });
  // Requests Node's parser refuses never reach the handler above: answer them as API Gateway does.
  server.on('clientError', (/** @type {Error & { code?: string }} */ error, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const answer =
      error.code === 'HPE_INVALID_METHOD' ? noSuchMethod(responses) : error.code === 'HPE_HEADER_OVERFLOW' ? headersTooLarge(responses) : refusal(responses, 'DEFAULT_4XX', 400, 'Bad Request');
    socket.end(rawResponse(answer));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  return server;
}

/** @param {Record<string, string>} headers */
function lowerCaseNames(headers) {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/**
 * Headers worth keeping from serverless-offline's own error answer (request ids). Its CORS
 * headers are not: on AWS, a gateway response carries only the headers it defines.
 * @param {http.IncomingHttpHeaders} headers
 */
function passThroughHeaders(headers) {
  /** @type {Record<string, string>} */
  const kept = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string' && name.startsWith('x-')) kept[name] = value;
  }
  return kept;
}

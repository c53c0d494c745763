// @ts-check
/**
 * API Gateway answers some requests itself, before any function runs: a missing or refused
 * token, an unknown route, a failed authorizer. On AWS the service's `AWS::ApiGateway::
 * GatewayResponse` resources shape those answers (ours are problem documents). serverless-offline
 * does not read them, so this small proxy sits in front of it and applies the same resources,
 * which keeps local behaviour and AWS behaviour one definition apart, not two.
 */
import http from 'node:http';
import { createRequire } from 'node:module';

/** The header authorizer.cjs sets to name the gateway response of its refusals. */
const { GATEWAY_RESPONSE_HEADER } = createRequire(import.meta.url)('./authorizer.cjs');
/** serverless-offline lets any request replace the authorizer's context with this header: a
 * local-only back door that API Gateway does not have, so the proxy removes it. */
const OFFLINE_OVERRIDE_HEADER = 'sls-offline-authorizer-override';

/** @typedef {{ Type: string, Properties?: Record<string, any> }} CloudFormationResource */
/** @typedef {{ statusCode?: string, headers: Record<string, string>, template?: string }} GatewayResponse */

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
 * Starts the proxy on `port` in front of serverless-offline at `target`.
 * @param {{ port: number, host: string, target: URL, responses: Map<string, GatewayResponse> }} options
 * @returns {Promise<http.Server>}
 */
export async function startGatewayProxy({ port, host, target, responses }) {
  const server = http.createServer((request, response) => {
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
      const replaced = gatewayAnswer(responses, 502, undefined, 'Bad Gateway');
      response.writeHead(replaced?.status ?? 502, replaced?.headers ?? {});
      response.end(replaced?.body ?? '');
    });
    request.pipe(upstream);
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
 * Headers worth keeping from serverless-offline's own error answer (CORS, request ids).
 * @param {http.IncomingHttpHeaders} headers
 */
function passThroughHeaders(headers) {
  /** @type {Record<string, string>} */
  const kept = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string' && (name.startsWith('access-control-') || name.startsWith('x-'))) kept[name] = value;
  }
  return kept;
}

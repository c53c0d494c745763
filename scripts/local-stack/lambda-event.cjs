// @ts-check
/**
 * Gives each function the Lambda proxy event that API Gateway would give it.
 *
 * serverless-offline builds that event itself, and when a request has a body but no Content-Type
 * it adds `Content-Type: application/json` to `event.headers` (its LambdaProxyIntegrationEvent).
 * API Gateway passes the headers on as the client sent them, so without this a handler's "send
 * JSON" rule (415) could never be seen locally. `multiValueHeaders` still holds the headers as
 * sent, so a Content-Type that it does not have is taken out of `headers` again.
 *
 * handlers.mjs writes, for each function, a small module that serverless-offline loads in place
 * of the handler, and that calls the handler through `withHeadersAsSent`.
 * CommonJS because serverless-offline loads handlers with require().
 */

/**
 * @param {{ headers?: Record<string, string> | null, multiValueHeaders?: Record<string, string[]> | null }} event
 */
function headersAsSent(event) {
  if (!event.headers || !event.multiValueHeaders) return event;
  const sent = new Set(Object.keys(event.multiValueHeaders).map((name) => name.toLowerCase()));
  const headers = Object.fromEntries(Object.entries(event.headers).filter(([name]) => name.toLowerCase() !== 'content-type' || sent.has('content-type')));
  return { ...event, headers };
}

/**
 * @param {(event: any, context: unknown, callback: unknown) => unknown} handler
 */
function withHeadersAsSent(handler) {
  return (/** @type {any} */ event, /** @type {unknown} */ context, /** @type {unknown} */ callback) => handler(headersAsSent(event), context, callback);
}

module.exports = { headersAsSent, withHeadersAsSent };

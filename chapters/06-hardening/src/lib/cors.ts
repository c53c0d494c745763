/**
 * CORS: lets the stage's web client (config/<stage>.yml corsOrigin, one origin) read the API's
 * answers in a browser. API Gateway answers the preflight OPTIONS request itself (the `cors`
 * setting of each route in serverless.yml) and adds the headers to its own errors (the gateway
 * responses); with the Lambda proxy integration it passes a function's answer on unchanged, so
 * the functions must add the header to theirs. Two response headers are exposed to the web
 * client's JavaScript (a browser hides the others): Retry-After, so that it can honour it after a
 * 429 or a 503, and WWW-Authenticate, which says what a 401 wants.
 */
import { optionalText, setting } from './config';

const EXPOSED_HEADERS = 'Retry-After, WWW-Authenticate';

/** The stage's one web client origin (config/<stage>.yml corsOrigin); none: no CORS headers. */
const corsOrigin = setting('CORS_ORIGIN', optionalText);

export function corsHeaders(origin = corsOrigin()): Record<string, string> {
  // #region step:cors-headers
  // #start: return {};
  if (!origin) return {};
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED_HEADERS };
  // #endregion step:cors-headers
}

// @ts-check
/**
 * The REST API a service deploys, as API Gateway routes it: which methods each path has, and what
 * a CORS preflight (OPTIONS) to that path gets. Both are read from the functions' `http` events in
 * serverless.yml, the settings `serverless package` compiles into API Gateway resources, so the
 * local gateway and the deployed one answer from one definition.
 */

/** The allowed headers of a `cors` setting that names none (the Serverless Framework's default). */
const DEFAULT_CORS_HEADERS = ['Content-Type', 'X-Amz-Date', 'Authorization', 'X-Api-Key', 'X-Amz-Security-Token', 'X-Amz-User-Agent', 'X-Amzn-Trace-Id'];

/**
 * @typedef {{ origin?: string, origins: string[], headers: string[], methods: string[], allowCredentials: boolean, maxAge?: number, cacheControl?: string }} CorsSettings
 * @typedef {{ template: string, pattern: RegExp, methods: Set<string>, cors?: CorsSettings }} ApiPath
 */

/** @param {string[]} left @param {string[]} [right] */
const union = (left, right = []) => [...new Set([...left, ...right])];

/**
 * A path template as a pattern: `{id}` is one segment, `{proxy+}` any number of them.
 * @param {string} template
 */
function pathPattern(template) {
  const segments = template.split('/').map((segment) => {
    if (/^\{.+\+\}$/.test(segment)) return '.+';
    if (/^\{.+\}$/.test(segment)) return '[^/]+';
    return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${segments.join('/')}$`);
}

/**
 * The paths of a service's REST API, each with its methods and merged `cors` setting, merged the
 * way the Serverless Framework merges them (its api-gateway compiler: lib/validate.js).
 * @param {Record<string, { events?: Array<Record<string, any>> }>} functions the service's functions
 * @param {string} stage the first segment of every path, as in the deployed URL
 * @returns {ApiPath[]}
 */
export function apiPaths(functions, stage) {
  /** @type {Map<string, ApiPath>} */
  const byTemplate = new Map();
  for (const { events = [] } of Object.values(functions)) {
    for (const { http } of events) {
      if (!http) continue;
      const [method, routePath] = typeof http === 'string' ? http.split(' ') : [http.method, http.path];
      const template = `/${stage}/${String(routePath).replace(/^\/|\/$/g, '')}`;
      const upper = String(method).toUpperCase();
      const entry = byTemplate.get(template) ?? { template, pattern: pathPattern(template), methods: new Set() };
      entry.methods.add(upper);
      if (typeof http === 'object' && http.cors) entry.cors = mergeCors(entry.cors, http.cors === true ? {} : http.cors, upper);
      byTemplate.set(template, entry);
    }
  }
  return [...byTemplate.values()];
}

/**
 * The routes of an API as "METHOD /path" (e.g. "POST /session"), without the stage segment that
 * starts every template: a path's methods together, the paths in the order they first appear.
 * @param {ApiPath[]} paths
 * @returns {string[]}
 */
export function routeNames(paths) {
  return paths.flatMap(({ template, methods }) => [...methods].map((method) => `${method} ${template.replace(/^\/[^/]+/, '')}`));
}

/**
 * @param {CorsSettings | undefined} merged the path's settings so far
 * @param {Record<string, any>} cors one route's `cors` setting
 * @param {string} method that route's method
 * @returns {CorsSettings}
 */
function mergeCors(merged, cors, method) {
  const maxAge = cors['maxAge'] ?? merged?.maxAge;
  const cacheControl = cors['cacheControl'] ?? merged?.cacheControl;
  return {
    // One origin: the last route's wins; a list of `origins`: all of them.
    ...(cors['origins'] ? {} : { origin: String(cors['origin'] ?? '*') }),
    origins: union(cors['origins'] ?? [], merged?.origins),
    headers: union(cors['headers'] ? [cors['headers']].flat() : DEFAULT_CORS_HEADERS, merged?.headers),
    methods: union(union(cors['methods'] ?? [], ['OPTIONS', method]), merged?.methods),
    allowCredentials: Boolean(merged?.allowCredentials || cors['allowCredentials']),
    ...(maxAge !== undefined ? { maxAge } : {}),
    ...(cacheControl !== undefined ? { cacheControl } : {}),
  };
}

/**
 * The headers of API Gateway's answer to a preflight. The OPTIONS method `serverless package`
 * deploys for a path has a MOCK integration (its lib/cors.js), which answers 200 with these fixed
 * values whatever Origin the request names: the browser then checks the origin itself. With a
 * list of origins, a request Origin on the list is echoed. Credentials are allowed only when a
 * route's setting says so.
 * @param {CorsSettings} cors
 * @param {string | undefined} requestOrigin
 * @returns {Record<string, string>}
 */
export function preflightHeaders(cors, requestOrigin) {
  const origins = cors.origin?.includes(',') ? cors.origin.split(',').map((origin) => origin.trim()) : cors.origins;
  const matches = (/** @type {string} */ origin) => new RegExp(`^${origin.replace(/\./g, '[.]').replace('*', '.+')}$`).test(requestOrigin ?? '');
  const echoed = requestOrigin && origins.some(matches) ? requestOrigin : undefined;
  return {
    'Access-Control-Allow-Origin': echoed ?? origins[0] ?? cors.origin ?? '*',
    'Access-Control-Allow-Headers': cors.headers.join(','),
    'Access-Control-Allow-Methods': cors.methods.join(',').replace('ANY', 'DELETE,GET,HEAD,PATCH,POST,PUT'),
    ...(cors.allowCredentials ? { 'Access-Control-Allow-Credentials': 'true' } : {}),
    ...(cors.maxAge !== undefined ? { 'Access-Control-Max-Age': String(cors.maxAge) } : {}),
    ...(cors.cacheControl !== undefined ? { 'Cache-Control': cors.cacheControl } : {}),
  };
}

/**
 * The path of the API a request path belongs to, if any (the query string is not part of it).
 * @param {ApiPath[]} paths
 * @param {string} url
 */
export function findPath(paths, url) {
  const pathname = url.split('?')[0] ?? url;
  return paths.find((candidate) => candidate.pattern.test(pathname));
}

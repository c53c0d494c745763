// @ts-check
/**
 * API Gateway's Lambda REQUEST authorizer step, for serverless-offline.
 *
 * serverless-offline runs authorizers itself but answers 401 whatever went wrong, so a database
 * outage inside the authorizer would look like a bad token. API Gateway tells the two apart: the
 * exact error "Unauthorized" is a refusal (UNAUTHORIZED, 401), any other failure is
 * AUTHORIZER_FAILURE, a policy that does not allow the method is ACCESS_DENIED. This module
 * plugs into serverless-offline as its `customAuthenticationProvider` and does what API Gateway
 * does: invoke the authorizer function, read its policy, and hand its context to the handler
 * (stringified, as API Gateway does). The gateway proxy then answers with the service's own
 * gateway response for the type named in the `x-gateway-response-type` header.
 *
 * CommonJS because serverless-offline loads its provider with require().
 */
const Boom = require('@hapi/boom');

const GATEWAY_RESPONSE_HEADER = 'x-gateway-response-type';

/** @type {{ invokeUrl: (functionName: string) => string, functionName: (key: string) => string, region: string, stage: string }} */
const settings = {
  invokeUrl: () => {
    throw new Error('local-stack authorizer used before configure()');
  },
  functionName: (key) => key,
  region: 'us-east-1',
  stage: 'local',
};

/** Called by the local-stack plugin before serverless-offline starts. @param {Partial<typeof settings>} values */
function configure(values) {
  Object.assign(settings, values);
}

/**
 * @param {string} type a gateway response type
 * @param {number} status
 */
function gatewayError(type, status) {
  const error = new Boom.Boom(type, { statusCode: status });
  error.output.headers[GATEWAY_RESPONSE_HEADER] = type;
  return error;
}

/**
 * Does an IAM policy allow invoking this method? (`*` and `?` wildcards, as IAM matches them.)
 * @param {any} policy
 * @param {string} methodArn
 */
function allows(policy, methodArn) {
  const statements = Array.isArray(policy?.Statement) ? policy.Statement : [policy?.Statement];
  const matches = (/** @type {string} */ pattern) =>
    new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`).test(methodArn);
  const covers = (/** @type {any} */ statement) => [statement?.Resource].flat().some((resource) => typeof resource === 'string' && matches(resource));
  if (statements.some((/** @type {any} */ statement) => statement?.Effect === 'Deny' && covers(statement))) return false;
  return statements.some((/** @type {any} */ statement) => statement?.Effect === 'Allow' && covers(statement));
}

/**
 * serverless-offline answers every request that has an Origin header with that origin and
 * `Access-Control-Allow-Credentials: true`, its own CORS added as the answer leaves. API Gateway
 * adds nothing to a Lambda proxy answer (CORS is the routes' preflight and the functions' own
 * headers), so once authorization is done the Origin is taken out of the headers that step reads.
 * The function still gets it: serverless-offline builds the event from the raw headers.
 * @param {any} request a hapi request
 */
function hideOriginFromOfflineCors(request) {
  delete request.headers.origin;
}

/** @param {Record<string, unknown> | undefined} context API Gateway passes context values on as strings */
function stringified(context = {}) {
  return Object.fromEntries(Object.entries(context).map(([key, value]) => [key, String(value)]));
}

/**
 * @param {string} functionName
 * @param {unknown} event
 */
async function invoke(functionName, event) {
  const response = await fetch(settings.invokeUrl(functionName), { method: 'POST', body: JSON.stringify(event) });
  /** @type {any} what the function returned: a policy, or an error */
  const payload = await response.json().catch(() => undefined);
  const failed = response.headers.has('x-amz-function-error') || (payload && typeof payload === 'object' && 'errorMessage' in payload);
  return { failed, payload };
}

/**
 * serverless-offline calls this once per route.
 * @param {any} endpoint the route's http event
 * @param {string} functionKey
 * @param {string} method
 * @param {string} path
 */
module.exports = function localAuthorizerStrategy(endpoint, functionKey, method, path) {
  const name = `local-stack-${functionKey}-${method}-${path}`;
  const authorizer = endpoint.authorizer;
  if (!authorizer) {
    // A route without an authorizer: nothing to check.
    const authenticate = (/** @type {any} */ request, /** @type {any} */ h) => {
      hideOriginFromOfflineCors(request);
      return h.authenticated({ credentials: {} });
    };
    return { name, scheme: name, getAuthenticateFunction: () => ({ authenticate }) };
  }
  const authorizerName = typeof authorizer === 'string' ? authorizer : authorizer.name;
  const identityHeader = String(authorizer.identitySource ?? 'method.request.header.Authorization').replace(/^method\.request\.header\./, '').toLowerCase();
  const resourcePath = `/${path}`.replace(/\/+/g, '/');

  /** @param {any} request @param {any} h */
  async function authenticate(request, h) {
    try {
      return await authorize(request, h);
    } finally {
      hideOriginFromOfflineCors(request);
    }
  }

  /** @param {any} request @param {any} h */
  async function authorize(request, h) {
    const identity = request.headers[identityHeader];
    // With an identity source configured, API Gateway refuses a request without it unasked.
    if (!identity) throw gatewayError('UNAUTHORIZED', 401);
    const httpMethod = request.method.toUpperCase();
    const event = {
      type: 'REQUEST',
      methodArn: `arn:aws:execute-api:${settings.region}:123456789012:local/${settings.stage}/${httpMethod}${resourcePath}`,
      resource: resourcePath,
      path: request.path,
      httpMethod,
      headers: request.headers,
      multiValueHeaders: Object.fromEntries(Object.entries(request.headers).map(([key, value]) => [key, [value]])),
      queryStringParameters: Object.keys(request.query).length ? request.query : null,
      multiValueQueryStringParameters: null,
      pathParameters: Object.keys(request.params).length ? request.params : null,
      stageVariables: null,
      requestContext: { stage: settings.stage, httpMethod, resourcePath, path: request.path, requestId: request.info.id },
    };
    let result;
    try {
      result = await invoke(settings.functionName(authorizerName), event);
    } catch {
      throw gatewayError('AUTHORIZER_FAILURE', 500);
    }
    if (result.failed) {
      throw result.payload?.errorMessage === 'Unauthorized' ? gatewayError('UNAUTHORIZED', 401) : gatewayError('AUTHORIZER_FAILURE', 500);
    }
    const { principalId, policyDocument, context } = result.payload ?? {};
    if (!principalId || !policyDocument) throw gatewayError('AUTHORIZER_CONFIGURATION_ERROR', 500);
    if (!allows(policyDocument, event.methodArn)) throw gatewayError('ACCESS_DENIED', 403);
    return h.authenticated({ credentials: { principalId, context: stringified(context) } });
  }

  return { name, scheme: name, getAuthenticateFunction: () => ({ authenticate }) };
};

module.exports.configure = configure;
module.exports.allows = allows;
module.exports.GATEWAY_RESPONSE_HEADER = GATEWAY_RESPONSE_HEADER;

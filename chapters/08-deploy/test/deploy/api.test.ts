/**
 * API Gateway and the functions' settings in the packaged templates: gateway
 * responses (problem documents with CORS headers), CORS preflight, the authorizer cache, log
 * retention, memory sizes and the workshop's tags. Each is compared with config/<stage>.yml.
 */
import assert from 'node:assert/strict';
import { lambdaFunctions, resourcesOfType, STAGES, usePackages, type Stage } from './packages';

/** Every kind of answer API Gateway gives by itself, and the status it must give. */
const GATEWAY_RESPONSES: Record<string, string | undefined> = {
  UNAUTHORIZED: '401',
  ACCESS_DENIED: '401',
  AUTHORIZER_FAILURE: '503',
  MISSING_AUTHENTICATION_TOKEN: '404',
  REQUEST_TOO_LARGE: '413',
  DEFAULT_4XX: undefined, // keeps the status of the error
  DEFAULT_5XX: undefined,
};

/** The response body with API Gateway's template variables filled in, as JSON. */
function renderedBody(template: string): Record<string, unknown> {
  return JSON.parse(template.replaceAll('$context.error.statusCode', '400').replaceAll('$context.error.messageString', '"Bad Request"'));
}

describe('deploy: API Gateway and function settings', function () {
  const packages = usePackages();
  const settingsOf = (stage: Stage) => packages[stage].state.service.custom.settings;

  for (const stage of STAGES) {
    describe(stage, () => {
      it('answers every error of its own with a problem document that browsers of the stage may read', () => {
        const origin = settingsOf(stage)['corsOrigin'];
        const responses = new Map(resourcesOfType(packages[stage].template, 'AWS::ApiGateway::GatewayResponse').map(([, r]) => [r.Properties?.['ResponseType'], r.Properties ?? {}]));
        assert.deepEqual([...responses.keys()].sort(), Object.keys(GATEWAY_RESPONSES).sort());
        for (const [type, status] of Object.entries(GATEWAY_RESPONSES)) {
          const response = responses.get(type) ?? {};
          assert.equal(response['StatusCode'], status, type);
          const headers = response['ResponseParameters'];
          assert.equal(headers['gatewayresponse.header.Content-Type'], "'application/problem+json'", type);
          assert.equal(headers['gatewayresponse.header.Access-Control-Allow-Origin'], `'${origin}'`, type);
          assert.equal(headers['gatewayresponse.header.Access-Control-Expose-Headers'], "'Retry-After, WWW-Authenticate'", type);
          const body = renderedBody(response['ResponseTemplates']['application/json']);
          assert.deepEqual(Object.keys(body), ['type', 'status', 'title', 'detail', 'code'], type);
          if (status) assert.equal(body['status'], Number(status), type);
        }
      });

      it('answers CORS preflight requests of the stage origin on every path', () => {
        const origin = settingsOf(stage)['corsOrigin'];
        const preflights = resourcesOfType(packages[stage].template, 'AWS::ApiGateway::Method').filter(([, method]) => method.Properties?.['HttpMethod'] === 'OPTIONS');
        assert.deepEqual(preflights.map(([id]) => id).sort(), ['ApiGatewayMethodPingOptions', 'ApiGatewayMethodSessionOptions', 'ApiGatewayMethodUserOptions']);
        for (const [id, method] of preflights) {
          const headers = method.Properties?.['Integration'].IntegrationResponses[0].ResponseParameters;
          assert.equal(headers['method.response.header.Access-Control-Allow-Origin'], `'${origin}'`, id);
          assert.match(headers['method.response.header.Access-Control-Allow-Headers'], /Authorization/, id);
          assert.match(headers['method.response.header.Access-Control-Allow-Headers'], /X-Client-Id/, id);
        }
        for (const [name, fn] of lambdaFunctions(packages[stage].template)) {
          assert.equal(fn.Properties?.['Environment'].Variables.CORS_ORIGIN, origin, `${name} adds the header to its own answers`);
        }
      });

      it('never caches the authorizer: a logged-out session is refused at once', () => {
        const authorizers = resourcesOfType(packages[stage].template, 'AWS::ApiGateway::Authorizer');
        assert.equal(authorizers.length, 1);
        assert.equal(authorizers[0]?.[1].Properties?.['AuthorizerResultTtlInSeconds'], 0);
        assert.equal(authorizers[0]?.[1].Properties?.['Type'], 'REQUEST');
      });

      it('keeps every function log for the configured number of days', () => {
        const logGroups = resourcesOfType(packages[stage].template, 'AWS::Logs::LogGroup');
        assert.equal(logGroups.length, lambdaFunctions(packages[stage].template).size);
        for (const [id, group] of logGroups) assert.equal(group.Properties?.['RetentionInDays'], settingsOf(stage)['logRetentionInDays'], id);
      });

      it('gives each function the configured memory', () => {
        const memory = settingsOf(stage)['memorySize'];
        const expected: Record<string, number> = { ping: memory.ping, createUser: memory.passwordHashing, createSession: memory.passwordHashing };
        for (const [name, fn] of lambdaFunctions(packages[stage].template)) {
          assert.equal(fn.Properties?.['MemorySize'], expected[name] ?? memory.default, name);
        }
      });

      it('tags the stack (and so every resource) with the project and the stage', () => {
        assert.deepEqual(packages[stage].state.service.provider['stackTags'], { project: 'session-api', stage });
        for (const [name, fn] of lambdaFunctions(packages[stage].template)) {
          assert.deepEqual(fn.Properties?.['Tags'], [{ Key: 'project', Value: 'session-api' }, { Key: 'stage', Value: stage }], name);
        }
      });
    });
  }
});

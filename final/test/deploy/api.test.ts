/**
 * API Gateway and the functions' settings in the packaged templates: stage throttling (and what
 * it adds up to), the access log, X-Ray tracing, gateway responses (problem documents with CORS
 * headers), CORS preflight, the authorizer cache, log retention and what becomes of the logs,
 * memory sizes, reserved concurrency and the workshop's tags. Each is compared with
 * config/<stage>.yml.
 */
import assert from 'node:assert/strict';
import { DEPLOYMENTS, lambdaFunctions, resourcesOfType, STAGES, usePackages, type Stage } from './packages';

/** Every kind of answer API Gateway gives by itself, and the status it must give. */
const GATEWAY_RESPONSES: Record<string, string | undefined> = {
  UNAUTHORIZED: '401',
  ACCESS_DENIED: '401',
  AUTHORIZER_FAILURE: '503',
  MISSING_AUTHENTICATION_TOKEN: '404',
  THROTTLED: '429',
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
      it('throttles every route of the stage at the configured rate and burst', () => {
        const { rateLimit, burstLimit } = settingsOf(stage)['apiThrottling'];
        const [[, apiStage] = []] = resourcesOfType(packages[stage].template, 'AWS::ApiGateway::Stage');
        assert.equal(apiStage?.Properties?.['StageName'], stage);
        assert.deepEqual(apiStage?.Properties?.['MethodSettings'], [{ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit }]);
      });

      it('throttles each method on its own: the stage as a whole accepts up to methods x rate', () => {
        // API Gateway applies a /*/* method setting to each method separately (preflights included).
        const methods = resourcesOfType(packages[stage].template, 'AWS::ApiGateway::Method');
        assert.equal(methods.length, 10, '7 routes and the preflight of their 3 paths');
        const { rateLimit } = settingsOf(stage)['apiThrottling'];
        const [[, apiStage] = []] = resourcesOfType(packages[stage].template, 'AWS::ApiGateway::Stage');
        assert.equal(apiStage?.Properties?.['MethodSettings'].length, 1, 'one setting, for every method');
        assert.equal(methods.length * rateLimit, { dev: 100, test: 500, prod: 1000 }[stage]);
      });

      it('deploys the API after its gateway responses, into the throttled stage', () => {
        const [[deploymentId, deployment] = []] = resourcesOfType(packages[stage].template, 'AWS::ApiGateway::Deployment');
        assert.ok(deploymentId && deployment);
        assert.equal(deployment.Properties?.['StageName'], undefined, 'the Stage resource creates the stage');
        for (const [id] of resourcesOfType(packages[stage].template, 'AWS::ApiGateway::GatewayResponse')) {
          assert.ok([deployment.DependsOn].flat().includes(id), `the deployment waits for ${id}`);
        }
        const [[, apiStage] = []] = resourcesOfType(packages[stage].template, 'AWS::ApiGateway::Stage');
        assert.deepEqual(apiStage?.Properties?.['DeploymentId'], { Ref: deploymentId });
      });

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

      it('tells throttled clients when to come back', () => {
        const [[, throttled] = []] = resourcesOfType(packages[stage].template, 'AWS::ApiGateway::GatewayResponse').filter(([, r]) => r.Properties?.['ResponseType'] === 'THROTTLED');
        assert.equal(throttled?.Properties?.['ResponseParameters']['gatewayresponse.header.Retry-After'], "'1'");
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

      it('keeps every log (each function\'s, the API\'s access log) for the configured days, and in prod after the stack is gone', () => {
        const logGroups = resourcesOfType(packages[stage].template, 'AWS::Logs::LogGroup');
        assert.equal(logGroups.length, lambdaFunctions(packages[stage].template).size + 1);
        const policy = settingsOf(stage)['logDeletionPolicy'];
        assert.equal(policy, stage === 'prod' ? 'Retain' : 'Delete');
        for (const [id, group] of logGroups) {
          assert.equal(group.Properties?.['RetentionInDays'], settingsOf(stage)['logRetentionInDays'], id);
          assert.equal(group.DeletionPolicy, policy, id);
          assert.equal(group.UpdateReplacePolicy, policy, id);
        }
      });

      it('writes an access log: one JSON line per request, with its request ids', () => {
        const [[, apiStage] = []] = resourcesOfType(packages[stage].template, 'AWS::ApiGateway::Stage');
        const setting = apiStage?.Properties?.['AccessLogSetting'];
        assert.deepEqual(setting?.DestinationArn, { 'Fn::GetAtt': ['ApiAccessLogGroup', 'Arn'] });
        const group = packages[stage].template.Resources['ApiAccessLogGroup'];
        assert.equal(group?.Type, 'AWS::Logs::LogGroup');
        // Not the name the Serverless Framework deletes after each deploy (/aws/api-gateway/<service>-<stage>).
        assert.equal(group?.Properties?.['LogGroupName'], `/aws/api-gateway/${DEPLOYMENTS[stage]}-${stage}/access`);
        // A line as API Gateway writes it: every $context value filled in, here with an awkward one.
        const line = JSON.parse(String(setting?.Format).replace(/\$context\.[A-Za-z.]+/g, 'a value, with: commas'));
        for (const field of ['requestId', 'functionRequestId', 'ip', 'method', 'path', 'status', 'latencyMs']) assert.ok(field in line, field);
        assert.match(setting?.Format, /"requestId":"\$context\.requestId"/);
        assert.match(setting?.Format, /"functionRequestId":"\$context\.integration\.requestId"/);
      });

      it('traces API Gateway and every function with X-Ray only where the stage says Active', () => {
        const tracing = settingsOf(stage)['tracing'];
        assert.equal(tracing, stage === 'test' || stage === 'prod' ? 'Active' : 'PassThrough');
        const [[, apiStage] = []] = resourcesOfType(packages[stage].template, 'AWS::ApiGateway::Stage');
        assert.equal(apiStage?.Properties?.['TracingEnabled'], tracing === 'Active');
        for (const [name, fn] of lambdaFunctions(packages[stage].template)) assert.deepEqual(fn.Properties?.['TracingConfig'], { Mode: tracing }, name);
      });

      it('reserves each function\'s concurrency where the stage sets it (prod), and nowhere else', () => {
        const reserved = settingsOf(stage)['reservedConcurrency'];
        const expected: Record<string, number | null> = { authorize: reserved.authorize, createUser: reserved.passwordHashing, createSession: reserved.passwordHashing };
        for (const [name, fn] of lambdaFunctions(packages[stage].template)) {
          const wanted = name in expected ? expected[name] : reserved.default;
          assert.equal(fn.Properties?.['ReservedConcurrentExecutions'], wanted ?? undefined, name);
        }
        if (stage === 'prod') assert.ok(Object.values(reserved).every((value) => typeof value === 'number' && value > 0));
        else assert.ok(Object.values(reserved).every((value) => value === null), `${stage} reserves nothing: a new account's pool may be too small`);
      });

      it('gives each function the configured memory', () => {
        const memory = settingsOf(stage)['memorySize'];
        const expected: Record<string, number> = { ping: memory.ping, createUser: memory.passwordHashing, createSession: memory.passwordHashing };
        for (const [name, fn] of lambdaFunctions(packages[stage].template)) {
          assert.equal(fn.Properties?.['MemorySize'], expected[name] ?? memory.default, name);
        }
      });

      it('tags the stack (and so every resource) with the deployment and the stage', () => {
        assert.deepEqual(packages[stage].state.service.provider['stackTags'], { project: DEPLOYMENTS[stage], stage });
        for (const [name, fn] of lambdaFunctions(packages[stage].template)) {
          assert.deepEqual(fn.Properties?.['Tags'], [{ Key: 'project', Value: DEPLOYMENTS[stage] }, { Key: 'stage', Value: stage }], name);
        }
      });
    });
  }
});

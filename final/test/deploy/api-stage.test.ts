/** The plugin infra/api-stage.mjs on small templates (the packaged ones are in api.test.ts). */
import assert from 'node:assert/strict';

type Plugin = typeof import('../../infra/api-stage.mjs');

describe('deploy: infra/api-stage.mjs', () => {
  let plugin: Plugin;
  before(async () => {
    plugin = await import('../../infra/api-stage.mjs');
  });

  it('moves the stage into a Stage resource (throttled, access log, tracing), deployed after the gateway responses', () => {
    const template = {
      Resources: {
        ApiGatewayDeployment123: { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: 'Api' }, StageName: 'dev' }, DependsOn: 'ApiGatewayMethodPingGet' },
        NotFoundResponse: { Type: 'AWS::ApiGateway::GatewayResponse' },
      },
    };
    plugin.addStage(template, { throttling: { rateLimit: 5, burstLimit: 10 }, accessLog: { logGroup: 'AccessLogs', format: '{"id":"$context.requestId"}' }, tracing: 'Active' });
    assert.deepEqual(template.Resources.ApiGatewayDeployment123, {
      Type: 'AWS::ApiGateway::Deployment',
      Properties: { RestApiId: { Ref: 'Api' } },
      DependsOn: ['ApiGatewayMethodPingGet', 'NotFoundResponse'],
    });
    assert.deepEqual((template.Resources as Record<string, unknown>)[plugin.STAGE_LOGICAL_ID], {
      Type: 'AWS::ApiGateway::Stage',
      Properties: {
        RestApiId: { Ref: 'Api' },
        StageName: 'dev',
        DeploymentId: { Ref: 'ApiGatewayDeployment123' },
        MethodSettings: [{ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 }],
        TracingEnabled: true,
        AccessLogSetting: { DestinationArn: { 'Fn::GetAtt': ['AccessLogs', 'Arn'] }, Format: '{"id":"$context.requestId"}' },
      },
    });
  });

  it('traces only when the stage\'s tracing is Active, and logs only when given a log group', () => {
    const template = { Resources: { Deployment1: { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: 'Api' }, StageName: 'dev' } } } };
    plugin.addStage(template, { throttling: { rateLimit: 5, burstLimit: 10 }, tracing: 'PassThrough' });
    const stage = (template.Resources as Record<string, { Properties: Record<string, unknown> }>)[plugin.STAGE_LOGICAL_ID]?.Properties ?? {};
    assert.equal(stage['TracingEnabled'], false);
    assert.equal(stage['AccessLogSetting'], undefined);
  });

  it('leaves a template without a REST API as it is', () => {
    const template = { Resources: { Table: { Type: 'AWS::DynamoDB::Table' } } };
    plugin.addStage(template, { throttling: { rateLimit: 5, burstLimit: 10 } });
    assert.deepEqual(template, { Resources: { Table: { Type: 'AWS::DynamoDB::Table' } } });
  });

  it('refuses to package without throttling settings', () => {
    const ApiStagePlugin = plugin.default;
    const instance = new ApiStagePlugin({ service: { custom: {}, provider: { compiledCloudFormationTemplate: { Resources: {} } } } });
    assert.throws(() => instance.hooks['after:aws:package:finalize:mergeCustomProviderResources'](), /custom.apiStage.throttling/);
  });
});

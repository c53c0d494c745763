// @ts-check
/**
 * A small Serverless plugin for what the Serverless Framework (v3, osls) leaves out of a REST
 * API's CloudFormation template. It runs while packaging, after the template is complete.
 *
 * 1. The stage as a resource of its own. The framework creates the API's stage as a side effect
 *    of its AWS::ApiGateway::Deployment (the deployment's StageName), with no setting for the
 *    stage's throttling, access log or tracing (it sets the last two with SDK calls after the
 *    deploy, out of CloudFormation's sight, and with a custom resource that changes an
 *    account-wide setting). The plugin gives the stage its own AWS::ApiGateway::Stage resource:
 *    - throttling (custom.apiStage.throttling): MethodSettings for every route and method. API
 *      Gateway applies these limits to each method on its own (GET /session and PUT /session
 *      each get the rate), so the stage as a whole accepts up to the number of methods times the
 *      rate. Beyond a method's limits API Gateway answers 429 (the THROTTLED gateway response)
 *      without invoking any function, so a flood costs neither Lambda time nor database reads.
 *    - its access log (custom.apiStage.accessLog): one line per request, in the format given,
 *      into the log group given. API Gateway writes it with the account's CloudWatch role
 *      (`npm run account:init` sets one if the account has none).
 *    - X-Ray tracing when the stage's tracing setting is Active.
 * 2. Deployment order. A deployment is a snapshot of the API. Nothing makes the framework's
 *    deployment wait for the gateway responses, so a first deploy could snapshot the API before
 *    they exist. The deployment now depends on them.
 *
 * The deployment's logical id changes on every package (the framework adds a timestamp so that
 * every deploy publishes a new snapshot), which is why this cannot be written in serverless.yml.
 */

/** @typedef {{ Type: string, Properties?: Record<string, any>, DependsOn?: string[] | string }} Resource */
/**
 * @typedef {{ rateLimit: number, burstLimit: number }} Throttling
 * @typedef {{ logGroup: string, format: string }} AccessLog  the log group's logical id, and the line format
 * @typedef {{ throttling: Throttling, accessLog?: AccessLog, tracing?: string }} StageSettings
 */

export const STAGE_LOGICAL_ID = 'ApiGatewayStage';

/**
 * Changes the template in place: a Stage resource (throttled, with its access log and tracing),
 * and a deployment that waits for the gateway responses. A template without a REST API is left
 * as it is.
 * @param {{ Resources: Record<string, Resource> }} template
 * @param {StageSettings} settings
 */
export function addStage(template, { throttling, accessLog, tracing }) {
  const resources = template.Resources;
  const deploymentId = Object.keys(resources).find((id) => resources[id]?.Type === 'AWS::ApiGateway::Deployment');
  const deployment = deploymentId ? resources[deploymentId] : undefined;
  if (!deploymentId || !deployment?.Properties) return;

  const { StageName: stageName, RestApiId: restApiId } = deployment.Properties;
  delete deployment.Properties['StageName']; // the Stage resource creates the stage now
  resources[STAGE_LOGICAL_ID] = {
    Type: 'AWS::ApiGateway::Stage',
    Properties: {
      RestApiId: restApiId,
      StageName: stageName,
      DeploymentId: { Ref: deploymentId },
      MethodSettings: [
        {
          ResourcePath: '/*', // every route ...
          HttpMethod: '*', // ... and every method
          ThrottlingRateLimit: throttling.rateLimit,
          ThrottlingBurstLimit: throttling.burstLimit,
        },
      ],
      TracingEnabled: tracing === 'Active',
      ...(accessLog
        ? { AccessLogSetting: { DestinationArn: { 'Fn::GetAtt': [accessLog.logGroup, 'Arn'] }, Format: accessLog.format } }
        : {}),
    },
  };

  const gatewayResponses = Object.keys(resources).filter((id) => resources[id]?.Type === 'AWS::ApiGateway::GatewayResponse');
  const dependsOn = deployment.DependsOn === undefined ? [] : [deployment.DependsOn].flat();
  deployment.DependsOn = [...dependsOn, ...gatewayResponses];
}

export default class ApiStagePlugin {
  /** @param {any} serverless */
  constructor(serverless) {
    this.hooks = {
      // After the resources of serverless.yml are merged in, before the template is written.
      'after:aws:package:finalize:mergeCustomProviderResources': () => {
        const settings = serverless.service.custom?.apiStage;
        if (!settings?.throttling) throw new Error('custom.apiStage.throttling (rateLimit, burstLimit) is missing from serverless.yml');
        addStage(serverless.service.provider.compiledCloudFormationTemplate, settings);
      },
    };
  }
}

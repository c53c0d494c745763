// @ts-check
/**
 * A small Serverless plugin for two things the Serverless Framework (v3, osls) leaves out of a
 * REST API's CloudFormation template. It runs while packaging, after the template is complete.
 *
 * 1. Stage throttling. The framework creates the API's stage as a side effect of its
 *    AWS::ApiGateway::Deployment (the deployment's StageName) and has no setting for the stage's
 *    rate and burst limits. The plugin gives the stage its own AWS::ApiGateway::Stage resource
 *    whose MethodSettings throttle every route (custom.apiStage.throttling in serverless.yml).
 *    Beyond those limits API Gateway answers 429 (the THROTTLED gateway response) without
 *    invoking any function, so a flood costs neither Lambda time nor database reads.
 * 2. Deployment order. A deployment is a snapshot of the API. Nothing makes the framework's
 *    deployment wait for the gateway responses, so a first deploy could snapshot the API before
 *    they exist. The deployment now depends on them.
 *
 * The deployment's logical id changes on every package (the framework adds a timestamp so that
 * every deploy publishes a new snapshot), which is why this cannot be written in serverless.yml.
 */

/** @typedef {{ Type: string, Properties?: Record<string, any>, DependsOn?: string[] | string }} Resource */
/** @typedef {{ rateLimit: number, burstLimit: number }} Throttling */

export const STAGE_LOGICAL_ID = 'ApiGatewayStage';

/**
 * Changes the template in place: a throttled Stage resource, and a deployment that waits for the
 * gateway responses. A template without a REST API is left as it is.
 * @param {{ Resources: Record<string, Resource> }} template
 * @param {Throttling} throttling
 */
export function addThrottledStage(template, throttling) {
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
        const throttling = serverless.service.custom?.apiStage?.throttling;
        if (!throttling) throw new Error('custom.apiStage.throttling (rateLimit, burstLimit) is missing from serverless.yml');
        addThrottledStage(serverless.service.provider.compiledCloudFormationTemplate, throttling);
      },
    };
  }
}

// @ts-check
/**
 * Gives API Gateway a role to write logs with, once per AWS account and region, if it has none:
 *
 *   npm run account:init [-- --region us-east-1] [--dry-run]
 *
 * A stage's access log (infra/api-stage.mjs) needs that role in the account's API Gateway
 * settings; `npm run deploy` checks it is there (preflight.mjs). The setting belongs to the whole
 * account and region, shared by every API in it, so it lives in a stack of its own,
 * session-api-account, from the app's infra/account.yml, which no deployment's removal touches.
 * An account whose API Gateway has a role already keeps it: nothing is created.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { APIGatewayClient, GetAccountCommand } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { appDirectory, parseOptions, SERVICE } from './common.mjs';
import { checkCredentials } from './preflight.mjs';
import { createOrUpdateStack } from './vpc-create.mjs';

export const ACCOUNT_STACK = `${SERVICE}-account`;
/** The app's template of the account's settings. */
export const templateFile = () => path.join(appDirectory(), 'infra', 'account.yml');

/**
 * @param {string[]} argv
 * @param {{ apiGateway?: Pick<APIGatewayClient, 'send'>, cloudFormation?: Pick<CloudFormationClient, 'send'>, log?: (line: string) => void, credentials?: (region: string) => Promise<unknown> }} [dependencies]
 */
export async function main(argv, { apiGateway, cloudFormation, log = console.log, credentials = (region) => checkCredentials({ region }) } = {}) {
  const { region, dryRun } = parseOptions(argv, {}, { stage: false });
  if (dryRun) {
    log(`Would check the AWS credentials and whether API Gateway has a role to write logs with in ${region}, and if not, create stack ${ACCOUNT_STACK} from infra/account.yml.`);
    return 0;
  }
  await credentials(region);
  const { cloudwatchRoleArn } = await (apiGateway ?? new APIGatewayClient({ region })).send(new GetAccountCommand({}));
  if (cloudwatchRoleArn) {
    log(`API Gateway writes logs in ${region} with ${cloudwatchRoleArn} already: nothing to do.`);
    return 0;
  }
  log(`Creating stack ${ACCOUNT_STACK} (${region}) from infra/account.yml: the role API Gateway writes logs with...`);
  const outcome = await createOrUpdateStack(cloudFormation ?? new CloudFormationClient({ region }), {
    StackName: ACCOUNT_STACK,
    TemplateBody: readFileSync(templateFile(), 'utf8'),
    Capabilities: ['CAPABILITY_IAM'],
    Tags: [{ Key: 'project', Value: SERVICE }],
  });
  log(`Stack ${ACCOUNT_STACK}: ${outcome}.`);
  return 0;
}

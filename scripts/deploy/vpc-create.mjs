// @ts-check
/**
 * Creates (or updates) the VPC stack of a stage from infra/vpc.yml:
 *
 *   npm run vpc:create -- --stage prod [--nat-gateways] [--name NAME] [--region us-east-1] [--dry-run]
 *
 * The stack is named <deployment>-<stage>-vpc (session-api-prod-vpc) and exports the ids that
 * serverless.yml imports when config/<stage>.yml says runInVpc: true, so it must exist before
 * that stage's first deploy. --nat-gateways adds NAT gateways (internet access, about $66 a
 * month): see vpc.yml. The template gets the deployment's name and stage (its endpoints let
 * through only that deployment's tables and key) and the id of the region's DynamoDB prefix list
 * (the functions' security group opens HTTPS to DynamoDB's addresses only), which it looks up
 * with EC2's DescribePrefixLists. It uses the AWS SDK, so the AWS CLI is not needed, checks the
 * credentials first (preflight.mjs), and waits until CloudFormation has finished (a few minutes:
 * the SSM endpoint takes the longest).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
  waitUntilStackCreateComplete,
  waitUntilStackUpdateComplete,
} from '@aws-sdk/client-cloudformation';
import { DescribePrefixListsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { appDirectory, parseOptions, stageSettings, vpcStackName, workshopTags } from './common.mjs';
import { checkCredentials } from './preflight.mjs';

/** The app's VPC template. */
export const templateFile = () => path.join(appDirectory(), 'infra', 'vpc.yml');
/** Creating the SSM interface endpoint alone can take several minutes. */
const MAX_WAIT_SECONDS = 30 * 60;

/** @typedef {Pick<CloudFormationClient, 'send'>} CloudFormation */

/**
 * What CloudFormation is asked to create or update.
 * @param {{ deployment: string, stage: string, natGateways: boolean, dynamoDbPrefixList: string }} stack
 */
export function stackRequest({ deployment, stage, natGateways, dynamoDbPrefixList }) {
  return {
    StackName: vpcStackName(deployment, stage),
    TemplateBody: readFileSync(templateFile(), 'utf8'),
    Parameters: [
      { ParameterKey: 'Service', ParameterValue: deployment },
      { ParameterKey: 'Stage', ParameterValue: stage },
      { ParameterKey: 'DynamoDbPrefixList', ParameterValue: dynamoDbPrefixList },
      { ParameterKey: 'NatGateways', ParameterValue: String(natGateways) },
    ],
    // CloudFormation copies the stack's tags onto every resource it creates.
    Tags: workshopTags(stage, deployment),
  };
}

/**
 * The id of the region's prefix list of DynamoDB's addresses (com.amazonaws.<region>.dynamodb).
 * @param {Pick<EC2Client, 'send'>} ec2
 * @param {string} region
 */
export async function dynamoDbPrefixList(ec2, region) {
  const name = `com.amazonaws.${region}.dynamodb`;
  const { PrefixLists = [] } = await ec2.send(new DescribePrefixListsCommand({ Filters: [{ Name: 'prefix-list-name', Values: [name] }] }));
  const id = PrefixLists[0]?.PrefixListId;
  if (!id) throw new Error(`EC2 knows no prefix list ${name} in ${region}: DynamoDB's gateway endpoint needs one`);
  return id;
}

/**
 * @param {CloudFormation} cloudFormation
 * @param {string} stackName
 */
async function stackExists(cloudFormation, stackName) {
  try {
    const { Stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    return Stacks.some((stack) => stack.StackStatus !== 'DELETE_COMPLETE');
  } catch (error) {
    // CloudFormation answers a ValidationError "Stack with id X does not exist".
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message)) return false;
    throw error;
  }
}

/**
 * Creates the stack, or updates it if it exists, and waits for the result.
 * @param {CloudFormation} cloudFormation
 * @param {import('@aws-sdk/client-cloudformation').CreateStackCommandInput & { StackName: string }} request
 * @returns {Promise<'created' | 'updated' | 'unchanged'>}
 */
export async function createOrUpdateStack(cloudFormation, request) {
  const waiter = { client: /** @type {CloudFormationClient} */ (cloudFormation), maxWaitTime: MAX_WAIT_SECONDS };
  const stack = { StackName: request.StackName };
  if (!(await stackExists(cloudFormation, request.StackName))) {
    await cloudFormation.send(new CreateStackCommand(request));
    await waitUntilStackCreateComplete(waiter, stack);
    return 'created';
  }
  try {
    await cloudFormation.send(new UpdateStackCommand(request));
  } catch (error) {
    if (error instanceof Error && /No updates are to be performed/.test(error.message)) return 'unchanged';
    throw error;
  }
  await waitUntilStackUpdateComplete(waiter, stack);
  return 'updated';
}

/**
 * @param {string[]} argv
 * @param {{ cloudFormation?: CloudFormation, ec2?: Pick<EC2Client, 'send'>, log?: (line: string) => void, credentials?: (region: string) => Promise<unknown> }} [dependencies]
 */
export async function main(argv, { cloudFormation, ec2, log = console.log, credentials = (region) => checkCredentials({ region }) } = {}) {
  const options = parseOptions(argv, { 'nat-gateways': { type: 'boolean' } });
  const { deployment, stage, region } = options;
  const natGateways = options['nat-gateways'] === true;
  const summary = `stack ${vpcStackName(deployment, stage)} (${region}) from infra/vpc.yml, NatGateways=${natGateways}`;
  if (stageSettings(stage)['runInVpc'] !== true) {
    log(`Note: config/${stage}.yml says runInVpc: false, so the functions of ${stage} will not use this VPC.`);
  }
  if (options.dryRun) {
    log(`Would check the AWS credentials, look up the DynamoDB prefix list of ${region}, and create or update ${summary}.`);
    return 0;
  }
  await credentials(region);
  const prefixList = await dynamoDbPrefixList(ec2 ?? new EC2Client({ region }), region);
  const request = stackRequest({ deployment, stage, natGateways, dynamoDbPrefixList: prefixList });
  log(`Creating or updating ${summary}: this takes a few minutes...`);
  const outcome = await createOrUpdateStack(cloudFormation ?? new CloudFormationClient({ region }), request);
  log(`Stack ${request.StackName}: ${outcome}.`);
  return 0;
}

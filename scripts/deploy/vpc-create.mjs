// @ts-check
/**
 * Creates (or updates) the VPC stack of a stage from infra/vpc.yml:
 *
 *   npm run vpc:create -- --stage prod [--nat-gateways] [--region us-east-1] [--dry-run]
 *
 * The stack is named session-api-<stage>-vpc and exports the ids that serverless.yml imports
 * when config/<stage>.yml says runInVpc: true, so it must exist before that stage's first
 * deploy. --nat-gateways adds NAT gateways (internet access, about $66 a month): see vpc.yml.
 * It uses the AWS SDK's CloudFormation client, so the AWS CLI is not needed, and waits until
 * CloudFormation has finished (a few minutes: the SSM endpoint takes the longest).
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
import { appDirectory, parseOptions, stageSettings, vpcStackName, workshopTags } from './common.mjs';

/** The app's VPC template. */
export const templateFile = () => path.join(appDirectory(), 'infra', 'vpc.yml');
/** Creating the SSM interface endpoint alone can take several minutes. */
const MAX_WAIT_SECONDS = 30 * 60;

/** @typedef {Pick<CloudFormationClient, 'send'>} CloudFormation */

/**
 * What CloudFormation is asked to create or update.
 * @param {string} stage
 * @param {boolean} natGateways
 */
export function stackRequest(stage, natGateways) {
  return {
    StackName: vpcStackName(stage),
    TemplateBody: readFileSync(templateFile(), 'utf8'),
    Parameters: [{ ParameterKey: 'NatGateways', ParameterValue: String(natGateways) }],
    // CloudFormation copies the stack's tags onto every resource it creates.
    Tags: workshopTags(stage),
  };
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
 * @param {ReturnType<typeof stackRequest>} request
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
 * @param {{ cloudFormation?: CloudFormation, log?: (line: string) => void }} [dependencies]
 */
export async function main(argv, { cloudFormation, log = console.log } = {}) {
  const options = parseOptions(argv, { 'nat-gateways': { type: 'boolean' } });
  const request = stackRequest(options.stage, options['nat-gateways'] === true);
  const summary = `stack ${request.StackName} (${options.region}) from infra/vpc.yml, NatGateways=${request.Parameters[0]?.ParameterValue}`;
  if (stageSettings(options.stage)['runInVpc'] !== true) {
    log(`Note: config/${options.stage}.yml says runInVpc: false, so the functions of ${options.stage} will not use this VPC.`);
  }
  if (options.dryRun) {
    log(`Would create or update ${summary}.`);
    return 0;
  }
  log(`Creating or updating ${summary}: this takes a few minutes...`);
  const outcome = await createOrUpdateStack(cloudFormation ?? new CloudFormationClient({ region: options.region }), request);
  log(`Stack ${request.StackName}: ${outcome}.`);
  return 0;
}


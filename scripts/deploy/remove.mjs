// @ts-check
/**
 * Removes a stage from AWS, then lists whatever of it is left:
 *
 *   npm run remove -- --stage dev [--vpc] [--signing-key] [--account] [--name NAME] [--region us-east-1] [--dry-run]
 *
 * It works on one deployment: session-api, or session-api-NAME with --name NAME (common.mjs),
 * and checks the credentials first (preflight.mjs).
 * 1. `serverless remove --stage dev`: the service's stack (functions, API, tables, log groups,
 *    roles, alarms, the deployment bucket). In prod the tables and log groups stay: they have
 *    DeletionPolicy Retain (and the tables deletion protection), so that no command deletes
 *    production data.
 * 2. --vpc: the VPC stack <deployment>-<stage>-vpc (after the service, which imports from it).
 * 3. --signing-key: the SSM parameter holding the signing key (created outside any stack by
 *    `npm run secrets:init`). Without it the key stays, so that a redeploy keeps its sessions valid.
 * 4. Lists every resource still tagged project=<deployment> and stage=<stage> (Resource Groups
 *    Tagging API), so that nothing is left running, and billing, unnoticed. That API can list a
 *    resource for a short while after it is deleted: run again to confirm.
 * 5. --account: the stack session-api-account (`npm run account:init`: the role API Gateway writes
 *    logs with), last. It serves every deployment of the account and region: only when no other
 *    deployment is left there.
 */
import { CloudFormationClient, DeleteStackCommand, waitUntilStackDeleteComplete } from '@aws-sdk/client-cloudformation';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { DeleteParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { parseOptions, runServerless, signingKeyParameter, stageSettings, vpcStackName } from './common.mjs';
import { ACCOUNT_STACK } from './account-init.mjs';
import { checkCredentials } from './preflight.mjs';

/** Deleting the SSM endpoint and the network interfaces Lambda left in the subnets takes a while. */
const MAX_WAIT_SECONDS = 45 * 60;

/**
 * The ARNs of the resources still tagged for the deployment's stage, across all pages.
 * @param {Pick<ResourceGroupsTaggingAPIClient, 'send'>} tagging
 * @param {string} stage
 * @param {string} deployment
 */
export async function taggedResources(tagging, stage, deployment) {
  const arns = [];
  /** @type {string | undefined} */
  let token;
  do {
    const page = await tagging.send(
      new GetResourcesCommand({
        TagFilters: [
          { Key: 'project', Values: [deployment] },
          { Key: 'stage', Values: [stage] },
        ],
        ...(token ? { PaginationToken: token } : {}),
      }),
    );
    arns.push(...(page.ResourceTagMappingList ?? []).flatMap((mapping) => (mapping.ResourceARN ? [mapping.ResourceARN] : [])));
    token = page.PaginationToken || undefined; // the last page answers an empty string
  } while (token);
  return arns;
}

/**
 * @typedef {object} Dependencies
 * @property {Pick<CloudFormationClient, 'send'>} [cloudFormation]
 * @property {Pick<ResourceGroupsTaggingAPIClient, 'send'>} [tagging]
 * @property {Pick<SSMClient, 'send'>} [ssm]
 * @property {(args: string[], options: { dryRun: boolean, deployment: string, log: (line: string) => void }) => number} [serverless]
 * @property {(line: string) => void} [log]
 * @property {(region: string) => Promise<unknown>} [credentials]  the credentials check (preflight.mjs)
 */

/**
 * @param {string[]} argv
 * @param {Dependencies} [dependencies]
 */
export async function main(argv, dependencies = {}) {
  const options = parseOptions(argv, { vpc: { type: 'boolean' }, 'signing-key': { type: 'boolean' }, account: { type: 'boolean' } });
  const { stage, region, dryRun, deployment } = options;
  const { serverless = runServerless, log = console.log, credentials = (where) => checkCredentials({ region: where }) } = dependencies;

  if (stageSettings(stage)['tables']?.['deletionPolicy'] === 'Retain') {
    log(`The tables of ${stage} are kept (DeletionPolicy Retain): they will be listed below. Deleting them is a manual step: see Deploy to AWS on the workshop's site (npm run docs).`);
  }
  if (stageSettings(stage)['logDeletionPolicy'] === 'Retain') {
    log(`The log groups of ${stage} are kept (DeletionPolicy Retain) with their retention, and listed below if tagged; CloudWatch deletes their events when the retention ends.`);
  }
  if (!dryRun) await credentials(region);
  const status = serverless(['remove', '--stage', stage, '--region', region], { dryRun, deployment, log });
  if (status !== 0) return status;

  if (options['vpc'] === true) {
    const stackName = vpcStackName(deployment, stage);
    log(`${dryRun ? 'Would delete' : 'Deleting'} stack ${stackName} (${region})${dryRun ? '.' : ': this takes a few minutes...'}`);
    if (!dryRun) {
      const cloudFormation = dependencies.cloudFormation ?? new CloudFormationClient({ region });
      await cloudFormation.send(new DeleteStackCommand({ StackName: stackName }));
      await waitUntilStackDeleteComplete({ client: /** @type {CloudFormationClient} */ (cloudFormation), maxWaitTime: MAX_WAIT_SECONDS }, { StackName: stackName });
    }
  }

  if (options['signing-key'] === true) {
    const name = signingKeyParameter(stage, deployment);
    log(`${dryRun ? 'Would delete' : 'Deleting'} the SSM parameter ${name} (${region}).`);
    if (!dryRun) await (dependencies.ssm ?? new SSMClient({ region })).send(new DeleteParameterCommand({ Name: name }));
  }

  if (options['account'] === true) {
    log(`${dryRun ? 'Would delete' : 'Deleting'} stack ${ACCOUNT_STACK} (${region}), the role API Gateway writes logs with${dryRun ? '.' : '...'}`);
    if (!dryRun) {
      const cloudFormation = dependencies.cloudFormation ?? new CloudFormationClient({ region });
      await cloudFormation.send(new DeleteStackCommand({ StackName: ACCOUNT_STACK }));
      await waitUntilStackDeleteComplete({ client: /** @type {CloudFormationClient} */ (cloudFormation), maxWaitTime: MAX_WAIT_SECONDS }, { StackName: ACCOUNT_STACK });
    }
  }

  if (dryRun) {
    log(`Would list the resources still tagged project=${deployment}, stage=${stage} (${region}).`);
    return 0;
  }
  const left = await taggedResources(dependencies.tagging ?? new ResourceGroupsTaggingAPIClient({ region }), stage, deployment);
  log(left.length === 0 ? `Nothing tagged project=${deployment}, stage=${stage} is left in ${region}.` : `Still tagged project=${deployment}, stage=${stage} in ${region}:`);
  for (const arn of left) log(`  ${arn}`);
  return 0;
}


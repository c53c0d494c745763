// @ts-check
/**
 * Removes a stage from AWS, then lists whatever of it is left:
 *
 *   npm run remove -- --stage dev [--vpc] [--signing-key] [--region us-east-1] [--dry-run]
 *
 * 1. `serverless remove --stage dev`: the service's stack (functions, API, tables, log groups,
 *    roles, the deployment bucket). In prod the tables stay: they have DeletionPolicy Retain and
 *    deletion protection, so that no command deletes production data.
 * 2. --vpc: the VPC stack session-api-<stage>-vpc (after the service, which imports from it).
 * 3. --signing-key: the SSM parameter holding the signing key (created outside any stack by
 *    `npm run secrets:init`). Without it the key stays, so that a redeploy keeps its sessions valid.
 * 4. Lists every resource still tagged project=session-api and stage=<stage> (Resource Groups
 *    Tagging API), so that nothing is left running, and billing, unnoticed. That API can list a
 *    resource for a short while after it is deleted: run again to confirm.
 */
import { CloudFormationClient, DeleteStackCommand, waitUntilStackDeleteComplete } from '@aws-sdk/client-cloudformation';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { DeleteParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { parseOptions, runServerless, SERVICE, stageSettings, vpcStackName } from './common.mjs';

/** Deleting the SSM endpoint and the network interfaces Lambda left in the subnets takes a while. */
const MAX_WAIT_SECONDS = 45 * 60;

/**
 * The ARNs of the resources still tagged for the workshop's stage, across all pages.
 * @param {Pick<ResourceGroupsTaggingAPIClient, 'send'>} tagging
 * @param {string} stage
 */
export async function taggedResources(tagging, stage) {
  const arns = [];
  /** @type {string | undefined} */
  let token;
  do {
    const page = await tagging.send(
      new GetResourcesCommand({
        TagFilters: [
          { Key: 'project', Values: [SERVICE] },
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
 * @property {(args: string[], options: { dryRun: boolean, log: (line: string) => void }) => number} [serverless]
 * @property {(line: string) => void} [log]
 */

/**
 * @param {string[]} argv
 * @param {Dependencies} [dependencies]
 */
export async function main(argv, dependencies = {}) {
  const options = parseOptions(argv, { vpc: { type: 'boolean' }, 'signing-key': { type: 'boolean' } });
  const { stage, region, dryRun } = options;
  const { serverless = runServerless, log = console.log } = dependencies;

  if (stageSettings(stage)['tables']?.['deletionPolicy'] === 'Retain') {
    log(`The tables of ${stage} are kept (DeletionPolicy Retain): they will be listed below. Deleting them is a manual step: see Deploy to AWS on the workshop's site (npm run docs).`);
  }
  const status = serverless(['remove', '--stage', stage, '--region', region], { dryRun, log });
  if (status !== 0) return status;

  if (options['vpc'] === true) {
    const stackName = vpcStackName(stage);
    log(`${dryRun ? 'Would delete' : 'Deleting'} stack ${stackName} (${region})${dryRun ? '.' : ': this takes a few minutes...'}`);
    if (!dryRun) {
      const cloudFormation = dependencies.cloudFormation ?? new CloudFormationClient({ region });
      await cloudFormation.send(new DeleteStackCommand({ StackName: stackName }));
      await waitUntilStackDeleteComplete({ client: /** @type {CloudFormationClient} */ (cloudFormation), maxWaitTime: MAX_WAIT_SECONDS }, { StackName: stackName });
    }
  }

  if (options['signing-key'] === true) {
    const name = stageSettings(stage)['signingKeyParameter'];
    log(`${dryRun ? 'Would delete' : 'Deleting'} the SSM parameter ${name} (${region}).`);
    if (!dryRun) await (dependencies.ssm ?? new SSMClient({ region })).send(new DeleteParameterCommand({ Name: name }));
  }

  if (dryRun) {
    log(`Would list the resources still tagged project=${SERVICE}, stage=${stage} (${region}).`);
    return 0;
  }
  const left = await taggedResources(dependencies.tagging ?? new ResourceGroupsTaggingAPIClient({ region }), stage);
  log(left.length === 0 ? `Nothing tagged project=${SERVICE}, stage=${stage} is left in ${region}.` : `Still tagged project=${SERVICE}, stage=${stage} in ${region}:`);
  for (const arn of left) log(`  ${arn}`);
  return 0;
}


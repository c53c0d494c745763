// @ts-check
/**
 * Deploys a package built by `npm run package`, as one CloudFormation update of the stage's stack:
 *
 *   npm run deploy -- --stage dev [--package DIR] [--function NAME] [--rollback] [--name NAME] [--region us-east-1] [--dry-run]
 *
 * = `serverless deploy --stage dev --package DIR` (DIR defaults to the app's .serverless-<stage>),
 * for the deployment the package was built for (--name, if given, must be that one). The region
 * is the package's unless --region, AWS_REGION or AWS_DEFAULT_REGION names one, which must then
 * be the package's too.
 *
 * Before anything is sent it checks, each with a one-line message that says what to type:
 * the package (stage, region, deployment, function), the credentials (preflight.mjs), that API
 * Gateway may write the access log in this account, that the stage's signing key exists, and,
 * for a stage that runs in its VPC, that the VPC stack exists.
 *
 * Why the whole stack even when one function changed (--function): a function's API Gateway
 * route, its permission to be invoked and the REST API's deployment (the snapshot API Gateway
 * serves) are CloudFormation resources of that stack. `serverless deploy function`, which the
 * 2016 pipelines used, swaps the function's code behind CloudFormation's back: the route is not
 * updated and the stack no longer describes what runs (drift). A CloudFormation update changes
 * only the resources whose definition changed, so a one-function change deploys as that function
 * plus its route and the API's new deployment. The other functions keep their settings, roles,
 * routes and published versions (named after their code's hash); one thing of theirs does change:
 * serverless uploads each deploy's zips to a new S3 folder, so CloudFormation points every
 * function at its new copy, and an unchanged function gets the same bytes again.
 *
 * --function NAME only checks that the package contains that function, and names it in the
 * output, so that a per-function pipeline fails early when given a package without its function.
 *
 * Never backwards by accident: before deploying, it reads the commit the stack runs (its Output
 * SourceCommit) and refuses a package whose history does not contain that commit, e.g. an older
 * run of one function's pipeline approved after a newer run of another's (promotion.mjs says
 * why). --rollback deploys it anyway, on purpose. A stack that does not exist yet, or records no
 * commit, is simply deployed.
 *
 * Never over someone else's: the package also records the app it was built from (final/,
 * workspace/, ...: the AppFolder Output), and a stack that runs another app's package is left
 * alone: two apps deploy under two names (--name), never into one stack.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SSMClient } from '@aws-sdk/client-ssm';
import { nameOption, packageDirectory, parseOptions, runServerless, serviceStackName, UsageError, vpcStackName } from './common.mjs';
import { checkApiGatewayLogging, checkCredentials, checkSigningKey, checkVpcStack } from './preflight.mjs';
import { compareCommits, describeCommit, packageApp, packageCommit, repositoryDirectory, stackCommit } from './promotion.mjs';

/** A deploy that would go back in history, refused: the message says what to type instead. */
export class RefusedDeploy extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'RefusedDeploy';
  }
}

/**
 * What a package was built for, from its serverless-state.json.
 * @typedef {{ stage: string, region: string, deployment: string, functions: string[], settings: Record<string, any> }} Packaged
 */

/**
 * Checks that DIR holds a package of this stage, region and deployment (and of the function, if
 * named), and returns what it was built for. Each refusal says the command that fixes it.
 * @param {string} dir
 * @param {{ stage: string, region: string, regionSource: import('./common.mjs').RegionSource, name: string | undefined, deployment: string, functionName?: string | undefined }} expected
 * @returns {Packaged}
 */
export function checkPackage(dir, { stage, region, regionSource, name, deployment, functionName }) {
  const stateFile = path.join(dir, 'serverless-state.json');
  if (!existsSync(stateFile)) {
    throw new UsageError(`No package in ${dir}: build it first with npm run package -- --stage ${stage}${name === undefined ? '' : ` --name ${name}`}`);
  }
  const { service } = JSON.parse(readFileSync(stateFile, 'utf8'));
  /** @type {Packaged} */
  const packaged = { stage: service.provider.stage, region: service.provider.region, deployment: service.service, functions: Object.keys(service.functions), settings: service.custom?.settings ?? {} };
  if (packaged.stage !== stage) {
    throw new UsageError(`${dir} was packaged for stage ${packaged.stage} in ${packaged.region}, not ${stage}: package ${stage} with npm run package -- --stage ${stage}${nameOption(packaged.deployment)}`);
  }
  if (region !== packaged.region && regionSource !== 'the default') {
    throw new UsageError(
      `The package in ${dir} was built for ${packaged.region}, and this deploy goes to ${region} (${regionSource}). Package it for ${region}: npm run package -- --stage ${stage} --region ${region}${nameOption(packaged.deployment)}`,
    );
  }
  if (name !== undefined && deployment !== packaged.deployment) {
    throw new UsageError(`The package in ${dir} was built for the deployment ${packaged.deployment}, not ${deployment}: package it with npm run package -- --stage ${stage} --name ${name}`);
  }
  if (functionName !== undefined && (!packaged.functions.includes(functionName) || !existsSync(path.join(dir, `${functionName}.zip`)))) {
    throw new UsageError(`The package in ${dir} has no function "${functionName}". Its functions: ${packaged.functions.join(', ')}`);
  }
  return packaged;
}

/**
 * Never backwards by accident: returns what to log when the package may replace what the stack
 * runs, and throws RefusedDeploy (one line, with the command that deploys anyway) when not.
 * @param {{ source: import('./promotion.mjs').SourceCommit | null, app: string | null }} packaged
 * @param {Awaited<ReturnType<typeof stackCommit>>} live
 * @param {{ repoDir: string, stackName: string, stage: string, rollback: boolean, argv: string[] }} context
 * @returns {string}
 */
function checkPromotion(packaged, live, { repoDir, stackName, stage, rollback, argv }) {
  if (!live.exists) return `Stack ${stackName} does not exist yet: this is its first deploy.`;
  if (live.app !== null && packaged.app !== null && live.app !== packaged.app) {
    throw new RefusedDeploy(
      `Refused: stack ${stackName} runs the app of ${live.app}/, and this package is of ${packaged.app}/. Two apps never share a deployment: give this one its own name, npm run package -- --stage ${stage} --name NAME, then deploy that package.`,
    );
  }
  if (live.source === null) return `Stack ${stackName} records no commit (deployed before deploys recorded one): deploying.`;
  const verdict = compareCommits(packaged.source, live.source, { repoDir, stackName, stage });
  if (verdict.deploy) return verdict.note;
  if (rollback) {
    return `--rollback: replacing ${describeCommit(live.source)} on stack ${stackName} with ${packaged.source ? describeCommit(packaged.source) : 'a package that records no commit'}, which does not contain it.`;
  }
  const anyway = ['npm', 'run', 'deploy', '--', ...argv, '--rollback'].join(' ');
  throw new RefusedDeploy(`Refused: ${verdict.problem}. ${verdict.remedy}, or deploy it anyway: ${anyway}`);
}

/**
 * @typedef {object} Dependencies
 * @property {(line: string) => void} [log]
 * @property {typeof runServerless} [serverless]
 * @property {Pick<CloudFormationClient, 'send'>} [cloudFormation]
 * @property {Pick<SSMClient, 'send'>} [ssm]
 * @property {Pick<APIGatewayClient, 'send'>} [apiGateway]
 * @property {(region: string) => Promise<{ account: string, arn: string }>} [credentials]  the credentials check (preflight.mjs)
 * @property {string} [repoDir]  the git clone that compares commits (default: this one)
 */

/**
 * @param {string[]} argv
 * @param {Dependencies} [dependencies]
 */
export async function main(argv, dependencies = {}) {
  const { log = console.log, serverless = runServerless, repoDir = repositoryDirectory() } = dependencies;
  const options = parseOptions(argv, { package: { type: 'string' }, function: { type: 'string' }, rollback: { type: 'boolean' } });
  const dir = packageDirectory(options.stage, options['package']);
  const functionName = typeof options['function'] === 'string' ? options['function'] : undefined;
  const packaged = checkPackage(dir, { ...options, functionName });
  const { stage } = options;
  const { deployment, region, settings } = packaged;
  const stackName = serviceStackName(deployment, stage);
  const named = nameOption(deployment);

  const source = packageCommit(dir);
  const app = packageApp(dir);
  log(`Deploying the package in ${dir}${source ? ` (commit ${describeCommit(source)})` : ''} to stack ${stackName} (${region}).`);
  if (settings['alarms']?.email && /@example\.(com|org|net)$/.test(settings['alarms'].email)) {
    log(`Note: config/${stage}.yml sends the alarms to ${settings['alarms'].email}: put your own address there, or '' for none.`);
  }
  const checks = [
    ['signing key', `the signing key ${String(settings['signingKeyParameter'])} exists`],
    ...(settings['runInVpc'] === true ? [['vpc', `stack ${vpcStackName(deployment, stage)} (the VPC) exists`]] : []),
  ];
  if (options.dryRun) {
    log(`Would check the AWS credentials, that API Gateway may write logs in ${region}, that ${checks.map(([, what]) => what).join(', and that ')}.`);
    log(`Would check that stack ${stackName} runs no commit this package's ${source ? source.commit.slice(0, 8) : '(none recorded)'} does not contain, nor another app's package.`);
  } else {
    const identity = await (dependencies.credentials ?? ((where) => checkCredentials({ region: where })))(region);
    log(`AWS account ${identity.account}, as ${identity.arn}.`);
    await checkApiGatewayLogging(dependencies.apiGateway ?? new APIGatewayClient({ region }), { region });
    const parameterName = String(settings['signingKeyParameter']);
    await checkSigningKey(dependencies.ssm ?? new SSMClient({ region }), { parameterName, region, fix: `npm run secrets:init -- --stage ${stage}${named} --region ${region}` });
    const cloudFormation = dependencies.cloudFormation ?? new CloudFormationClient({ region });
    if (settings['runInVpc'] === true) {
      await checkVpcStack(cloudFormation, { stackName: vpcStackName(deployment, stage), stage, region, fix: `npm run vpc:create -- --stage ${stage}${named} --region ${region}` });
    }
    const live = await stackCommit(cloudFormation, stackName);
    const rollback = options['rollback'] === true;
    log(checkPromotion({ source, app }, live, { repoDir, stackName, stage, rollback, argv }));
  }
  if (functionName !== undefined) {
    log(`Function ${functionName}: CloudFormation updates it together with its API Gateway route, in one stack update.`);
  }
  return serverless(['deploy', '--stage', stage, '--region', region, '--package', dir], { dryRun: options.dryRun, deployment, log });
}

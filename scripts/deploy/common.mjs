// @ts-check
/**
 * What the deploy scripts of this folder share: the stages they accept, the region and the
 * deployment they work on, the names of its stacks and folders, a stage's settings, and how they
 * run (or, with --dry-run, only print) a Serverless Framework command.
 *
 * A deployment is one copy of the service in an AWS account: session-api, or session-api-NAME
 * with --name NAME. Its name starts every name AWS holds for it (the stack session-api-ada-dev,
 * its functions, tables, roles and alarms, the parameter /session-api-ada/dev/signing-key), so
 * that several people, or workspace/ and final/, can share one account: each passes its own
 * --name. serverless.yml reads it as its service, from SESSION_API_DEPLOYMENT, which only these
 * scripts set.
 *
 * They work on the app in the folder they run in: npm runs an app's scripts in its folder
 * (final/, a chapter, your copy), e.g. `npm run deploy -- --stage dev`, and `npm run deploy` at
 * the repository root runs final/'s. So a folder given on the command line (--out, --package) is
 * relative to the app's folder, as for every script of the app (the GoCD pipelines count on it),
 * wherever npm was started.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { partition } from '@aws-sdk/core/client';
import YAML from 'yaml';

export const SERVICE = 'session-api';
/** The variable that gives serverless.yml the deployment's name (its service). */
export const DEPLOYMENT_VARIABLE = 'SESSION_API_DEPLOYMENT';
/** The stages that deploy to AWS. `local` is `npm start` only and never deploys. */
const DEPLOYED_STAGES = ['dev', 'test', 'prod'];
/** The region of serverless.yml's default, when neither --region nor the environment names one. */
const DEFAULT_REGION = 'us-east-1';
/** A name for --name: it becomes part of stack, bucket, table and function names. */
const NAME = /^[a-z][a-z0-9-]{0,19}$/;

/** The app the scripts work on: the folder they run in, where its serverless.yml is. */
export function appDirectory() {
  return process.cwd();
}

const SERVERLESS_BIN = createRequire(import.meta.url).resolve('serverless/bin/serverless.js');

/** A mistake on the command line: the script prints it and exits with code 2. */
export class UsageError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * @typedef {'--region' | 'AWS_REGION' | 'AWS_DEFAULT_REGION' | 'the default'} RegionSource
 * @typedef {{ stage: string, region: string, regionSource: RegionSource, deployment: string, name: string | undefined, dryRun: boolean }} CommonOptions
 */

/**
 * The command line of a script: --stage (required unless `stage: false`), --region, --name,
 * --dry-run, and its own options. The region is --region, else AWS_REGION, else
 * AWS_DEFAULT_REGION (the AWS CLI's), else us-east-1; it must be a region AWS has.
 * @param {string[]} argv
 * @param {Record<string, { type: 'string' | 'boolean' }>} options the script's own options
 * @param {{ stage?: boolean, env?: NodeJS.ProcessEnv }} [rules]
 * @returns {CommonOptions & Record<string, string | boolean | undefined>}
 */
export function parseOptions(argv, options, { stage: stageRequired = true, env = process.env } = {}) {
  /** @type {Record<string, string | boolean | undefined>} */
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: { stage: { type: 'string' }, region: { type: 'string' }, name: { type: 'string' }, 'dry-run': { type: 'boolean' }, ...options },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const stage = stageRequired || values['stage'] !== undefined ? requireStage(values['stage']) : '';
  const { region, regionSource } = chooseRegion(values['region'], env);
  const name = typeof values['name'] === 'string' ? values['name'] : undefined;
  return { ...values, stage, region, regionSource, name, deployment: deploymentName(name), dryRun: values['dry-run'] === true };
}

/** @param {unknown} stage */
function requireStage(stage) {
  if (typeof stage !== 'string' || !DEPLOYED_STAGES.includes(stage)) {
    throw new UsageError(`Name the stage: --stage ${DEPLOYED_STAGES.join('|')} (the local stage never deploys: use npm start)`);
  }
  return stage;
}

/**
 * The region a command works in, and where that came from, checked against the regions AWS has
 * (the AWS SDK's own list), so that a typo is one line here rather than a DNS error later.
 * @param {unknown} given  --region
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ region: string, regionSource: RegionSource }}
 */
export function chooseRegion(given, env) {
  /** @type {[unknown, RegionSource][]} */
  const candidates = [[given, '--region'], [env['AWS_REGION'], 'AWS_REGION'], [env['AWS_DEFAULT_REGION'], 'AWS_DEFAULT_REGION']];
  const [region, regionSource] = /** @type {[string, RegionSource]} */ (candidates.find(([value]) => typeof value === 'string' && value !== '') ?? [DEFAULT_REGION, 'the default']);
  if (!isRegion(region)) {
    // eu-west1 → eu-west-1: the mistake this check exists for.
    const guess = region.trim().toLowerCase().replace(/([a-z])(\d+)$/, '$1-$2');
    const didYouMean = guess !== region && isRegion(guess) ? ` Did you mean ${guess}?` : '';
    const fix = regionSource === '--region' ? `--region ${isRegion(guess) ? guess : 'REGION'}` : `${regionSource}=${isRegion(guess) ? guess : 'REGION'}`;
    throw new UsageError(`"${region}" (${regionSource}) is not an AWS region.${didYouMean} Fix: ${fix}, with a region such as us-east-1 or eu-west-1.`);
  }
  return { region, regionSource };
}

/**
 * A region of the AWS SDK's list (not a pseudo-region such as aws-global): the SDK's partitions
 * describe each region they have, and only those.
 * @param {string} region
 */
const isRegion = (region) => !/global$/.test(region) && /** @type {{ description?: string }} */ (partition(region)).description !== undefined;

/**
 * The deployment's name: session-api, or session-api-NAME with --name NAME.
 * @param {string | undefined} name
 */
export function deploymentName(name) {
  if (name === undefined) return SERVICE;
  if (!NAME.test(name)) {
    throw new UsageError(`--name ${JSON.stringify(name)}: use 1 to 20 lower-case letters, digits and hyphens, starting with a letter (it goes into the names of stacks, tables and functions), e.g. --name ada`);
  }
  return `${SERVICE}-${name}`;
}

/** "--name ada" when the deployment is not the default one: what a command that fixes something must repeat. @param {string} deployment */
export const nameOption = (deployment) => (deployment === SERVICE ? '' : ` --name ${deployment.slice(SERVICE.length + 1)}`);

/** @param {string} deployment @param {string} stage */
export const serviceStackName = (deployment, stage) => `${deployment}-${stage}`;
/** @param {string} deployment @param {string} stage */
export const vpcStackName = (deployment, stage) => `${deployment}-${stage}-vpc`;

/**
 * The stage's settings, as serverless.yml reads them.
 * @param {string} stage
 * @returns {Record<string, any>}
 */
export function stageSettings(stage) {
  return YAML.parse(readFileSync(path.join(appDirectory(), 'config', `${stage}.yml`), 'utf8'));
}

/**
 * The name of the stage's signing key in SSM: config/<stage>.yml's signingKeyParameter, which
 * names it under the deployment (/${self:service}/dev/signing-key), as serverless.yml resolves it.
 * @param {string} stage
 * @param {string} deployment
 */
export function signingKeyParameter(stage, deployment) {
  const setting = stageSettings(stage)['signingKeyParameter'];
  const name = typeof setting === 'string' ? setting.replaceAll('${self:service}', deployment) : '';
  if (!name.startsWith('/') || name.includes('${')) {
    throw new UsageError(`config/${stage}.yml names no signingKeyParameter the deploy scripts can read (a name such as /\${self:service}/${stage}/signing-key)`);
  }
  return name;
}

/**
 * The tags every resource of a deployment carries (serverless.yml: provider.stackTags).
 * @param {string} stage
 * @param {string} deployment
 */
export function workshopTags(stage, deployment) {
  return [
    { Key: 'project', Value: deployment },
    { Key: 'stage', Value: stage },
  ];
}

/**
 * The package folder named on the command line (relative to the app's folder), by default the
 * stage's own: .serverless-<stage>, which git ignores.
 * @param {string} stage
 * @param {unknown} given
 */
export function packageDirectory(stage, given) {
  return path.resolve(appDirectory(), typeof given === 'string' && given !== '' ? given : `.serverless-${stage}`);
}

/**
 * Runs `serverless ARGS` in the app's folder, for the deployment, and returns its exit code, or
 * with dryRun only prints it.
 * @param {string[]} args
 * @param {{ dryRun: boolean, deployment: string, log?: (line: string) => void, env?: NodeJS.ProcessEnv }} options
 */
export function runServerless(args, { dryRun, deployment, log = console.log, env = process.env }) {
  const named = deployment === SERVICE ? '' : `${DEPLOYMENT_VARIABLE}=${deployment} `;
  log(`${dryRun ? 'Would run' : 'Running'} (in ${path.basename(appDirectory())}/): ${named}serverless ${args.join(' ')}`);
  if (dryRun) return 0;
  const result = spawnSync(process.execPath, [SERVERLESS_BIN, ...args], { cwd: appDirectory(), stdio: 'inherit', env: { ...env, [DEPLOYMENT_VARIABLE]: deployment } });
  return result.status ?? 1;
}

/**
 * Runs a script's main function: a usage mistake exits 2, any other failure 1.
 * @param {() => Promise<number | void>} main
 */
export async function runMain(main) {
  // The AWS SDK warns on Node.js 20 in eight lines on every command; the workshop's doctor says
  // what to upgrade to (npm run workshop -- doctor), once, where it belongs.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  try {
    process.exitCode = (await main()) ?? 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
}


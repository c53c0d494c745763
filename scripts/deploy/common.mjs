// @ts-check
/**
 * What the deploy scripts of this folder share: the stages they accept, the names of the stacks
 * and folders they work on, a stage's settings, and how they run (or, with --dry-run, only
 * print) a Serverless Framework command.
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
import YAML from 'yaml';

export const SERVICE = 'session-api';
/** The stages that deploy to AWS. `local` is `npm start` only and never deploys. */
const DEPLOYED_STAGES = ['dev', 'test', 'prod'];
/** The region of serverless.yml's default; --region overrides it for every script. */
const DEFAULT_REGION = 'us-east-1';

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
 * The command line of a script: --stage (required), --region, --dry-run, and its own options.
 * @param {string[]} argv
 * @param {Record<string, { type: 'string' | 'boolean' }>} options the script's own options
 * @returns {{ stage: string, region: string, dryRun: boolean } & Record<string, string | boolean | undefined>}
 */
export function parseOptions(argv, options) {
  try {
    /** @type {Record<string, string | boolean | undefined>} */
    const values = parseArgs({
      args: argv,
      options: { stage: { type: 'string' }, region: { type: 'string' }, 'dry-run': { type: 'boolean' }, ...options },
      strict: true,
      allowPositionals: false,
    }).values;
    const stage = requireStage(values['stage']);
    const region = typeof values['region'] === 'string' ? values['region'] : DEFAULT_REGION;
    return { ...values, stage, region, dryRun: values['dry-run'] === true };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** @param {unknown} stage */
function requireStage(stage) {
  if (typeof stage !== 'string' || !DEPLOYED_STAGES.includes(stage)) {
    throw new UsageError(`Name the stage: --stage ${DEPLOYED_STAGES.join('|')} (the local stage never deploys: use npm start)`);
  }
  return stage;
}

/** @param {string} stage */
export const serviceStackName = (stage) => `${SERVICE}-${stage}`;
/** @param {string} stage */
export const vpcStackName = (stage) => `${SERVICE}-${stage}-vpc`;

/**
 * The stage's settings, as serverless.yml reads them.
 * @param {string} stage
 * @returns {Record<string, any>}
 */
export function stageSettings(stage) {
  return YAML.parse(readFileSync(path.join(appDirectory(), 'config', `${stage}.yml`), 'utf8'));
}

/**
 * The tags every resource of the workshop carries (serverless.yml: provider.stackTags).
 * @param {string} stage
 */
export function workshopTags(stage) {
  return [
    { Key: 'project', Value: SERVICE },
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
 * Runs `serverless ARGS` in the app's folder and returns its exit code, or with dryRun only
 * prints it.
 * @param {string[]} args
 * @param {{ dryRun: boolean, log?: (line: string) => void, env?: NodeJS.ProcessEnv }} options
 */
export function runServerless(args, { dryRun, log = console.log, env = process.env }) {
  log(`${dryRun ? 'Would run' : 'Running'} (in ${path.basename(appDirectory())}/): serverless ${args.join(' ')}`);
  if (dryRun) return 0;
  const result = spawnSync(process.execPath, [SERVERLESS_BIN, ...args], { cwd: appDirectory(), stdio: 'inherit', env });
  return result.status ?? 1;
}

/**
 * Runs a script's main function: a usage mistake exits 2, any other failure 1.
 * @param {() => Promise<number | void>} main
 */
export async function runMain(main) {
  try {
    process.exitCode = (await main()) ?? 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
}


// @ts-check
/**
 * Deploys a package built by `npm run package`, as one CloudFormation update of the stage's stack:
 *
 *   npm run deploy -- --stage dev [--package DIR] [--function NAME] [--rollback] [--region us-east-1] [--dry-run]
 *
 * = `serverless deploy --stage dev --package DIR` (DIR defaults to the app's .serverless-<stage>).
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
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { packageDirectory, parseOptions, runServerless, serviceStackName, UsageError } from './common.mjs';
import { compareCommits, describeCommit, packageCommit, repositoryDirectory, stackCommit } from './promotion.mjs';

/** A deploy that would go back in history, refused: the message says what to type instead. */
export class RefusedDeploy extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'RefusedDeploy';
  }
}

/**
 * Checks that DIR holds a package of this stage and region (and of the function, if named).
 * @param {string} dir
 * @param {{ stage: string, region: string, functionName?: string | undefined }} expected
 */
export function checkPackage(dir, { stage, region, functionName }) {
  const stateFile = path.join(dir, 'serverless-state.json');
  if (!existsSync(stateFile)) {
    throw new UsageError(`No package in ${dir}: build it first with npm run package -- --stage ${stage}`);
  }
  const { service } = JSON.parse(readFileSync(stateFile, 'utf8'));
  if (service.provider.stage !== stage || service.provider.region !== region) {
    throw new UsageError(`${dir} was packaged for stage ${service.provider.stage} in ${service.provider.region}, not ${stage} in ${region}`);
  }
  if (functionName === undefined) return;
  const functions = Object.keys(service.functions);
  if (!functions.includes(functionName) || !existsSync(path.join(dir, `${functionName}.zip`))) {
    throw new UsageError(`The package in ${dir} has no function "${functionName}". Its functions: ${functions.join(', ')}`);
  }
}

/**
 * Never backwards by accident: returns what to log when the package may replace what the stack
 * runs, and throws RefusedDeploy (one line, with the command that deploys anyway) when not.
 * @param {import('./promotion.mjs').SourceCommit | null} packaged
 * @param {Awaited<ReturnType<typeof stackCommit>>} live
 * @param {{ repoDir: string, stackName: string, stage: string, rollback: boolean, argv: string[] }} context
 * @returns {string}
 */
function checkPromotion(packaged, live, { repoDir, stackName, stage, rollback, argv }) {
  if (!live.exists) return `Stack ${stackName} does not exist yet: this is its first deploy.`;
  if (live.source === null) return `Stack ${stackName} records no commit (deployed before deploys recorded one): deploying.`;
  const verdict = compareCommits(packaged, live.source, { repoDir, stackName, stage });
  if (verdict.deploy) return verdict.note;
  if (rollback) {
    return `--rollback: replacing ${describeCommit(live.source)} on stack ${stackName} with ${packaged ? describeCommit(packaged) : 'a package that records no commit'}, which does not contain it.`;
  }
  const anyway = ['npm', 'run', 'deploy', '--', ...argv, '--rollback'].join(' ');
  throw new RefusedDeploy(`Refused: ${verdict.problem}. ${verdict.remedy}, or deploy it anyway: ${anyway}`);
}

/**
 * @typedef {object} Dependencies
 * @property {(line: string) => void} [log]
 * @property {typeof runServerless} [serverless]
 * @property {Pick<CloudFormationClient, 'send'>} [cloudFormation]
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
  checkPackage(dir, { stage: options.stage, region: options.region, functionName });
  const stackName = serviceStackName(options.stage);

  const packaged = packageCommit(dir);
  log(`Deploying the package in ${dir}${packaged ? ` (commit ${describeCommit(packaged)})` : ''} to stack ${stackName} (${options.region}).`);
  if (options.dryRun) {
    log(`Would check that stack ${stackName} runs no commit this package's ${packaged ? packaged.commit.slice(0, 8) : '(none recorded)'} does not contain.`);
  } else {
    const cloudFormation = dependencies.cloudFormation ?? new CloudFormationClient({ region: options.region });
    const live = await stackCommit(cloudFormation, stackName);
    const rollback = options['rollback'] === true;
    log(checkPromotion(packaged, live, { repoDir, stackName, stage: options.stage, rollback, argv }));
  }
  if (functionName !== undefined) {
    log(`Function ${functionName}: CloudFormation updates it together with its API Gateway route, in one stack update.`);
  }
  return serverless(['deploy', '--stage', options.stage, '--region', options.region, '--package', dir], { dryRun: options.dryRun, log });
}


// @ts-check
/**
 * Deploys a package built by `npm run package`, as one CloudFormation update of the stage's stack:
 *
 *   npm run deploy -- --stage dev [--package DIR] [--function NAME] [--region us-east-1] [--dry-run]
 *
 * = `serverless deploy --stage dev --package DIR` (DIR defaults to final/.serverless-<stage>).
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
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMainModule, packageDirectory, parseOptions, runMain, runServerless, serviceStackName, UsageError } from './common.mjs';

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
 * @param {string[]} argv
 * @param {{ log?: (line: string) => void }} [dependencies]
 */
export async function main(argv, { log = console.log } = {}) {
  const options = parseOptions(argv, { package: { type: 'string' }, function: { type: 'string' } });
  const dir = packageDirectory(options.stage, options['package']);
  const functionName = typeof options['function'] === 'string' ? options['function'] : undefined;
  checkPackage(dir, { stage: options.stage, region: options.region, functionName });

  log(`Deploying the package in ${dir} to stack ${serviceStackName(options.stage)} (${options.region}).`);
  if (functionName !== undefined) {
    log(`Function ${functionName}: CloudFormation updates it together with its API Gateway route, in one stack update.`);
  }
  return runServerless(['deploy', '--stage', options.stage, '--region', options.region, '--package', dir], { dryRun: options.dryRun, log });
}

if (isMainModule(import.meta.url)) await runMain(() => main(process.argv.slice(2)));

/**
 * `npm run deploy` on the packages the other deploy tests read, with --dry-run: it checks the
 * package and prints the serverless command it would run. (`npm run package` itself built those
 * packages; secrets:init, vpc:create and remove are tested with stubbed AWS clients in
 * scripts/deploy/*.test.mjs.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { APP_DIR, usePackages } from './packages';

/** `npm run deploy` itself: the app-deploy command of @session-api/deploy. */
const DEPLOY_SCRIPT = require.resolve('@session-api/deploy/bin/app-deploy.mjs');

function deploy(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [DEPLOY_SCRIPT, ...args, '--dry-run'], { cwd: APP_DIR, encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('deploy: npm run deploy --dry-run', function () {
  const packages = usePackages();

  it('deploys the whole stack from the package, naming the function of a per-function pipeline', () => {
    const { status, output } = deploy('--stage', 'test', '--package', packages.test.dir, '--function', 'createSession');
    assert.equal(status, 0, output);
    assert.match(output, /Function createSession: CloudFormation updates it together with its API Gateway route/);
    assert.ok(output.includes(`serverless deploy --stage test --region us-east-1 --package ${packages.test.dir}`), output);
  });

  it('refuses a function the package does not contain', () => {
    const { status, output } = deploy('--stage', 'dev', '--package', packages.dev.dir, '--function', 'createSesion');
    assert.equal(status, 2);
    assert.match(output, /has no function "createSesion"/);
  });

  it('refuses the package of another stage', () => {
    const { status, output } = deploy('--stage', 'prod', '--package', packages.dev.dir);
    assert.equal(status, 2);
    assert.match(output, /packaged for stage dev/);
  });
});

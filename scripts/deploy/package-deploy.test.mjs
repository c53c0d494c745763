// @ts-check
/**
 * `npm run package` and `npm run deploy` without serverless: their command lines (--dry-run),
 * the package checks and the bundle budget. Real packaging is tested by final/test/deploy.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { compareWithBudget, readBudget, writeBudget, zipSizes } from './bundle-budget.mjs';
import { packageDirectory } from './common.mjs';
import { checkPackage, main as deploy } from './deploy.mjs';
import { main as packageStage } from './package.mjs';

/** @param {(argv: string[], dependencies: { log: (line: string) => void }) => Promise<number>} script @param {string[]} argv */
async function output(script, argv) {
  const lines = /** @type {string[]} */ ([]);
  const status = await script(argv, { log: (line) => lines.push(line) });
  return { status, text: lines.join('\n') };
}

/** The scripts work on the app in the folder they run in, as npm runs them: here final/. */
const FINAL_DIR = fileURLToPath(new URL('../../final', import.meta.url));

describe('deploy scripts: package and deploy', () => {
  const startedIn = process.cwd();
  before(() => process.chdir(FINAL_DIR));
  after(() => process.chdir(startedIn));
  /** @type {string} */
  let scratch;
  beforeEach(() => (scratch = mkdtempSync(path.join(os.tmpdir(), 'session-api-scripts-'))));
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  /**
   * A package folder as serverless writes it: the state file and one zip per function.
   * @param {Record<string, number>} functions bytes of each function's zip
   */
  function fakePackage(stage = 'dev', functions = { ping: 100, createUser: 300 }) {
    const dir = path.join(scratch, stage);
    mkdirSync(dir, { recursive: true });
    const state = { service: { service: 'session-api', provider: { stage, region: 'us-east-1' }, custom: { settings: { signingKeyParameter: `/session-api/${stage}/signing-key`, runInVpc: false } }, functions: Object.fromEntries(Object.keys(functions).map((name) => [name, {}])) } };
    writeFileSync(path.join(dir, 'serverless-state.json'), JSON.stringify(state));
    for (const [name, bytes] of Object.entries(functions)) writeFileSync(path.join(dir, `${name}.zip`), Buffer.alloc(bytes));
    return dir;
  }

  it('packages into the app\'s .serverless-<stage> unless told otherwise; other folders are relative to the app', () => {
    assert.equal(packageDirectory('dev', undefined), path.join(FINAL_DIR, '.serverless-dev'));
    assert.equal(packageDirectory('test', 'dist/test'), path.join(FINAL_DIR, 'dist', 'test'));
    assert.equal(packageDirectory('prod', '/abs/prod'), path.resolve('/abs/prod'));
  });

  it('npm run package -- --stage prod --out dist/prod --dry-run: prints the serverless command', async () => {
    const { status, text } = await output(packageStage, ['--stage', 'prod', '--out', 'dist/prod', '--dry-run']);
    assert.equal(status, 0);
    const [command, ...rest] = text.split('\n');
    assert.equal(command, `Would run (in final/): serverless package --stage prod --region us-east-1 --package ${path.join(FINAL_DIR, 'dist', 'prod')}`);
    assert.equal(rest.length, 1);
    assert.match(rest[0] ?? '', /^Would record commit [0-9a-f]{8}( with uncommitted changes)? and the app final\/ in the package\.$/);
  });

  it('npm run package refuses to empty a folder that holds no package', async () => {
    writeFileSync(path.join(scratch, 'notes.txt'), 'mine');
    await assert.rejects(output(packageStage, ['--stage', 'dev', '--out', scratch]), /is not empty and holds no package/);
    assert.equal(readFileSync(path.join(scratch, 'notes.txt'), 'utf8'), 'mine');
  });

  it('npm run package gives serverless a temporary folder of its own and removes it, with what serverless-esbuild left there', async () => {
    const out = path.join(scratch, 'dev');
    /** @type {string[]} */
    const folders = [];
    /** @type {NonNullable<Parameters<typeof packageStage>[1]>['serverless']} */
    const serverless = (args, { env = {} }) => {
      const folder = env['TMPDIR'] ?? '';
      folders.push(folder);
      assert.equal(env['TEMP'], folder);
      assert.equal(env['TMP'], folder);
      assert.ok(existsSync(folder), 'the temporary folder exists while serverless runs');
      // What serverless-esbuild leaves behind: a zip's staging folder, never removed.
      mkdirSync(path.join(folder, 'ping-1234-1700000000000-abcd', 'src'), { recursive: true });
      writeFileSync(path.join(folder, 'ping-1234-1700000000000-abcd', 'src', 'handler.js'), 'bundle');
      assert.equal(args[args.indexOf('--package') + 1], out);
      const dir = fakePackage('dev', { ping: 100 });
      // The template, in the state file and beside it, that the commit is recorded in.
      const state = JSON.parse(readFileSync(path.join(dir, 'serverless-state.json'), 'utf8'));
      state.service.provider.compiledCloudFormationTemplate = { Resources: {} };
      writeFileSync(path.join(dir, 'serverless-state.json'), JSON.stringify(state));
      writeFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), JSON.stringify({ Resources: {} }));
      return 0;
    };
    const lines = /** @type {string[]} */ ([]);
    await packageStage(['--stage', 'dev', '--out', out], { log: (line) => lines.push(line), serverless });
    assert.equal(folders.length, 1, 'serverless ran once');
    assert.notEqual(folders[0], os.tmpdir(), 'not the machine\'s temporary directory itself');
    assert.ok(folders[0]?.startsWith(os.tmpdir()), 'inside the machine\'s temporary directory');
    assert.equal(existsSync(folders[0] ?? ''), false, 'removed after the package, with what was left in it');
    assert.ok(lines.some((line) => line.startsWith('Package of stage dev: ')), lines.join('\n'));
  });

  it('measures each function\'s zip and compares it with twice its recorded size', () => {
    const sizes = zipSizes(fakePackage('dev', { ping: 100, createUser: 700, getUser: 10 }));
    assert.deepEqual(sizes, { ping: 100, createUser: 700, getUser: 10 });
    assert.deepEqual(compareWithBudget(sizes, { ping: 50, createUser: 300 }), [
      { name: 'ping', bytes: 100, recorded: 50, withinBudget: true },
      { name: 'createUser', bytes: 700, recorded: 300, withinBudget: false },
      { name: 'getUser', bytes: 10, recorded: undefined, withinBudget: false }, // new: record it on purpose
    ]);
  });

  it('records a budget that it reads back', () => {
    const file = path.join(scratch, 'budget.json');
    writeBudget({ ping: 100 }, 'dev', file);
    assert.deepEqual(readBudget(file), { ping: 100 });
    assert.match(JSON.parse(readFileSync(file, 'utf8')).description, /--record-budget/);
  });

  it('the recorded budget names every function of serverless.yml', () => {
    const service = YAML.parse(readFileSync(path.join(FINAL_DIR, 'serverless.yml'), 'utf8'), { merge: true });
    assert.deepEqual(Object.keys(readBudget()).sort(), Object.keys(service.functions).sort());
  });

  it('npm run deploy -- --stage dev --package DIR --function ping --dry-run: names the function and prints the command', async () => {
    const dir = fakePackage('dev');
    const { status, text } = await output(deploy, ['--stage', 'dev', '--package', dir, '--function', 'ping', '--dry-run']);
    assert.equal(status, 0);
    assert.match(text, /Function ping: CloudFormation updates it together with its API Gateway route/);
    assert.match(text, new RegExp(`Would run \\(in final/\\): serverless deploy --stage dev --region us-east-1 --package ${dir}$`));
  });

  it('npm run deploy checks the package before anything else, and says the command that fixes each mismatch', () => {
    const dir = fakePackage('test');
    /** @param {Partial<Parameters<typeof checkPackage>[1]>} given */
    const expected = (given) => ({ stage: 'test', region: 'us-east-1', regionSource: /** @type {const} */ ('the default'), name: undefined, deployment: 'session-api', ...given });
    assert.throws(() => checkPackage(path.join(scratch, 'none'), expected({})), /No package in .*npm run package -- --stage test$/);
    assert.throws(() => checkPackage(dir, expected({ stage: 'prod' })), /packaged for stage test in us-east-1, not prod: package prod with npm run package -- --stage prod$/);
    assert.throws(() => checkPackage(dir, expected({ region: 'eu-west-1', regionSource: 'AWS_REGION' })),
      /The package in .* was built for us-east-1, and this deploy goes to eu-west-1 \(AWS_REGION\)\. Package it for eu-west-1: npm run package -- --stage test --region eu-west-1$/);
    assert.throws(() => checkPackage(dir, expected({ name: 'ada', deployment: 'session-api-ada' })), /built for the deployment session-api, not session-api-ada: package it with npm run package -- --stage test --name ada$/);
    assert.throws(() => checkPackage(dir, expected({ functionName: 'getUser' })), /no function "getUser". Its functions: ping, createUser/);
    assert.equal(checkPackage(dir, expected({ functionName: 'createUser' })).deployment, 'session-api');
    // No region given anywhere: the package's.
    assert.equal(checkPackage(dir, expected({ region: 'eu-west-1' })).region, 'us-east-1');
  });
});

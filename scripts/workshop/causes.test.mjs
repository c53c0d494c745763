// @ts-check
/**
 * verify says the cause before the behaviour: each mistake an attendee makes is planted in a real
 * workspace (a scratch copy of the repository, the chapter's solution with one thing broken),
 * and `npm run workshop -- verify` must print the cause in the attendee's words: the file and
 * line, the table, the export, the route, or that the machine was busy.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { scratchRepository } from './scratch-repository.mjs';

const HANDLER = 'src/functions/ping/handler.ts';

describe('verify names the cause of a planted mistake', function () {
  this.timeout(180_000);
  /** @type {ReturnType<typeof scratchRepository>} */
  let repo;
  /** @param {string} file @param {string} text */
  const plant = (file, text) => writeFileSync(path.join(repo.workspace, file), text);
  /** @param {string} file */
  const read = (file) => readFileSync(path.join(repo.workspace, file), 'utf8');
  /** The solution of a chapter in workspace/, then one thing broken by `mistake`. */
  const solutionOf = (/** @type {number} */ chapter, /** @type {() => void} */ mistake) => {
    for (const args of [['goto', String(chapter), '--yes'], ['solve', '--yes']]) {
      const run = repo.workshop(args);
      assert.equal(run.status, 0, run.stdout + run.stderr);
    }
    mistake();
  };
  /** @param {NodeJS.ProcessEnv} [env] */
  const verify = (env = {}) => {
    const run = repo.workshop(['verify'], { env });
    assert.equal(run.status, 1, `verify passed with the mistake planted:\n${run.stdout}`);
    return `${run.stdout}${run.stderr}`;
  };
  const lastVerify = () => JSON.parse(readFileSync(path.join(repo.state, 'progress.json'), 'utf8')).lastVerify;

  before(() => {
    repo = scratchRepository('causes');
  });
  after(() => repo?.remove());

  it('code that does not compile: at most 10 type errors as file:line: message, and no check runs', () => {
    solutionOf(1, () => {
      const wrong = Array.from({ length: 12 }, (_, index) => `export const wrong${index}: number = 'text';`);
      plant(HANDLER, `${read(HANDLER)}\n${wrong.join('\n')}\n`);
    });
    const output = verify();
    assert.match(output, /Your code does not compile: TypeScript finds 12 errors; the first 10:/);
    const lines = output.split('\n').filter((line) => line.startsWith(`  ${HANDLER}:`));
    assert.equal(lines.length, 10, output);
    assert.match(lines[0] ?? '', new RegExp(`^  ${HANDLER}:\\d+: Type 'string' is not assignable to type 'number'\\.$`));
    assert.match(output, /… and 2 more/);
    assert.match(output, /No check ran: fix these first/);
    assert.doesNotMatch(output, /[✔✖] /, 'no check ran');
    assert.equal(lastVerify().cause.kind, 'types');
  });

  it('a build error: one line with its file, line and esbuild\'s message, printed once', () => {
    solutionOf(1, () => {
      // TypeScript would say it first; without a tsconfig.json only the bundler can.
      rmSync(path.join(repo.workspace, 'tsconfig.json'));
      plant(HANDLER, read(HANDLER).replace("import { httpHandler } from '../../lib/http';", "import { httpHandler, header } from '../../lib/http';\nvoid header;"));
    });
    const output = verify();
    assert.match(output, /A function cannot be built/);
    const cause = `  ${HANDLER}:2: No matching export in "src/lib/http.ts" for import "header"`;
    assert.equal(output.split('\n').filter((line) => line === cause).length, 1, output);
    assert.doesNotMatch(output, /Timeout of \d+ms exceeded/);
    assert.equal(lastVerify().cause.kind, 'build');
  });

  it('a handler that is not exported: the file and the export serverless.yml names', () => {
    solutionOf(1, () => {
      plant(HANDLER, read(HANDLER).replace('export const handler =', 'export const handlr ='));
      rmSync(path.join(repo.workspace, 'src/functions/ping/handler.test.ts'));
    });
    const output = verify();
    assert.match(output, new RegExp(`  ${HANDLER}:1: exports no "handler", which serverless.yml names as the handler of ping \\(it exports handlr\\)`));
  });

  it('a function that throws: its own error, and where in the TypeScript it was thrown', () => {
    solutionOf(1, () => plant(HANDLER, "import { httpHandler } from '../../lib/http';\n\nexport const handler = httpHandler(async () => {\n  throw new Error('boom');\n});\n"));
    const output = verify();
    assert.match(output, /The function's own error, from the local stack's log:\n\s+Error: boom\n\s+at handle \(src\/functions\/ping\/handler\.ts:4:\d+\)/);
    assert.doesNotMatch(output, /read the terminal/);
  });

  it('a route serverless.yml does not have: says so, with the routes it has', () => {
    solutionOf(1, () => plant('serverless.yml', read('serverless.yml').replace('path: ping, method: get', 'path: pings, method: get')));
    const output = verify();
    assert.match(output, /serverless\.yml has no route GET \/ping \(its routes: GET \/pings\)\./);
  });

  it('a table missing from serverless.yml: names the setting and the table, before and in the failure', function () {
    // Chapter 2's checks: twenty sign-ups at once among them.
    this.timeout(300_000);
    solutionOf(2, () => {
      const document = YAML.parseDocument(read('serverless.yml'));
      const resources = document.get('resources');
      const parts = YAML.isSeq(resources) ? resources.items : [resources];
      for (const part of parts) if (YAML.isMap(part)) /** @type {any} */ (part.get('Resources'))?.delete('UsersTable');
      plant('serverless.yml', document.toString());
    });
    const output = verify();
    assert.match(output, /Found in serverless\.yml first:\n- serverless\.yml sets USERS_TABLE, but its resources define no table named by it/);
    assert.match(output, /The function asked DynamoDB for a table it does not have\. serverless\.yml sets USERS_TABLE/);
  });

  it('a local time-out: the machine was busy, not the code', () => {
    solutionOf(1, () => plant(HANDLER, "import { httpHandler } from '../../lib/http';\n\nexport const handler = httpHandler(async () => {\n  await new Promise((resolve) => setTimeout(resolve, 4000));\n  return { status: 200, body: { status: 'ok' } };\n});\n"));
    // The local stack's limit, set low for this test: a busy machine makes a correct function this slow.
    const output = verify({ LOCAL_FUNCTION_TIMEOUT: '2' });
    assert.match(output, /GET \/ping answered 504, not 200\.\n\s+The function did not answer within the local stack's 2 s: the machine was too busy/);
  });
});

// @ts-check
/**
 * A busy laptop must not fail correct code: on the local stack a function may run past the
 * timeout of serverless.yml (a deployed stage's limit) up to LOCAL_FUNCTION_TIMEOUT, so a slow
 * answer on a loaded machine is still an answer, not a 504 that a check would blame on the code.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_FUNCTION_TIMEOUT } from './index.mjs';
import { startLocalStack } from './start.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('local stack: the time a function may take', function () {
  this.timeout(120_000);
  /** @type {string} */
  let app;
  /** @type {import('./start.mjs').LocalStack | undefined} */
  let stack;

  before(async () => {
    app = mkdtempSync(path.join(os.tmpdir(), 'local-timeout-'));
    // A function that takes 3 s, in a service whose deployed limit is 1 s.
    writeFileSync(
      path.join(app, 'serverless.yml'),
      [
        'service: slow',
        'plugins: ["@session-api/local-stack", serverless-esbuild, serverless-offline]',
        'custom: { esbuild: { bundle: true, target: node22, platform: node } }',
        'provider: { name: aws, runtime: nodejs22.x, stage: local, timeout: 1 }',
        'functions:',
        '  slow:',
        '    handler: src/slow.handler',
        '    events: [{ http: { path: slow, method: get } }]',
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(app, 'package.json'), '{ "name": "slow", "private": true }\n');
    mkdirSync(path.join(app, 'src'));
    writeFileSync(path.join(app, 'src', 'slow.js'), "exports.handler = async () => { await new Promise((resolve) => setTimeout(resolve, 3000)); return { statusCode: 200, body: 'done' }; };\n");
    symlinkSync(path.join(root, 'node_modules'), path.join(app, 'node_modules'), 'junction');
    stack = await startLocalStack({ serviceDir: app });
  });

  after(async () => {
    await stack?.stop();
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it(`lets a function run past serverless.yml's timeout (1 s here), up to ${LOCAL_FUNCTION_TIMEOUT} s`, async () => {
    assert.ok(LOCAL_FUNCTION_TIMEOUT >= 20, 'enough for a cold start on a loaded 2-core laptop');
    const answer = await fetch(`${stack?.baseUrl}/slow`);
    const text = await answer.text();
    assert.equal(answer.status, 200, text);
    assert.equal(text, 'done');
  });
});

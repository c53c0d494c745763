/**
 * Chapter 1's checks: GET /ping works locally and has a unit test. Run them with
 * `npm run workshop -- verify` (or `npm test` in this folder).
 */
import assert from 'node:assert/strict';
import { call, check, expectAppTestsPass, expectStatus, serverlessYml } from '@session-api/workshop/checks';

describe('Chapter 1: hello, Lambda', () => {
  check(
    'serverless.yml binds a function named ping to GET /ping',
    {
      explained: 'Bind the route',
      hints: [
        'A function only answers HTTP once serverless.yml gives it an `http` event.',
        'In serverless.yml, under `functions:`, add `ping:` with its `handler:` (src/functions/ping/handler.handler).',
        'Its events: `- http: { path: ping, method: get }`.',
      ],
    },
    () => {
      const ping = serverlessYml().functions?.ping;
      if (!ping) throw new Error('serverless.yml has no function named ping under `functions:` yet.');
      assert.equal(ping.handler, 'src/functions/ping/handler.handler', 'ping\'s handler must be src/functions/ping/handler.handler (the file, then the exported name)');
      const http = (ping.events ?? []).map((event: { http?: { path?: string; method?: string } }) => event.http).filter(Boolean);
      assert.ok(
        http.some((event: { path?: string; method?: string }) => event.path?.replace(/^\//, '') === 'ping' && event.method?.toLowerCase() === 'get'),
        'ping needs an http event with path ping and method get',
      );
    },
  );

  check(
    'GET /ping answers 200 with {"status":"ok"} on the local stack',
    {
      explained: 'Write the function',
      hints: [
        'Start the local stack with `npm run workshop -- serve` and try `curl -i http://localhost:3000/local/ping`.',
        'The handler in src/functions/ping/handler.ts returns `{ status: 200, body: { status: \'ok\' } }` through httpHandler.',
        'export const handler = httpHandler(async () => ({ status: 200, body: { status: \'ok\' } }));',
      ],
    },
    async () => {
      const answer = await call('GET', '/ping');
      expectStatus(answer, 200, { 404: 'the route is not in serverless.yml yet' });
      assert.deepEqual(answer.json, { status: 'ok' }, `GET /ping must answer the JSON {"status":"ok"} (it answered ${answer.text})`);
      assert.match(answer.headers['content-type'] ?? '', /^application\/json/, 'the answer must say Content-Type: application/json');
    },
  );

  check(
    'ping has a unit test, and it passes (npm run test:unit)',
    {
      explained: 'A first unit test',
      hints: [
        'Unit tests live beside the code: src/functions/ping/handler.test.ts.',
        'Call the handler with an event from test/helpers/events.ts (apiEvent, context) and assert on statusCode and body.',
        'describe(\'GET /ping\', () => { it(\'answers 200\', async () => { const result = await handler(apiEvent(), context); assert.equal(result.statusCode, 200); }); });',
      ],
    },
    () => expectAppTestsPass(['src/functions/ping/**/*.test.ts'], "ping's unit test (src/functions/ping/handler.test.ts)"),
  );
});

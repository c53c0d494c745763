// @ts-check
import assert from 'node:assert/strict';
import http from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTables, startDynamoDB, tableDefinitions } from './dynamodb.mjs';
import { readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { answerBeforeIntegration, gatewayAnswer, gatewayResponses, headerBytes, MAX_HEADER_BYTES, MAX_PAYLOAD_BYTES, renderTemplate, responseTypeFor, startGatewayProxy } from './gateway.mjs';
import { writeHandlerWrappers } from './handlers.mjs';
import { hideOutput } from './output.mjs';
import { apiPaths, findPath, preflightHeaders } from './routes.mjs';
import { curlExamples } from './index.mjs';
import { readServiceResources, readServiceRoutes } from './service-resources.mjs';

const require = createRequire(import.meta.url);
const { allows, GATEWAY_RESPONSE_HEADER } = require('./authorizer.cjs');
const { headersAsSent } = require('./lambda-event.cjs');
/** The real resources of final/serverless.yml: the tooling is tested on what it will serve. */
const finalDir = fileURLToPath(new URL('../../final', import.meta.url));
const resources = readServiceResources(finalDir);
/** final/serverless.yml's functions, as YAML reads them (variables such as the CORS origin stay as text). */
const finalFunctions = parse(readFileSync(path.join(finalDir, 'serverless.yml'), 'utf8'), { merge: true, logLevel: 'silent' }).functions;

/** @param {http.Server} server */
const portOf = (server) => /** @type {import('node:net').AddressInfo} */ (server.address()).port;

describe('local-stack', () => {
  describe('the welcome of npm start', () => {
    it('suggests curl commands only for routes an app can have (those of final/serverless.yml)', () => {
      const routes = readServiceRoutes(fileURLToPath(new URL('../../final', import.meta.url)));
      const examples = curlExamples('http://localhost:3000/local', 'workshop-web');
      assert.ok(examples.length >= 4);
      for (const { route, command } of examples) {
        assert.ok(routes.includes(route), `${route} is not a route of final/serverless.yml`);
        assert.ok(command.includes(`http://localhost:3000/local${route.split(' ')[1]}`), command);
      }
    });
  });

  describe('dynamodb', () => {
    it('turns the template\'s tables into CreateTable inputs, renamed on request', () => {
      const definitions = tableDefinitions(resources, (id) => `test-${id}`);
      assert.deepEqual(definitions.map((definition) => definition.TableName).sort(), ['test-LoginAttemptsTable', 'test-SessionsTable', 'test-UsersTable']);
      const users = definitions.find((definition) => definition.TableName === 'test-UsersTable');
      assert.deepEqual(users?.KeySchema, [{ AttributeName: 'email', KeyType: 'HASH' }]);
      assert.equal(users?.BillingMode, 'PAY_PER_REQUEST');
    });

    it('creates the tables in dynalite, and keeps existing ones on a second run', async () => {
      const dynamodb = await startDynamoDB();
      const client = new DynamoDBClient({ endpoint: dynamodb.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      try {
        const names = await createTables(dynamodb.endpoint, resources, (id) => id);
        assert.deepEqual(await createTables(dynamodb.endpoint, resources, (id) => id), names);
        const { Table } = await client.send(new DescribeTableCommand({ TableName: 'SessionsTable' }));
        assert.equal(Table?.TableStatus, 'ACTIVE');
      } finally {
        client.destroy();
        await dynamodb.close();
      }
    });
  });

  describe('gateway responses', () => {
    const responses = gatewayResponses(resources);

    it('reads the gateway responses of the template, merge keys included', () => {
      for (const type of ['ACCESS_DENIED', 'AUTHORIZER_FAILURE', 'DEFAULT_4XX', 'DEFAULT_5XX', 'MISSING_AUTHENTICATION_TOKEN', 'REQUEST_TOO_LARGE', 'UNAUTHORIZED']) {
        assert.ok(responses.has(type), `no ${type} gateway response`);
      }
      const headers = responses.get('UNAUTHORIZED')?.headers ?? {};
      assert.equal(headers['Content-Type'], 'application/problem+json');
      assert.ok(Object.keys(headers).every((name) => /^[\w-]+$/.test(name)), `not a header name: ${Object.keys(headers).join(', ')}`);
    });

    it('picks the response type API Gateway would use', () => {
      assert.equal(responseTypeFor(401), 'UNAUTHORIZED');
      assert.equal(responseTypeFor(403), 'ACCESS_DENIED');
      assert.equal(responseTypeFor(404), 'MISSING_AUTHENTICATION_TOKEN');
      assert.equal(responseTypeFor(413), 'DEFAULT_4XX');
      assert.equal(responseTypeFor(502), 'DEFAULT_5XX');
    });

    it('renders the templates\' variables as valid JSON', () => {
      const body = renderTemplate('{"status":$context.error.statusCode,"detail":$context.error.messageString}', 413, 'Too "large"');
      assert.deepEqual(JSON.parse(body), { status: 413, detail: 'Too "large"' });
    });

    it('answers the gateway\'s own errors with problem documents, and leaves the functions\' alone', () => {
      const unauthorized = gatewayAnswer(responses, 401, 'application/json; charset=utf-8', 'Unauthorized');
      assert.equal(unauthorized?.status, 401);
      assert.equal(JSON.parse(unauthorized?.body ?? '{}').code, 'invalid_token');
      const failure = gatewayAnswer(responses, 500, undefined, 'Internal Server Error', 'AUTHORIZER_FAILURE');
      assert.equal(failure?.status, 503);
      assert.equal(JSON.parse(failure?.body ?? '{}').code, 'service_unavailable');
      assert.equal(JSON.parse(gatewayAnswer(responses, 413, 'text/html', 'Payload Too Large')?.body ?? '{}').status, 413);
      assert.equal(gatewayAnswer(responses, 409, 'application/problem+json', 'Conflict'), undefined);
      assert.equal(gatewayAnswer(responses, 200, 'application/json', 'OK'), undefined);
    });
  });

  describe('routes and CORS preflights', () => {
    const api = apiPaths(finalFunctions, 'local');

    it('lists each path of the API once, with its methods, under the stage', () => {
      const methods = Object.fromEntries(api.map(({ template, methods }) => [template, [...methods].sort()]));
      assert.deepEqual(methods, { '/local/ping': ['GET'], '/local/user': ['GET', 'POST'], '/local/session': ['DELETE', 'GET', 'POST', 'PUT'] });
      assert.equal(findPath(api, '/local/user?x=1')?.template, '/local/user');
      assert.equal(findPath(api, '/user'), undefined, 'the stage is part of every path');
    });

    it('answers a preflight with the cors setting whatever the Origin, merged per path as Serverless deploys it', () => {
      const cors = findPath(api, '/local/user')?.cors;
      assert.ok(cors);
      const headers = preflightHeaders(cors, 'https://attacker.example');
      assert.deepEqual(headers, {
        'Access-Control-Allow-Origin': '${self:custom.settings.corsOrigin}',
        'Access-Control-Allow-Headers': 'Content-Type,Authorization,X-Client-Id',
        'Access-Control-Allow-Methods': 'OPTIONS,GET,POST',
        'Access-Control-Max-Age': '600',
      });
    });

    it('follows Serverless for the settings final/ does not use: defaults, credentials, several origins, ANY, path parameters', () => {
      const [any] = apiPaths({ f: { events: [{ http: { method: 'any', path: '/items/{id}', cors: true } }] } }, 'dev');
      assert.ok(any?.cors);
      assert.match(preflightHeaders(any.cors, undefined)['Access-Control-Allow-Headers'] ?? '', /^Content-Type,X-Amz-Date,Authorization,/);
      assert.equal(preflightHeaders(any.cors, undefined)['Access-Control-Allow-Origin'], '*');
      assert.equal(preflightHeaders(any.cors, undefined)['Access-Control-Allow-Methods'], 'OPTIONS,DELETE,GET,HEAD,PATCH,POST,PUT');
      assert.equal(findPath([any], '/dev/items/42')?.template, '/dev/items/{id}');
      assert.equal(findPath([any], '/dev/items/42/more'), undefined);

      const [listed] = apiPaths({ f: { events: [{ http: { method: 'get', path: 'a', cors: { origins: ['https://one.example', 'https://*.two.example'], allowCredentials: true } } }] } }, 'dev');
      assert.ok(listed?.cors);
      assert.equal(preflightHeaders(listed.cors, 'https://app.two.example')['Access-Control-Allow-Origin'], 'https://app.two.example');
      assert.equal(preflightHeaders(listed.cors, 'https://attacker.example')['Access-Control-Allow-Origin'], 'https://one.example');
      assert.equal(preflightHeaders(listed.cors, undefined)['Access-Control-Allow-Credentials'], 'true');
    });
  });

  describe('what the gateway answers before any function runs', () => {
    const responses = gatewayResponses(resources);
    const api = apiPaths(finalFunctions, 'local');
    /** A request as Node parses it. @param {string} method @param {string} url @param {Record<string, string>} [headers] */
    const request = (method, url, headers = {}) => ({
      method,
      url,
      httpVersion: '1.1',
      rawHeaders: Object.entries(headers).flat(),
      headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
    });
    const problem = (/** @type {{ body: string } | undefined} */ answer) => JSON.parse(answer?.body ?? '{}');

    it('counts the request line and the header values, as API Gateway\'s limit does', () => {
      assert.equal(headerBytes(request('GET', '/local/ping', { Host: 'a', 'X-Thing': 'bcd' })), 'GET /local/ping HTTP/1.1'.length + 4);
    });

    it('refuses headers over 10,240 bytes with a 431 problem, and takes them up to the limit', () => {
      const line = 'GET /local/ping HTTP/1.1'.length;
      assert.equal(answerBeforeIntegration(api, responses, request('GET', '/local/ping', { 'X-Padding': 'a'.repeat(MAX_HEADER_BYTES - line) })), undefined);
      const refused = answerBeforeIntegration(api, responses, request('GET', '/local/ping', { 'X-Padding': 'a'.repeat(MAX_HEADER_BYTES - line + 1) }));
      assert.equal(refused?.status, 431);
      assert.equal(problem(refused).status, 431);
    });

    it('refuses a declared body over 10 MiB with the REQUEST_TOO_LARGE response, before reading it', () => {
      const refused = answerBeforeIntegration(api, responses, request('POST', '/local/user', { 'Content-Length': String(MAX_PAYLOAD_BYTES + 1) }));
      assert.equal(refused?.status, 413);
      assert.deepEqual([problem(refused).code, problem(refused).title], ['payload_too_large', 'Payload too large']);
      assert.equal(answerBeforeIntegration(api, responses, request('POST', '/local/user', { 'Content-Length': String(MAX_PAYLOAD_BYTES) })), undefined);
    });

    it('answers a preflight itself, and a path or a method the API does not have as an unknown route', () => {
      const preflight = answerBeforeIntegration(api, responses, request('OPTIONS', '/local/session', { Origin: 'https://attacker.example' }));
      assert.equal(preflight?.status, 200);
      assert.equal(preflight?.headers['Access-Control-Allow-Credentials'], undefined);
      for (const method of ['PATCH', 'HEAD', 'PROPFIND']) {
        const refused = answerBeforeIntegration(api, responses, request(method, '/local/ping'));
        assert.deepEqual([refused?.status, problem(refused).code], [404, 'not_found'], method);
      }
      assert.equal(answerBeforeIntegration(api, responses, request('GET', '/local/ping')), undefined, 'a route is passed on');
      const nowhere = answerBeforeIntegration(api, responses, request('GET', '/local/nowhere'));
      assert.deepEqual([nowhere?.status, problem(nowhere).code], [404, 'not_found'], 'a path no route has');
      const noRoutes = answerBeforeIntegration([], responses, request('GET', '/local/ping'));
      assert.deepEqual([noRoutes?.status, problem(noRoutes).code], [404, 'not_found'], 'an app with no route yet');
    });

    it('answers in API Gateway\'s default words when the service has no gateway response for it', () => {
      const refused = answerBeforeIntegration(api, new Map(), request('PATCH', '/local/ping'));
      assert.deepEqual([refused?.status, refused?.body], [403, '{"message":"Missing Authentication Token"}']);
    });
  });

  describe('the event a function gets', () => {
    const sent = { headers: { 'X-Client-Id': 'web', 'Content-Type': 'application/json' }, multiValueHeaders: { 'X-Client-Id': ['web'] }, body: '{}' };

    it('has no Content-Type when the client sent none (serverless-offline adds one)', () => {
      assert.deepEqual(headersAsSent(sent).headers, { 'X-Client-Id': 'web' });
      assert.equal(sent.headers['Content-Type'], 'application/json', 'the original event is left as it was');
    });

    it('keeps a Content-Type the client sent, in any case', () => {
      const event = { headers: { 'content-type': 'text/plain' }, multiValueHeaders: { 'content-type': ['text/plain'] } };
      assert.deepEqual(headersAsSent(event).headers, { 'content-type': 'text/plain' });
    });

    it('reaches the handler through the module written in its place', async () => {
      const codeDir = await mkdtemp(path.join(os.tmpdir(), 'local-stack-test-'));
      const wrappers = await writeHandlerWrappers(codeDir, { f: { handler: 'src/functions/f/handler.main' }, g: {} });
      try {
        await mkdir(path.join(codeDir, 'src/functions/f'), { recursive: true });
        await writeFile(path.join(codeDir, 'src/functions/f/handler.js'), 'exports.other = 1;\nexports.main = async (event) => event.headers;\n');
        const wrapped = require(path.join(wrappers.dir, 'src/functions/f/handler.cjs'));
        assert.deepEqual(await wrapped.main(sent), { 'X-Client-Id': 'web' });
        assert.equal(wrapped.other, 1, 'the module\'s other exports stay');
      } finally {
        await wrappers.remove();
        await rm(codeDir, { recursive: true, force: true });
      }
    });
  });

  describe('start output', () => {
    it('drops the writes it is told to, and only until it is told to stop', () => {
      /** @type {string[]} */
      const written = [];
      const realWrite = process.stdout.write;
      process.stdout.write = /** @type {typeof process.stdout.write} */ ((/** @type {string} */ chunk) => written.push(String(chunk)) > 0);
      try {
        const show = hideOutput((text) => text.includes('127.0.0.1:4'));
        process.stdout.write('Server ready: http://127.0.0.1:41071\n');
        process.stdout.write('Local stack ready: http://localhost:3000/local\n');
        show();
        process.stdout.write('after: http://127.0.0.1:41071\n');
      } finally {
        process.stdout.write = realWrite;
      }
      assert.deepEqual(written, ['Local stack ready: http://localhost:3000/local\n', 'after: http://127.0.0.1:41071\n']);
    });
  });

  describe('authorizer policy', () => {
    const arn = 'arn:aws:execute-api:us-east-1:123456789012:local/local/GET/user';
    const policy = (/** @type {string} */ Effect, /** @type {string} */ Resource) => ({ Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect, Resource }] });

    it('allows what an Allow statement covers, with IAM wildcards', () => {
      assert.equal(allows(policy('Allow', 'arn:aws:execute-api:us-east-1:123456789012:local/local/*'), arn), true);
      assert.equal(allows(policy('Allow', arn), arn), true);
    });
    it('refuses what no Allow covers, or a Deny covers', () => {
      assert.equal(allows(policy('Allow', 'arn:aws:execute-api:us-east-1:123456789012:local/local/GET/session'), arn), false);
      assert.equal(allows(policy('Deny', '*'), arn), false);
      assert.equal(allows(undefined, arn), false);
    });
  });

  describe('gateway proxy', () => {
    /** @type {http.Server} */ let upstream;
    /** @type {http.Server} */ let proxy;
    /** @type {http.IncomingHttpHeaders} */ let seenHeaders = {};
    let uploadedBytes = 0;

    before(async () => {
      upstream = http.createServer((request, response) => {
        seenHeaders = request.headers;
        if (request.url === '/local/refused') {
          response.writeHead(401, { 'content-type': 'application/json', 'access-control-allow-origin': 'http://offline.example', [GATEWAY_RESPONSE_HEADER]: 'UNAUTHORIZED' });
          response.end('{"statusCode":401,"error":"Unauthorized","message":"Unauthorized"}');
        } else if (request.url === '/local/upload') {
          uploadedBytes = 0;
          request.on('data', (chunk) => (uploadedBytes += chunk.length));
          request.on('end', () => response.end('{}'));
        } else if (request.url === '/local/problem') {
          response.writeHead(409, { 'content-type': 'application/problem+json' });
          response.end('{"code":"email_taken"}');
        } else {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{"status":"ok"}');
        }
      });
      await new Promise((resolve) => upstream.listen(0, '127.0.0.1', () => resolve(undefined)));
      // The proxy passes on only what has a route, as API Gateway does.
      const route = (/** @type {string} */ method, /** @type {string} */ path) => ({ events: [{ http: { method, path } }] });
      const api = apiPaths({ ok: route('get', 'ok'), refused: route('get', 'refused'), problem: route('get', 'problem'), upload: route('post', 'upload') }, 'local');
      proxy = await startGatewayProxy({ port: 0, host: '127.0.0.1', target: new URL(`http://127.0.0.1:${portOf(upstream)}`), responses: gatewayResponses(resources), api });
    });
    after(async () => {
      await new Promise((resolve) => proxy.close(() => resolve(undefined)));
      await new Promise((resolve) => upstream.close(() => resolve(undefined)));
    });

    const get = (/** @type {string} */ path, /** @type {Record<string, string>} */ headers = {}) => fetch(`http://127.0.0.1:${portOf(proxy)}${path}`, { headers });

    it('passes successful answers through untouched', async () => {
      const response = await get('/local/ok');
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { status: 'ok' });
    });

    it('replaces a gateway refusal with the gateway response, and hides the marker header', async () => {
      const response = await get('/local/refused');
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('content-type'), 'application/problem+json');
      assert.equal(response.headers.get(GATEWAY_RESPONSE_HEADER), null);
      // One CORS origin, the gateway response's, not serverless-offline's as well.
      const origin = response.headers.get('access-control-allow-origin');
      assert.ok(origin && !origin.includes(','), `one origin expected, got ${origin}`);
      assert.notEqual(origin, 'http://offline.example');
      assert.equal(response.headers.get('access-control-allow-credentials'), null, 'serverless-offline\'s CORS headers are not kept');
      assert.equal((/** @type {{ code: string }} */ (await response.json())).code, 'invalid_token');
    });

    it('keeps a function\'s own problem document', async () => {
      const response = await get('/local/problem');
      assert.equal(response.status, 409);
      assert.deepEqual(await response.json(), { code: 'email_taken' });
    });

    /** Sends raw bytes and returns what comes back before the proxy closes the connection. @param {string} raw */
    const exchange = (raw) =>
      new Promise((resolve, reject) => {
        const socket = net.connect(portOf(proxy), '127.0.0.1', () => socket.end(raw));
        let received = '';
        socket.on('data', (chunk) => (received += chunk)).on('end', () => resolve(received)).on('error', reject);
      });

    it('answers what Node\'s parser refuses (an unknown method, headers over its limit) with problem documents', async () => {
      const unknownMethod = String(await exchange('FOO /local/upload HTTP/1.1\r\nHost: x\r\n\r\n'));
      assert.match(unknownMethod, /^HTTP\/1\.1 404 /);
      assert.match(unknownMethod, /"code":"not_found"/);
      const hugeHeaders = String(await exchange(`GET /ok HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`));
      assert.match(hugeHeaders, /^HTTP\/1\.1 431 /);
      assert.match(hugeHeaders, /content-type: application\/problem\+json/i);
    });

    it('stops a chunked body at 10 MiB with the REQUEST_TOO_LARGE response, without passing it all on', async () => {
      const chunk = new Uint8Array(1024 * 1024);
      let sent = 0;
      const body = new globalThis.ReadableStream({
        pull(controller) {
          if (sent++ < 12) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const response = await fetch(`http://127.0.0.1:${portOf(proxy)}/local/upload`, { method: 'POST', body, duplex: 'half' });
      assert.equal(response.status, 413);
      assert.equal((/** @type {{ code: string }} */ (await response.json())).code, 'payload_too_large');
      assert.ok(uploadedBytes <= MAX_PAYLOAD_BYTES, `${uploadedBytes} bytes reached the function`);
    });

    it('removes serverless-offline\'s authorizer override header, which API Gateway does not have', async () => {
      await get('/local/ok', { 'sls-offline-authorizer-override': '{"principalId":"someone-else"}', 'x-kept': 'yes' });
      assert.equal(seenHeaders['sls-offline-authorizer-override'], undefined);
      assert.equal(seenHeaders['x-kept'], 'yes');
    });
  });
});

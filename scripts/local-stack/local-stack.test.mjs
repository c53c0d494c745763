// @ts-check
import assert from 'node:assert/strict';
import http from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTables, startDynamoDB, tableDefinitions } from './dynamodb.mjs';
import { gatewayAnswer, gatewayResponses, renderTemplate, responseTypeFor, startGatewayProxy } from './gateway.mjs';
import { readServiceResources } from './service-resources.mjs';

const { allows, GATEWAY_RESPONSE_HEADER } = createRequire(import.meta.url)('./authorizer.cjs');
/** The real resources of final/serverless.yml: the tooling is tested on what it will serve. */
const resources = readServiceResources(fileURLToPath(new URL('../../final', import.meta.url)));

/** @param {http.Server} server */
const portOf = (server) => /** @type {import('node:net').AddressInfo} */ (server.address()).port;

describe('local-stack', () => {
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
      for (const type of ['ACCESS_DENIED', 'AUTHORIZER_FAILURE', 'DEFAULT_4XX', 'DEFAULT_5XX', 'MISSING_AUTHENTICATION_TOKEN', 'UNAUTHORIZED']) {
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

    before(async () => {
      upstream = http.createServer((request, response) => {
        seenHeaders = request.headers;
        if (request.url === '/refused') {
          response.writeHead(401, { 'content-type': 'application/json', 'access-control-allow-origin': 'http://offline.example', [GATEWAY_RESPONSE_HEADER]: 'UNAUTHORIZED' });
          response.end('{"statusCode":401,"error":"Unauthorized","message":"Unauthorized"}');
        } else if (request.url === '/problem') {
          response.writeHead(409, { 'content-type': 'application/problem+json' });
          response.end('{"code":"email_taken"}');
        } else {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{"status":"ok"}');
        }
      });
      await new Promise((resolve) => upstream.listen(0, '127.0.0.1', () => resolve(undefined)));
      proxy = await startGatewayProxy({ port: 0, host: '127.0.0.1', target: new URL(`http://127.0.0.1:${portOf(upstream)}`), responses: gatewayResponses(resources) });
    });
    after(async () => {
      await new Promise((resolve) => proxy.close(() => resolve(undefined)));
      await new Promise((resolve) => upstream.close(() => resolve(undefined)));
    });

    const get = (/** @type {string} */ path, /** @type {Record<string, string>} */ headers = {}) => fetch(`http://127.0.0.1:${portOf(proxy)}${path}`, { headers });

    it('passes successful answers through untouched', async () => {
      const response = await get('/ok');
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { status: 'ok' });
    });

    it('replaces a gateway refusal with the gateway response, and hides the marker header', async () => {
      const response = await get('/refused');
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('content-type'), 'application/problem+json');
      assert.equal(response.headers.get(GATEWAY_RESPONSE_HEADER), null);
      // One CORS origin, the gateway response's, not serverless-offline's as well.
      const origin = response.headers.get('access-control-allow-origin');
      assert.ok(origin && !origin.includes(','), `one origin expected, got ${origin}`);
      assert.notEqual(origin, 'http://offline.example');
      assert.equal((/** @type {{ code: string }} */ (await response.json())).code, 'invalid_token');
    });

    it('keeps a function\'s own problem document', async () => {
      const response = await get('/problem');
      assert.equal(response.status, 409);
      assert.deepEqual(await response.json(), { code: 'email_taken' });
    });

    it('removes serverless-offline\'s authorizer override header, which API Gateway does not have', async () => {
      await get('/ok', { 'sls-offline-authorizer-override': '{"principalId":"someone-else"}', 'x-kept': 'yes' });
      assert.equal(seenHeaders['sls-offline-authorizer-override'], undefined);
      assert.equal(seenHeaders['x-kept'], 'yes');
    });
  });
});

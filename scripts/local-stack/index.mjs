// @ts-check
/**
 * A Serverless Framework plugin that makes `serverless offline start` a complete local stack:
 *
 * 1. starts an embedded DynamoDB (dynalite) and creates the tables of the service's `resources`;
 * 2. generates a signing key for this run and hands it, with the database endpoint, to the
 *    functions (through provider.environment, in memory only: never written into a file);
 * 3. runs the Lambda authorizers as API Gateway does (authorizer.cjs), and puts a small proxy
 *    in front of serverless-offline that answers API Gateway's own errors with the service's
 *    gateway responses, as AWS does;
 * 4. prints the base URL and three curl commands to try.
 *
 * Settings come from the environment, so `npm start` needs no flags:
 *   PORT (default 3000), LOCAL_DB_PATH (a folder: keep the data on disk; default: in memory),
 *   DYNAMODB_ENDPOINT (use this DynamoDB-compatible endpoint instead of starting dynalite:
 *   the fault tests put a misbehaving proxy there).
 * It is shared workshop tooling: final/ and every chapter list it in their plugins.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTables, startDynamoDB } from './dynamodb.mjs';
import { gatewayResponses, startGatewayProxy } from './gateway.mjs';
import { freePort } from './ports.mjs';

const HOST = '127.0.0.1';
const require = createRequire(import.meta.url);
const AUTHORIZER_PROVIDER = require.resolve('./authorizer.cjs');
export const READY_LINE = 'Local stack ready';

/**
 * A fresh 256-bit key per run; with LOCAL_DB_PATH the key is kept beside the data so that
 * tokens survive a restart as the sessions do.
 * @param {string | undefined} dbPath
 */
async function localSigningKey(dbPath) {
  if (!dbPath) return randomBytes(32).toString('base64');
  const keyFile = path.join(dbPath, 'signing-key');
  try {
    return (await readFile(keyFile, 'utf8')).trim();
  } catch {
    const key = randomBytes(32).toString('base64');
    await mkdir(dbPath, { recursive: true });
    await writeFile(keyFile, key, { mode: 0o600 });
    return key;
  }
}

export default class LocalStackPlugin {
  /** @type {{ endpoint: string, close: () => Promise<void> } | undefined} */
  #dynamodb;
  /** @type {import('node:http').Server | undefined} */
  #proxy;
  #serverless;
  #log;
  #port = 3000;

  /**
   * @param {any} serverless
   * @param {Record<string, unknown>} _options
   * @param {{ log: any }} utils
   */
  constructor(serverless, _options, utils) {
    this.#serverless = serverless;
    this.#log = utils?.log ?? console;
    this.hooks = {
      'before:offline:start:init': () => this.#start(),
      'before:offline:start:ready': () => this.#printWelcome(),
      'before:offline:start:end': () => this.#stop(),
    };
  }

  async #start() {
    const service = this.#serverless.service;
    const resources = service.resources?.Resources ?? {};
    const dbPath = process.env['LOCAL_DB_PATH'] ? path.resolve(process.env['LOCAL_DB_PATH']) : undefined;
    this.#port = Number(process.env['PORT'] ?? 3000);

    const givenEndpoint = process.env['DYNAMODB_ENDPOINT'];
    this.#dynamodb = givenEndpoint ? undefined : await startDynamoDB(dbPath ? { path: dbPath } : {});
    const endpoint = givenEndpoint ?? /** @type {{ endpoint: string }} */ (this.#dynamodb).endpoint;
    const tables = await createTables(endpoint, resources);
    const where = givenEndpoint ? `at ${givenEndpoint}` : `dynalite, ${dbPath ? `on disk in ${dbPath}` : 'in memory'}`;
    this.#log.notice?.(`DynamoDB (${where}): ${tables.join(', ')}`);

    service.provider.environment = {
      ...service.provider.environment,
      DYNAMODB_ENDPOINT: endpoint,
      LOCAL_SIGNING_KEY: await localSigningKey(dbPath),
    };

    // serverless-offline listens on private ports; the proxy takes the public one.
    const [httpPort, lambdaPort] = [await freePort(), await freePort()];
    service.custom = service.custom ?? {};
    service.custom['serverless-offline'] = { ...service.custom['serverless-offline'], host: HOST, httpPort, lambdaPort, noPrependStageInUrl: false };
    service.custom.offline = { ...service.custom.offline, customAuthenticationProvider: AUTHORIZER_PROVIDER };
    require(AUTHORIZER_PROVIDER).configure({
      invokeUrl: (/** @type {string} */ name) => `http://${HOST}:${lambdaPort}/2015-03-31/functions/${name}/invocations`,
      functionName: (/** @type {string} */ key) => service.getFunction(key).name,
      region: service.provider.region,
      stage: service.provider.stage,
    });
    this.#proxy = await startGatewayProxy({
      port: this.#port,
      host: HOST,
      target: new URL(`http://${HOST}:${httpPort}`),
      responses: gatewayResponses(resources),
    });
  }

  #printWelcome() {
    const base = `http://localhost:${this.#port}/${this.#serverless.service.provider.stage}`;
    const clientId = firstClientId(this.#serverless.service.custom?.settings?.clients);
    const json = "-H 'Content-Type: application/json'";
    console.log(
      [
        '',
        `${READY_LINE}: ${base}`,
        '',
        'Sign up:',
        `  curl -i -X POST ${base}/user ${json} -H 'X-Client-Id: ${clientId}' -d '{"email":"ada@example.com","password":"correct horse battery"}'`,
        'Log in (copy access_token from the answer):',
        `  curl -i -X POST ${base}/session ${json} -H 'X-Client-Id: ${clientId}' -d '{"email":"ada@example.com","password":"correct horse battery"}'`,
        'Who am I:',
        `  curl -i ${base}/user -H "Authorization: Bearer $ACCESS_TOKEN"`,
        '',
        'Press Ctrl-C to stop everything.',
        '',
      ].join('\n'),
    );
  }

  async #stop() {
    await new Promise((resolve) => (this.#proxy ? this.#proxy.close(() => resolve(undefined)) : resolve(undefined)));
    await this.#dynamodb?.close();
  }
}

/** @param {unknown} clients */
function firstClientId(clients) {
  return Array.isArray(clients) && typeof clients[0] === 'string' ? clients[0] : 'workshop-web';
}

// @ts-check
/**
 * A Serverless Framework plugin that makes `serverless offline start` a complete local stack:
 *
 * 1. starts an embedded DynamoDB (dynalite) and creates the tables of the service's `resources`;
 * 2. generates a signing key for this run and hands it, with the database endpoint, to the
 *    functions (through provider.environment, in memory only: never written into a file), and
 *    gives each function the time a busy laptop needs (LOCAL_FUNCTION_TIMEOUT);
 * 3. runs the Lambda authorizers as API Gateway does (authorizer.cjs), puts a small proxy in
 *    front of serverless-offline that answers what API Gateway answers itself (its own errors,
 *    with the service's gateway responses; CORS preflights; its size limits: gateway.mjs), and
 *    gives the functions the event API Gateway would send (handlers.mjs);
 * 4. prints the base URL, the routes and three curl commands to try, and nothing that points
 *    anywhere else (output.mjs).
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
import { writeHandlerWrappers } from './handlers.mjs';
import { hideOutput } from './output.mjs';
import { freePort, HOST, portIsFree, portToSuggest } from './ports.mjs';
import { apiPaths, routeNames } from './routes.mjs';

const require = createRequire(import.meta.url);
const AUTHORIZER_PROVIDER = require.resolve('./authorizer.cjs');
export const READY_LINE = 'Local stack ready';

/**
 * The seconds each function may run on the local stack. A deployed stage keeps the timeout of
 * serverless.yml (6 s); on a laptop the same function shares two cores with a build, a browser
 * and twenty other workers, and a correct function that is merely slow there must not be cut off
 * (a 504 that a check would blame on the code). API Gateway's own limit is 29 s.
 */
export const LOCAL_FUNCTION_TIMEOUT = 29;

/**
 * The milliseconds a function waits for the embedded database to answer one call, locally. On
 * AWS the app waits 800 ms (src/lib/dynamodb.ts says why); dynalite runs in the stack's own
 * process on a laptop, where twenty functions at once and a build beside them can make it take
 * seconds. Given to the functions as DYNAMODB_REQUEST_TIMEOUT_MS, when the stack starts its own
 * database or is told to (a test of database faults gives its own endpoint, and keeps 800 ms).
 */
export const LOCAL_DATABASE_TIMEOUT_MS = 5000;

// The AWS SDK warns on Node 20 that its releases after January 2027 will need Node 22. The
// lockfile pins a release that runs on Node 20, so the warning asks for nothing a learner can do
// today (the README recommends Node 22 or 24). Set here, it reaches the functions too:
// serverless-offline hands every AWS_* variable on to them.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

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

/** Whether the process that started this stack rebuilds it (LOCAL_STACK_CONTROL=ipc, with an IPC channel). */
const controlled = () => process.env['LOCAL_STACK_CONTROL'] === 'ipc' && typeof process.send === 'function';

export default class LocalStackPlugin {
  /** @type {import('./dynamodb.mjs').RunningDynamoDB | undefined} */
  #dynamodb;
  /** @type {import('node:http').Server | undefined} */
  #proxy;
  /** @type {import('./routes.mjs').ApiPath[]} */
  #api = [];
  /** @type {{ remove: () => Promise<void> } | undefined} */
  #handlerWrappers;
  /** @type {(() => void) | undefined} */
  #showOutput;
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
      initialize: () => this.#withSourceMaps(),
      'before:offline:start:init': () => this.#start(),
      // After serverless-esbuild's bundling (its before: hook), before serverless-offline's own
      // offline:start:init, which runs after this one because serverless.yml lists it later.
      'offline:start:init': () => this.#wrapHandlers(),
      'before:offline:start:ready': () => this.#printWelcome(),
      'before:offline:start:end': () => this.#stop(),
    };
  }

  /**
   * On the local stack, a function's error points at the TypeScript line that threw: its bundle
   * gets a source map (unless serverless.yml says otherwise), and the handler's stand-in has Node
   * read it (handlers.mjs). Set at `initialize`, before serverless-esbuild reads its settings, and
   * only for `offline`: a package for a deployed stage is left as serverless.yml says.
   */
  #withSourceMaps() {
    if (!this.#serverless.processedInput?.commands?.includes('offline')) return;
    const service = this.#serverless.service;
    service.custom = service.custom ?? {};
    service.custom.esbuild = { sourcemap: 'linked', ...service.custom.esbuild };
    // Rebuilt when the process that started the stack says so (`workshop watch`), not on its own
    // file watcher: so that process knows when the new code is in place.
    if (controlled()) service.custom.esbuild.watch = { ...service.custom.esbuild.watch, pattern: [] };
  }

  /**
   * Answers the process that started the stack, over the IPC channel it opened (LOCAL_STACK_CONTROL=ipc):
   * `{ type: 'rebuild', id }` bundles every function again (each function loads its new bundle at
   * its next call), then answers `{ type: 'rebuilt', id, error? }`.
   */
  #listenForRebuilds() {
    if (!controlled()) return;
    process.on('message', async (/** @type {any} */ message) => {
      if (message?.type !== 'rebuild') return;
      try {
        const esbuild = this.#serverless.pluginManager.plugins.find((/** @type {any} */ plugin) => plugin.constructor?.name === 'EsbuildServerlessPlugin');
        await esbuild?.bundle();
        // Not offline:functionsUpdated, which would stop every function instance: each handler's
        // stand-in loads its bundle again when the bundle changed (handlers.mjs), and the instances
        // stay warm. A function added or removed changes serverless.yml: the stack starts again.
        process.send?.({ type: 'rebuilt', id: message.id });
      } catch (error) {
        process.send?.({ type: 'rebuilt', id: message.id, error: error instanceof Error ? error.message : String(error) });
      }
    });
  }

  async #start() {
    const service = this.#serverless.service;
    const resources = service.resources?.Resources ?? {};
    const dbPath = process.env['LOCAL_DB_PATH'] ? path.resolve(process.env['LOCAL_DB_PATH']) : undefined;
    this.#port = Number(process.env['PORT'] ?? 3000);
    // Before anything starts, so that the learner gets one line with the fix and the prompt back.
    if (!(await portIsFree(this.#port, HOST))) {
      const ServerlessError = this.#serverless.classes?.Error ?? Error;
      throw new ServerlessError(`Port ${this.#port} is taken: another program listens there (another npm start, or serve in another terminal?). Stop it, or start on another port: PORT=${await portToSuggest(this.#port, HOST)} npm start`);
    }

    const givenEndpoint = process.env['DYNAMODB_ENDPOINT'];
    this.#dynamodb = givenEndpoint ? undefined : await startDynamoDB(dbPath ? { path: dbPath } : {});
    const endpoint = givenEndpoint ?? /** @type {{ endpoint: string }} */ (this.#dynamodb).endpoint;
    const tables = await createTables(endpoint, resources);
    const where = givenEndpoint ? `at ${givenEndpoint}` : `dynalite, ${dbPath ? `on disk in ${dbPath}` : 'in memory'}`;
    this.#log.notice?.(`DynamoDB (${where}): ${tables.join(', ')}`);

    const databaseTimeout = process.env['DYNAMODB_REQUEST_TIMEOUT_MS'] ?? (givenEndpoint ? undefined : String(LOCAL_DATABASE_TIMEOUT_MS));
    service.provider.environment = {
      ...service.provider.environment,
      DYNAMODB_ENDPOINT: endpoint,
      LOCAL_SIGNING_KEY: await localSigningKey(dbPath),
      ...(databaseTimeout ? { DYNAMODB_REQUEST_TIMEOUT_MS: databaseTimeout } : {}),
    };
    // LOCAL_FUNCTION_TIMEOUT in the environment sets it exactly: for a test that must see a time-out.
    const chosen = Number(process.env['LOCAL_FUNCTION_TIMEOUT']) || undefined;
    const seconds = (/** @type {unknown} */ own) => chosen ?? Math.max(Number(own ?? 0), LOCAL_FUNCTION_TIMEOUT);
    service.provider.timeout = seconds(service.provider.timeout);
    for (const fn of Object.values(service.functions ?? {})) {
      if (fn && typeof fn === 'object' && fn.timeout !== undefined) fn.timeout = seconds(fn.timeout);
    }

    // serverless-offline listens on private ports; the proxy takes the public one. What
    // serverless-offline prints about its ports would send a learner past the proxy: hidden.
    const [httpPort, lambdaPort] = [await freePort(), await freePort()];
    const privateOrigins = [httpPort, lambdaPort].map((port) => `http://${HOST}:${port}`);
    this.#showOutput = hideOutput((text) => privateOrigins.some((origin) => text.includes(origin)) || text.includes('Function names exposed for local invocation'));
    service.custom = service.custom ?? {};
    service.custom['serverless-offline'] = {
      ...service.custom['serverless-offline'],
      host: HOST,
      httpPort,
      lambdaPort,
      noPrependStageInUrl: false,
      // API Gateway passes cookies on unread; serverless-offline would refuse a malformed one.
      disableCookieValidation: true,
    };
    service.custom.offline = { ...service.custom.offline, customAuthenticationProvider: AUTHORIZER_PROVIDER };
    require(AUTHORIZER_PROVIDER).configure({
      invokeUrl: (/** @type {string} */ name) => `http://${HOST}:${lambdaPort}/2015-03-31/functions/${name}/invocations`,
      functionName: (/** @type {string} */ key) => service.getFunction(key).name,
      region: service.provider.region,
      stage: service.provider.stage,
    });
    // The routes as API Gateway deploys them, CORS settings included; then the routes'
    // `cors` is taken away from serverless-offline, whose own CORS (the request's origin echoed,
    // credentials allowed) is not what API Gateway does: the proxy answers preflights instead.
    this.#api = apiPaths(service.functions ?? {}, service.provider.stage);
    for (const { events = [] } of Object.values(service.functions ?? {})) {
      for (const event of events) if (typeof event.http === 'object') delete event.http.cors;
    }
    this.#proxy = await startGatewayProxy({
      port: this.#port,
      host: HOST,
      target: new URL(`http://${HOST}:${httpPort}`),
      responses: gatewayResponses(resources),
      api: this.#api,
    });
    // Neither the proxy nor dynalite keeps the process alive on its own: serverless-offline's
    // servers do while the stack runs. So when a later step fails (esbuild cannot find a
    // handler, say), the error is printed and the command ends instead of hanging.
    this.#proxy.unref();
    this.#dynamodb?.unref();
  }

  /** Points serverless-offline at the handlers' stand-ins (handlers.mjs) instead of the bundles. */
  async #wrapHandlers() {
    const service = this.#serverless.service;
    const offline = service.custom['serverless-offline'];
    // Set by a bundler (serverless-esbuild); without one there are no bundles to stand in for.
    if (!offline.location) return;
    const codeDir = path.resolve(this.#serverless.serviceDir, offline.location);
    const wrappers = await writeHandlerWrappers(codeDir, service.functions ?? {});
    this.#handlerWrappers = wrappers;
    offline.location = wrappers.dir;
  }

  #printWelcome() {
    this.#listenForRebuilds();
    const origin = `http://localhost:${this.#port}`;
    const base = `${origin}/${this.#serverless.service.provider.stage}`;
    const clientId = firstClientId(this.#serverless.service.custom?.settings?.clients);
    // The routes at the URL that answers as API Gateway does (serverless-offline's own table names its private port).
    const routes = this.#api.flatMap(({ template, methods }) => [...methods].map((method) => `  ${method.padEnd(6)} ${origin}${template}`));
    const existing = new Set(routeNames(this.#api));
    // Something to try for each route the app has so far (a chapter has only some of them).
    const tries = curlExamples(base, clientId).filter(({ route }) => existing.has(route));
    console.log(
      [
        '',
        `${READY_LINE}: ${base}`,
        '',
        ...routes,
        ...(routes.length > 0 ? [''] : []),
        ...tries.flatMap(({ title, command }) => [`${title}:`, `  ${command}`]),
        ...(tries.length > 0 ? [''] : []),
        'Press Ctrl-C to stop everything.',
        '',
      ].join('\n'),
    );
  }

  async #stop() {
    await new Promise((resolve) => (this.#proxy ? this.#proxy.close(() => resolve(undefined)) : resolve(undefined)));
    await this.#dynamodb?.close();
    await this.#handlerWrappers?.remove();
    this.#showOutput?.();
  }
}

/**
 * The curl commands the welcome suggests, each for the route it calls.
 * @param {string} base
 * @param {string} clientId
 */
export function curlExamples(base, clientId) {
  const json = "-H 'Content-Type: application/json'";
  const credentials = `-d '{"email":"ada@example.com","password":"correct horse battery"}'`;
  return [
    { route: 'GET /ping', title: 'Is it up', command: `curl -i ${base}/ping` },
    { route: 'POST /user', title: 'Sign up', command: `curl -i -X POST ${base}/user ${json} -H 'X-Client-Id: ${clientId}' ${credentials}` },
    { route: 'POST /session', title: 'Log in (copy access_token from the answer)', command: `curl -i -X POST ${base}/session ${json} -H 'X-Client-Id: ${clientId}' ${credentials}` },
    { route: 'GET /user', title: 'Who am I', command: `curl -i ${base}/user -H "Authorization: Bearer $ACCESS_TOKEN"` },
  ];
}

/** @param {unknown} clients */
function firstClientId(clients) {
  return Array.isArray(clients) && typeof clients[0] === 'string' ? clients[0] : 'workshop-web';
}

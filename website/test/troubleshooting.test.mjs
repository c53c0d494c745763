// @ts-check
/**
 * The Troubleshooting page cannot outlive its errors. Every text of lib/error-texts.mjs (what the
 * page, and the Instructor guide, show with <ErrorText id="…" />) is made here by the real tool,
 * the way a learner meets it, and its output must hold the text ("…" matches any value):
 *
 * - the learner's CLI, in a scratch clone of the repository: unknown command, no such chapter,
 *   no workspace, a missing or damaged progress file, a workspace without package.json, a port
 *   taken (serve and doctor), doctor on a too old Node.js and on a repository not installed;
 * - the local stack: npm start on a taken port, serverless.yml badly indented, a handler that
 *   names no file, npm start before npm install; and, once, the running stack answering the
 *   requests a learner gets wrong with curl (and curl when nothing runs);
 * - verify, on a workspace whose serverless.yml cannot be read (the chapter's checks fail, and
 *   say the stack did not start and no test ran);
 * - npm: a missing script, no package.json, and no network (the DNS lookup fails, as with the
 *   Wi-Fi off: npm itself writes the message);
 * - the deploy commands, before they send anything: no credentials, a profile that is not there
 *   or holds none (profile files in a folder of this test's own), credentials AWS refuses and no
 *   way to reach AWS, a region that does not exist, a package of another region, and, for a
 *   real package of prod, each thing the deploy checks on AWS (API Gateway's logging role, the
 *   signing key, the VPC stack, another app's stack). "AWS" is a small server of this test on
 *   127.0.0.1 (the SDK's AWS_ENDPOINT_URL), answering STS, SSM, CloudFormation and API Gateway
 *   as they answer those calls; nothing leaves this machine;
 * - the smoke test against a URL where nothing listens.
 *
 * The texts show port 3000; here each runs on a free port and its output is read as if it were
 * 3000 (and the next port as 3001). Everything runs on this machine: nothing is downloaded.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL, URLSearchParams } from 'node:url';
import { after, before, describe, it } from 'mocha';
import { missingOutput } from '../lib/code-blocks.mjs';
import { ERROR_TEXTS } from '../lib/error-texts.mjs';
import { freePort } from '@session-api/local-stack/ports.mjs';
import { scratchRepository } from '@session-api/workshop/scratch-repository';
import { REPO_ROOT, WEBSITE, learnerEnv as learnerTerminal } from '../lib/site.mjs';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const SHOWN_PORT = 3000;

/**
 * A learner's terminal (lib/site.mjs), with no colours, and without the PORT and NODE_OPTIONS this
 * test may run with.
 * @param {NodeJS.ProcessEnv} [extra]
 */
const learnerEnv = (extra = {}) => learnerTerminal({ NO_COLOR: '1', FORCE_COLOR: '0', ...extra }, { without: ['PORT', 'NODE_OPTIONS'] });

/**
 * @typedef {{code: number | null, output: string, timedOut: boolean}} Run
 * Runs a command to its end (or kills it, and all it started, after `timeoutMs`).
 * @param {string} command @param {string[]} args
 * @param {{cwd: string, env?: NodeJS.ProcessEnv, timeoutMs?: number}} options
 * @returns {Promise<Run>}
 */
function run(command, args, { cwd, env = learnerEnv(), timeoutMs = 90_000 }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    let output = '';
    let timedOut = false;
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      stopGroup(child, 'SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

/** @param {import('node:child_process').ChildProcess} child @param {NodeJS.Signals} signal */
function stopGroup(child, signal) {
  try {
    if (child.pid) process.kill(process.platform === 'win32' ? child.pid : -child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * What a learner would read: the output with `port` shown as 3000 (and port + 1 as 3001).
 * @param {string} output @param {number} port
 */
function asShown(output, port) {
  return output.replace(new RegExp(`\\b${port + 1}\\b`, 'g'), String(SHOWN_PORT + 1)).replace(new RegExp(`\\b${port}\\b`, 'g'), String(SHOWN_PORT));
}

/** A TCP server that holds a port, as another program would. @returns {Promise<{port: number, close: () => Promise<void>}>} */
async function occupiedPort() {
  const port = await freePort();
  const server = net.createServer();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)));
  return { port, close: () => new Promise((resolve) => server.close(() => resolve(undefined))) };
}

/**
 * A stand-in for AWS on 127.0.0.1, for the deploy commands' checks: STS's GetCallerIdentity,
 * API Gateway's GetAccount, SSM's GetParameter and CloudFormation's DescribeStacks, in each
 * service's own protocol (query and XML, JSON 1.1, REST JSON), answering from `state`.
 * @returns {Promise<{ url: string, state: { refuseCredentials: boolean, loggingRole: boolean, signingKey: boolean, stacks: Record<string, Record<string, string>> }, close: () => Promise<void> }>}
 */
async function fakeAws() {
  const state = { refuseCredentials: false, loggingRole: true, signingKey: true, stacks: /** @type {Record<string, Record<string, string>>} */ ({}) };
  const xml = (/** @type {import('node:http').ServerResponse} */ response, /** @type {number} */ status, /** @type {string} */ body) => {
    response.writeHead(status, { 'Content-Type': 'text/xml' }).end(body);
  };
  const queryError = (/** @type {string} */ code, /** @type {string} */ message) => `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>1</RequestId></ErrorResponse>`;
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      if (request.method === 'GET' && request.url?.startsWith('/account')) {
        response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(state.loggingRole ? { cloudwatchRoleArn: 'arn:aws:iam::123456789012:role/api-gateway-logs' } : {}));
      } else if (target === 'AmazonSSM.GetParameter') {
        const { Name } = JSON.parse(body);
        if (state.signingKey) response.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ Parameter: { Name, Type: 'SecureString', Value: 'AQICAH-ciphertext', Version: 1 } }));
        else response.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'ParameterNotFound', message: '' }));
      } else {
        const form = new URLSearchParams(body);
        if (form.get('Action') === 'GetCallerIdentity') {
          if (state.refuseCredentials) xml(response, 403, queryError('InvalidClientTokenId', 'The security token included in the request is invalid.'));
          else xml(response, 200, '<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/learner</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>');
        } else if (form.get('Action') === 'DescribeStacks') {
          const name = form.get('StackName') ?? '';
          const outputs = state.stacks[name];
          if (!outputs) {
            xml(response, 400, queryError('ValidationError', `Stack with id ${name} does not exist`));
          } else {
            const members = Object.entries(outputs).map(([key, value]) => `<member><OutputKey>${key}</OutputKey><OutputValue>${value}</OutputValue></member>`).join('');
            xml(response, 200, `<DescribeStacksResponse><DescribeStacksResult><Stacks><member><StackName>${name}</StackName><StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/${name}/1</StackId><StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime><Outputs>${members}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeStacksResponse>`);
          }
        } else {
          xml(response, 400, queryError('InvalidAction', `this stand-in does not answer ${form.get('Action') ?? target ?? request.url}`));
        }
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return { url: `http://127.0.0.1:${address.port}`, state, close: () => new Promise((resolve) => server.close(() => resolve(undefined))) };
}

/** Runs `produce` once, however many texts read its output. @template T @param {() => Promise<T>} produce */
function once(produce) {
  /** @type {Promise<T> | undefined} */
  let result;
  return () => (result ??= produce());
}

/** Asserts that a command ended by itself, with an error. @param {Run} result @param {string} what */
function endedWithError(result, what) {
  assert.equal(result.timedOut, false, `${what} printed its error but did not end:\n${result.output}`);
  assert.notEqual(result.code, 0, `${what} exited with 0:\n${result.output}`);
}

describe('Troubleshooting: every error text comes from the real tool', function () {
  this.timeout(180_000);
  /** @type {ReturnType<typeof scratchRepository> | undefined} */
  let clone;
  /** @type {string} */
  let scratch; // a folder of this test's own: the one the clone is in
  /** @type {string} */
  let repo; // a clone of the repository, with this checkout's node_modules
  /** @type {string} */
  let workshopBin;

  before(() => {
    clone = scratchRepository('troubleshooting');
    repo = clone.root;
    scratch = path.dirname(repo);
    workshopBin = path.join(repo, 'node_modules', '@session-api', 'workshop', 'bin', 'workshop.mjs');
  });

  after(() => {
    clone?.remove();
  });

  /** `npm run workshop -- ARGS` in the clone (the bin itself: npm around it adds nothing to the message). */
  const workshop = (/** @type {string[]} */ args, /** @type {{env?: NodeJS.ProcessEnv, node?: string[]}} */ { env, node = [] } = {}) =>
    run(process.execPath, [...node, workshopBin, ...args], { cwd: repo, env: learnerEnv(env) });
  const workspace = (/** @type {string[]} */ ...parts) => path.join(repo, 'workspace', ...parts);
  const progressFile = () => path.join(repo, '.workshop', 'progress.json');

  /**
   * A terminal for the deploy commands: no AWS variables of this machine, profile files of this
   * test's own (`config`, `credentials`: their text; none when undefined), AWS's instance
   * metadata off (nothing leaves the machine), and `extra` on top.
   * @param {{ config?: string, credentials?: string, extra?: NodeJS.ProcessEnv }} [terminal]
   */
  const awsTerminal = ({ config, credentials, extra = {} } = {}) => {
    const home = path.join(scratch, `aws-home-${(awsTerminals += 1)}`);
    mkdirSync(home, { recursive: true });
    if (config !== undefined) writeFileSync(path.join(home, 'config'), config);
    if (credentials !== undefined) writeFileSync(path.join(home, 'credentials'), credentials);
    const env = learnerEnv({ HOME: home, AWS_CONFIG_FILE: path.join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'), AWS_EC2_METADATA_DISABLED: 'true', ...extra });
    for (const name of Object.keys(env)) if (/^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|DEFAULT_PROFILE|REGION|DEFAULT_REGION|ENDPOINT_URL.*|CONTAINER_.*|WEB_IDENTITY_TOKEN_FILE|ROLE_ARN)$/.test(name) && !(name in extra)) delete env[name];
    return env;
  };
  let awsTerminals = 0;
  /** `npm run <script> -- ARGS` in final/ of the clone, in such a terminal. */
  const deployCommand = (/** @type {string} */ script, /** @type {string[]} */ args, /** @type {NodeJS.ProcessEnv} */ env) => run(npm, ['run', script, '--', ...args], { cwd: path.join(repo, 'final'), env, timeoutMs: 120_000 });
  /** Keys of a learner (made up: the stand-in checks no signature), and "AWS" at the stand-in's address. */
  const withAws = (/** @type {string} */ url, /** @type {NodeJS.ProcessEnv} */ more = {}) =>
    awsTerminal({ extra: { AWS_ACCESS_KEY_ID: 'not-a-real-access-key-id', AWS_SECRET_ACCESS_KEY: 'not-a-real-secret-access-key', AWS_ENDPOINT_URL: url, ...more } });

  /** A real package of prod, built once in the clone (npm run package, no AWS needed). */
  const prodPackage = once(async () => {
    const result = await run(npm, ['run', 'package', '--', '--stage', 'prod'], { cwd: path.join(repo, 'final'), env: awsTerminal(), timeoutMs: 300_000 });
    assert.equal(result.code, 0, `npm run package -- --stage prod failed:\n${result.output}`);
  });

  /** `npm run deploy -- --stage prod` of that package, against the stand-in set up by `arrange`. */
  const deployProd = async (/** @type {(state: Awaited<ReturnType<typeof fakeAws>>['state']) => void} */ arrange) => {
    await prodPackage();
    const aws = await fakeAws();
    try {
      arrange(aws.state);
      const result = await deployCommand('deploy', ['--stage', 'prod'], withAws(aws.url));
      endedWithError(result, 'npm run deploy');
      return result.output;
    } finally {
      await aws.close();
    }
  };

  /** The learner on chapter 1: goto 1 has set up workspace/ and the progress file. */
  const onChapterOne = once(async () => {
    const goto = await workshop(['goto', '1', '--yes']);
    assert.equal(goto.code, 0, goto.output);
  });

  /** Runs `produce` with `file` moved away, then puts it back. @template T @param {string} file @param {() => Promise<T>} produce @returns {Promise<T>} */
  async function without(file, produce) {
    renameSync(file, `${file}.away`);
    try {
      return await produce();
    } finally {
      renameSync(`${file}.away`, file);
    }
  }

  /** Runs `produce` with `file` holding `text`, then puts the file back. @template T @param {string} file @param {string} text @param {() => Promise<T>} produce @returns {Promise<T>} */
  async function withContent(file, text, produce) {
    const original = readFileSync(file);
    writeFileSync(file, text);
    try {
      return await produce();
    } finally {
      writeFileSync(file, original);
    }
  }

  /** doctor, on a Node.js of another version (the real doctor; only process.version is set). @param {string} version */
  const doctorOnNode = async (version) => {
    await onChapterOne();
    const preload = path.join(scratch, 'node-version.mjs');
    writeFileSync(preload, 'Object.defineProperty(process, "version", { value: process.env.WORKSHOP_TEST_NODE_VERSION });\n');
    return workshop(['doctor', '--port', String(await freePort())], { node: ['--import', pathToFileURL(preload).href], env: { WORKSHOP_TEST_NODE_VERSION: version } });
  };

  /**
   * A repository whose dependencies were never installed: its package.json, lockfile and (empty)
   * chapters, and final/'s package.json as an app of its own.
   */
  const notInstalled = once(async () => {
    const bare = path.join(scratch, 'not installed');
    mkdirSync(path.join(bare, 'chapters'), { recursive: true });
    mkdirSync(path.join(bare, 'app'));
    for (const file of ['package.json', 'package-lock.json']) copyFileSync(path.join(repo, file), path.join(bare, file));
    copyFileSync(path.join(repo, 'final', 'package.json'), path.join(bare, 'app', 'package.json'));
    return bare;
  });

  /** serve and verify on a workspace whose serverless.yml is badly indented (one space too many). */
  const badlyIndented = once(async () => {
    await onChapterOne();
    const file = workspace('serverless.yml');
    const text = readFileSync(file, 'utf8');
    assert.match(text, /\n {2}runtime: /, 'the starting point\'s serverless.yml has provider.runtime');
    const broken = text.replace(/\n {2}runtime: /, '\n   runtime: ');
    const port = await freePort();
    return withContent(file, broken, async () => ({ serve: await workshop(['serve', '--port', String(port)]), verify: await workshop(['verify']) }));
  });

  /** The local stack of final/, started once, asked what learners get wrong with curl. */
  const answers = once(async () => {
    const port = await freePort();
    const base = `http://localhost:${port}/local`;
    const child = spawn(npm, ['start'], { cwd: repo, env: learnerEnv({ PORT: String(port) }), stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise((resolve) => child.once('close', resolve));
    try {
      const deadline = Date.now() + 150_000;
      while (!output.includes('Local stack ready')) {
        assert.ok(child.exitCode === null && Date.now() < deadline, `npm start did not get ready:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const curl = async (/** @type {string[]} */ args) => (await run('curl', ['-s', ...args], { cwd: repo })).output;
      const credentials = '{"email":"ada@example.com","password":"correct horse battery"}';
      return {
        noClientId: await curl(['-X', 'POST', `${base}/user`, '-H', 'Content-Type: application/json', '-d', credentials]),
        noContentType: await curl(['-X', 'POST', `${base}/user`, '-H', 'X-Client-Id: workshop-web', '-d', credentials]),
        noRoute: await curl([`${base}/pong`]),
        invalidToken: await curl([`${base}/user`, '-H', 'Authorization: Bearer not-a-token']),
      };
    } finally {
      stopGroup(child, 'SIGINT');
      const killer = setTimeout(() => stopGroup(child, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
  });

  /** @type {Record<string, () => Promise<string>>} how to make each text, by its id */
  const producers = {
    'unknown-command': async () => (await workshop(['fly'])).output,
    'no-such-chapter': async () => (await workshop(['goto', '42'])).output,
    'no-workspace': async () => {
      await onChapterOne();
      return (await without(workspace(), () => workshop(['verify']))).output;
    },
    'no-progress-file': async () => {
      await onChapterOne();
      return (await without(progressFile(), () => workshop(['verify']))).output;
    },
    'damaged-progress-file': async () => {
      await onChapterOne();
      const result = await withContent(progressFile(), '{ "version": 1, "chapter": ', () => workshop(['status']));
      // goto N --keep would keep the damaged file beside a new one; status only reads it.
      assert.deepEqual(readdirSync(path.join(repo, '.workshop')).filter((name) => name.startsWith('progress.damaged')), []);
      return result.output;
    },
    'not-an-app': async () => {
      await onChapterOne();
      return (await without(workspace('package.json'), () => workshop(['verify']))).output;
    },
    'serve-port-taken': async () => {
      await onChapterOne();
      const taken = await occupiedPort();
      try {
        return asShown((await workshop(['serve', '--port', String(taken.port)])).output, taken.port);
      } finally {
        await taken.close();
      }
    },
    'doctor-port-taken': async () => {
      await onChapterOne();
      const taken = await occupiedPort();
      try {
        return asShown((await workshop(['doctor', '--port', String(taken.port)])).output, taken.port);
      } finally {
        await taken.close();
      }
    },
    'doctor-node-too-old': async () => (await doctorOnNode('v18.20.4')).output,
    'doctor-node-20': async () => (await doctorOnNode('v20.19.0')).output,
    'doctor-not-installed': async () => {
      const bare = await notInstalled();
      const result = await run(process.execPath, [path.join(REPO_ROOT, 'node_modules', '@session-api', 'workshop', 'bin', 'workshop.mjs'), 'doctor', '--port', String(await freePort())], { cwd: bare });
      return result.output;
    },
    'start-port-taken': async () => {
      const taken = await occupiedPort();
      try {
        const result = await run(npm, ['start'], { cwd: repo, env: learnerEnv({ PORT: String(taken.port) }) });
        endedWithError(result, 'npm start on a taken port');
        return asShown(result.output, taken.port);
      } finally {
        await taken.close();
      }
    },
    'yaml-indentation': async () => {
      const { serve } = await badlyIndented();
      endedWithError(serve, 'serve with a badly indented serverless.yml');
      return serve.output;
    },
    'handler-not-found': async () => {
      await onChapterOne();
      // Chapter 1's serverless.yml, its handler path misspelt.
      const text = readFileSync(path.join(repo, 'chapters', '01-hello-lambda', 'serverless.yml'), 'utf8');
      assert.match(text, /handler: src\/functions\/ping\/handler\.handler/);
      const misspelt = text.replace('handler: src/functions/ping/handler.handler', 'handler: src/functions/pnig/handler.handler');
      const port = await freePort();
      const result = await withContent(workspace('serverless.yml'), misspelt, () => workshop(['serve', '--port', String(port)]));
      endedWithError(result, 'serve with a handler that names no file');
      return result.output;
    },
    'serverless-not-found': async () => {
      const bare = await notInstalled();
      return (await run(npm, ['start'], { cwd: path.join(bare, 'app') })).output;
    },
    'curl-not-running': async () => {
      const port = await freePort();
      return asShown((await run('curl', ['-i', `http://localhost:${port}/local/ping`], { cwd: repo })).output, port);
    },
    'http-no-client-id': async () => (await answers()).noClientId,
    'http-no-content-type': async () => (await answers()).noContentType,
    'http-no-route': async () => (await answers()).noRoute,
    'http-invalid-token': async () => (await answers()).invalidToken,
    'verify-summary': async () => (await badlyIndented()).verify.output,
    'verify-start-failed': async () => (await badlyIndented()).verify.output,
    'verify-no-test': async () => (await badlyIndented()).verify.output,
    'aws-no-credentials': async () => (await deployCommand('secrets:init', ['--stage', 'dev'], awsTerminal())).output,
    'aws-no-such-profile': async () => (await deployCommand('secrets:init', ['--stage', 'dev'], awsTerminal({ config: '[default]\nregion = eu-west-1\n', extra: { AWS_PROFILE: 'workshop' } }))).output,
    'aws-profile-without-credentials': async () => (await deployCommand('secrets:init', ['--stage', 'dev'], awsTerminal({ config: '[profile workshop]\nregion = eu-west-1\n', extra: { AWS_PROFILE: 'workshop' } }))).output,
    'aws-credentials-refused': async () => {
      const aws = await fakeAws();
      try {
        aws.state.refuseCredentials = true;
        return (await deployCommand('secrets:init', ['--stage', 'dev'], withAws(aws.url))).output;
      } finally {
        await aws.close();
      }
    },
    'aws-unreachable': async () => (await deployCommand('secrets:init', ['--stage', 'dev'], withAws(`http://127.0.0.1:${await freePort()}`))).output,
    'aws-unknown-region': async () => (await deployCommand('secrets:init', ['--stage', 'dev', '--region', 'eu-west1'], awsTerminal())).output,
    'deploy-region-mismatch': async () => {
      await prodPackage();
      return (await deployCommand('deploy', ['--stage', 'prod'], awsTerminal({ extra: { AWS_REGION: 'eu-west-1' } }))).output;
    },
    'deploy-no-logging-role': () => deployProd((state) => (state.loggingRole = false)),
    'deploy-no-signing-key': () => deployProd((state) => (state.signingKey = false)),
    'deploy-no-vpc-stack': () => deployProd(() => {}),
    'deploy-another-app': () =>
      deployProd((state) => {
        state.stacks['session-api-prod-vpc'] = {};
        state.stacks['session-api-prod'] = { AppFolder: 'workspace' };
      }),
    'smoke-nothing-answers': async () => {
      const port = await freePort();
      const result = await run(npm, ['run', 'smoke', '--', '--url', `http://localhost:${port}/dev`, '--client-id', 'workshop-web'], { cwd: path.join(repo, 'final') });
      endedWithError(result, 'npm run smoke');
      return asShown(result.output, port);
    },
    'npm-missing-script': async () => (await run(npm, ['run', 'strat'], { cwd: repo })).output,
    'npm-no-package-json': async () => {
      const empty = path.join(scratch, 'not a project');
      mkdirSync(empty, { recursive: true });
      return (await run(npm, ['start'], { cwd: empty })).output;
    },
    'npm-network': async () => {
      // The network is off: every DNS lookup fails, as on a laptop with no Wi-Fi. npm does the rest.
      const offline = path.join(scratch, 'dns-off.cjs');
      writeFileSync(
        offline,
        [
          "const dns = require('node:dns');",
          'dns.lookup = (hostname, options, callback) => {',
          "  const done = typeof options === 'function' ? options : callback;",
          "  const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname });",
          '  process.nextTick(() => done(error));',
          '};',
          '',
        ].join('\n'),
      );
      const app = path.join(scratch, 'an app');
      mkdirSync(app, { recursive: true });
      const env = learnerEnv({ NODE_OPTIONS: `--require ${JSON.stringify(offline)}` });
      const args = ['install', 'left-pad', '--registry', 'https://registry.npmjs.org/', '--cache', path.join(scratch, 'empty-npm-cache'), '--fetch-retries', '0', '--no-audit', '--no-fund'];
      return (await run(npm, args, { cwd: app, env })).output;
    },
  };

  it('has a way to make every text, and no way to make a text that is not there', () => {
    assert.deepEqual(Object.keys(producers).sort(), ERROR_TEXTS.map((entry) => entry.id).sort());
  });

  it('the pages show only texts that are there, and the Troubleshooting page shows them all', () => {
    const docs = path.join(WEBSITE, 'docs');
    /** @type {Map<string, string[]>} page → ids it shows */
    const shown = new Map();
    const walk = (/** @type {string} */ folder) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const full = path.join(folder, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.mdx?$/.test(entry.name)) shown.set(path.relative(docs, full), [...readFileSync(full, 'utf8').matchAll(/<ErrorText\s+id="([^"]+)"/g)].map((match) => match[1] ?? ''));
      }
    };
    walk(docs);
    const ids = new Set(ERROR_TEXTS.map((entry) => entry.id));
    for (const [page, used] of shown) for (const id of used) assert.ok(ids.has(id), `${page} shows <ErrorText id="${id}" />, which lib/error-texts.mjs does not have`);
    const page = [...shown.keys()].find((name) => /troubleshooting\.mdx?$/.test(name));
    assert.ok(page, 'there is a Troubleshooting page');
    assert.deepEqual([...new Set(shown.get(page))].sort(), [...ids].sort(), 'the Troubleshooting page shows every text once');
  });

  for (const entry of ERROR_TEXTS) {
    it(`${entry.id}: ${entry.tool} prints "${entry.text.split('\n')[0]}"`, async () => {
      const produce = producers[entry.id];
      assert.ok(produce, `no way to make the text "${entry.id}"`);
      const output = await produce();
      const missing = missingOutput(output, entry.text);
      assert.equal(missing, undefined, `${entry.tool} no longer prints "${missing}"; it printed:\n${output.trimEnd().split('\n').slice(-30).join('\n')}`);
    });
  }
});

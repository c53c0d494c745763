/**
 * An error in a deployed function can be found in the code: each zip holds the bundle's source
 * map, the functions run with NODE_OPTIONS=--enable-source-maps (serverless.yml), and so the
 * stack that src/lib/http.ts logs for a 500 names the TypeScript file and line where the error
 * was thrown. Checked on a packaged zip, run in a fresh Node process as Lambda would run it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { apiEvent, CLIENT_ID, context } from '../helpers/events';
import { APP_DIR, lambdaFunctions, usePackages, type Package } from './packages';

/** The function run here, and what it is sent: a valid sign-up, so that it gets to its first setting. */
const FUNCTION = 'createUser';
const EVENT = apiEvent({ method: 'POST', resource: '/user', headers: { 'X-Client-Id': CLIENT_ID }, json: { email: 'ada@example.com', password: 'correct horse battery staple' } });

interface LoggedError {
  name: string;
  message: string;
  stack?: string;
}

/** Unzips the function's zip into a folder of its own; returns the handler file's path. */
async function unpack(pkg: Package, name: string, into: string): Promise<string> {
  const zip = await JSZip.loadAsync(readFileSync(path.join(pkg.dir, `${name}.zip`)));
  for (const entry of Object.values(zip.files).filter((file) => !file.dir)) {
    const file = path.join(into, entry.name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, await entry.async('nodebuffer'));
  }
  return path.join(into, 'src', 'functions', name, 'handler.js');
}

/**
 * Invokes the handler in a fresh Node process with only `environment` (none of the function's
 * settings, so the first one it reads is missing: an unexpected error, a 500). Returns the
 * answer and the error the function logged.
 */
function invoke(handlerFile: string, environment: Record<string, string>): { status: number; body: string; error: LoggedError } {
  const script = `require(${JSON.stringify(handlerFile)}).handler(${JSON.stringify(EVENT)}, ${JSON.stringify(context)})
    .then((result) => process.stdout.write('ANSWER ' + JSON.stringify(result) + '\\n'));`;
  const run = spawnSync(process.execPath, ['-e', script], { env: { PATH: process.env['PATH'] ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...environment }, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  // The logger writes errors to stderr, everything else to stdout.
  const lines = `${run.stdout}\n${run.stderr}`.split('\n');
  const answer = JSON.parse(lines.find((line) => line.startsWith('ANSWER '))?.slice('ANSWER '.length) ?? 'null') as { statusCode: number; body: string };
  const logged = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { message: string; error?: LoggedError });
  const error = logged.find((entry) => entry.message === 'unexpected error')?.error;
  assert.ok(error, `no "unexpected error" logged:\n${run.stdout}`);
  return { status: answer.statusCode, body: answer.body, error };
}

/** The stack's lines that point into a file: "file:line:column". */
function frames(stack = ''): string[] {
  return [...stack.matchAll(/\(?([^\s()]+):(\d+):(\d+)\)?$/gm)].map((match) => `${match[1]}:${match[2]}:${match[3]}`);
}

describe('deploy: source maps', function () {
  const packages = usePackages();
  let work: string;
  let handlerFile: string;
  before(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'session-api-source-maps-'));
    handlerFile = await unpack(packages.dev, FUNCTION, work);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('runs every function with --enable-source-maps', () => {
    for (const [name, fn] of lambdaFunctions(packages.dev.template)) {
      assert.match(fn.Properties?.['Environment'].Variables.NODE_OPTIONS ?? '', /(^|\s)--enable-source-maps(\s|$)/, name);
    }
  });

  it('logs the stack of a 500 with the TypeScript file and line that threw, and answers without it', () => {
    const nodeOptions: string = lambdaFunctions(packages.dev.template).get(FUNCTION)?.Properties?.['Environment'].Variables.NODE_OPTIONS;
    const { status, body, error } = invoke(handlerFile, { NODE_OPTIONS: nodeOptions });
    assert.equal(status, 500);
    assert.doesNotMatch(body, /setting|\.ts|at /);
    assert.match(error.message, /Invalid setting CLIENT_IDS/);

    const [thrownAt, ...callers] = frames(error.stack);
    // The first frame is the throw in src/lib/config.ts, at the very line that throws.
    const [file = '', line = '0'] = thrownAt?.split(':') ?? [];
    assert.match(file, /src\/lib\/config\.ts$/, String(error.stack));
    const source = readFileSync(path.join(APP_DIR, 'src/lib/config.ts'), 'utf8').split('\n');
    assert.match(source[Number(line) - 1] ?? '', /throw new Error\(`Invalid setting/, `config.ts line ${line}`);
    // ... called from the function's own handler.
    assert.ok(callers.some((frame) => /src\/functions\/createUser\/handler\.ts:\d+:\d+$/.test(frame)), String(error.stack));
  });

  it('would point at the minified bundle without them (what the test above tells apart)', () => {
    const { error } = invoke(handlerFile, {});
    assert.match(frames(error.stack)[0] ?? '', /src\/functions\/createUser\/handler\.js:\d+:\d+$/, String(error.stack));
  });
});

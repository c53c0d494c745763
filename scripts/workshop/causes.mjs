// @ts-check
/**
 * What verify looks at before any check runs, so that it can say the cause before the behaviour:
 *
 *   typeErrors(dir)       the app does not compile: TypeScript's errors, as "file:line: message"
 *   buildErrors(dir)      a function cannot be bundled (esbuild's error, once), or its handler is
 *                         not exported under the name serverless.yml gives
 *   serviceProblems(dir)  serverless.yml names a table its resources do not define
 *
 * and, after a check got a 5xx from the local stack, what the function itself logged
 * (functionErrors), so that the learner reads the error and its stack, not "read the terminal".
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { readServiceFunctions, readServiceResources } from '@session-api/local-stack/service-resources.mjs';
import YAML from 'yaml';

const require = createRequire(import.meta.url);

/**
 * @typedef {object} SourceError  an error with its place in the learner's files
 * @property {string} file     relative to the app, with forward slashes
 * @property {number} line
 * @property {string} message
 */

/** At most this many type errors are printed: the first ones are the ones to fix first. */
export const MAX_TYPE_ERRORS = 10;

/**
 * A package as the app resolves it (its own version), else the workshop's.
 * @param {string} dir @param {string} request
 */
function resolveFromApp(dir, request) {
  try {
    return createRequire(path.join(path.resolve(dir), 'package.json')).resolve(request);
  } catch {
    return require.resolve(request);
  }
}

/** The folder of verify's type-check info, in the temporary folder: never among the learner's files. */
const typeCheckInfoFolder = () => path.join(os.tmpdir(), 'workshop-type-check');

/** How many app folders' type-check info is kept: the learner's workspace and a few more. */
const TYPE_CHECK_INFO_KEPT = 20;

/**
 * Where verify's type check keeps what it learnt of an app folder (tsc's build info), one file
 * per folder.
 * @param {string} dir the app
 */
export function typeCheckInfo(dir) {
  return path.join(typeCheckInfoFolder(), `${createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 16)}.tsbuildinfo`);
}

/**
 * Removes all but the newest type-check info files: a folder that is gone (a test's copy, an
 * old clone) would otherwise leave its file behind for good.
 * @param {string} folder
 * @param {number} keep
 */
export function forgetOldTypeCheckInfo(folder = typeCheckInfoFolder(), keep = TYPE_CHECK_INFO_KEPT) {
  const names = existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith('.tsbuildinfo')) : [];
  if (names.length <= keep) return;
  // Another verify may remove a file between the listing and the look at it: it is gone either way.
  const files = names.map((name) => path.join(folder, name)).map((file) => ({ file, changedAt: statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0 }));
  for (const { file } of files.sort((a, b) => b.changedAt - a.changedAt).slice(keep)) rmSync(file, { force: true });
}

/**
 * TypeScript's errors in the app, as the app's own `npm run typecheck` (tsc -p .) finds them.
 * @param {string} dir the app
 * @returns {Promise<{ errors: SourceError[], output: string }>} every error (print the first MAX_TYPE_ERRORS)
 */
export async function typeErrors(dir) {
  if (!existsSync(path.join(dir, 'tsconfig.json'))) return { errors: [], output: '' };
  const tsc = resolveFromApp(dir, 'typescript/bin/tsc');
  // Incremental: what tsc learnt of this folder at the verify before (outside it, in the temporary
  // folder) spares it checking again what did not change. About half the work, from the second
  // verify on; tsc itself sees which files changed, so the errors are those of a full check.
  const buildInfo = typeCheckInfo(dir);
  const output = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsc, '-p', '.', '--noEmit', '--pretty', 'false', '--incremental', '--tsBuildInfoFile', buildInfo], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.stderr.on('data', (chunk) => (text += chunk));
    child.once('error', reject);
    child.once('close', () => resolve(text));
  });
  forgetOldTypeCheckInfo();
  return { errors: parseTypeErrors(output), output };
}

/**
 * tsc's lines ("src/a.ts(12,5): error TS2304: Cannot find name 'x'.") as errors; the lines a
 * long message continues on are left out: the first says what is wrong.
 * @param {string} output
 * @returns {SourceError[]}
 */
export function parseTypeErrors(output) {
  /** @type {SourceError[]} */
  const errors = [];
  for (const line of output.split('\n')) {
    const match = /^(.+?)\((\d+),\d+\): error TS\d+: (.*)$/.exec(line.trimEnd());
    if (match) errors.push({ file: (match[1] ?? '').split(path.sep).join('/'), line: Number(match[2]), message: match[3] ?? '' });
    else if (/^error TS\d+: /.test(line)) errors.push({ file: 'tsconfig.json', line: 1, message: line.replace(/^error TS\d+: /, '').trim() });
  }
  return errors;
}

/** "file:line: message" @param {SourceError} error */
export const sourceLine = (error) => `${error.file}:${error.line}: ${error.message}`;

/**
 * The file and export name of a function's `handler:` ("src/functions/ping/handler.handler").
 * @param {string} handler
 */
function handlerParts(handler) {
  const dot = handler.lastIndexOf('.');
  return { module: handler.slice(0, dot), name: handler.slice(dot + 1) };
}

/**
 * The source file of a handler's module, if it exists.
 * @param {string} dir @param {string} module e.g. src/functions/ping/handler
 */
function sourceOf(dir, module) {
  return ['.ts', '.mts', '.js', '.mjs', '.cjs'].map((extension) => `${module}${extension}`).find((file) => existsSync(path.join(dir, file)));
}

/**
 * Bundles every function of serverless.yml as the local stack does (esbuild), in memory, and
 * reports what stops it: each esbuild error once, with its file and line, and each handler that
 * its file does not export.
 * @param {string} dir the app
 * @returns {Promise<SourceError[]>}
 */
export async function buildErrors(dir) {
  const functions = Object.entries(readServiceFunctions(dir));
  /** @type {SourceError[]} */
  const errors = [];
  /** @type {{ name: string, module: string, entry: string, exportName: string }[]} */
  const entries = [];
  for (const [name, fn] of functions) {
    if (typeof fn?.handler !== 'string' || !fn.handler.includes('.')) {
      errors.push({ file: 'serverless.yml', line: lineOf(dir, `${name}:`), message: `the function ${name} has no handler (handler: src/functions/${name}/handler.handler)` });
      continue;
    }
    const { module, name: exportName } = handlerParts(fn.handler);
    const entry = sourceOf(dir, module);
    if (!entry) {
      errors.push({ file: 'serverless.yml', line: lineOf(dir, fn.handler), message: `the handler of ${name} is ${fn.handler}, but there is no file ${module}.ts` });
      continue;
    }
    entries.push({ name, module, entry, exportName });
  }
  if (entries.length === 0) return errors;
  /** @type {typeof import('esbuild')} */
  const esbuild = require(resolveFromApp(dir, 'esbuild'));
  /** @type {import('esbuild').Metafile | undefined} */
  let metafile;
  try {
    const result = await esbuild.build({
      absWorkingDir: path.resolve(dir),
      entryPoints: Object.fromEntries(entries.map((entry) => [entry.name, entry.entry])),
      bundle: true,
      write: false,
      outdir: 'out',
      // ES modules, so that the bundle says what each handler exports.
      format: 'esm',
      platform: 'node',
      target: 'node20',
      // The app's own files only: what a learner writes. The packages (the AWS SDK is most of a
      // bundle) are the stack's to bundle; here they would take seconds of every save.
      packages: 'external',
      metafile: true,
      logLevel: 'silent',
    });
    metafile = result.metafile;
  } catch (error) {
    const failures = /** @type {{ errors?: import('esbuild').Message[] }} */ (error).errors ?? [];
    const seen = new Set();
    for (const failure of failures) {
      const found = { file: failure.location?.file.split(path.sep).join('/') ?? '?', line: failure.location?.line ?? 0, message: failure.text };
      const key = sourceLine(found);
      if (seen.has(key)) continue;
      seen.add(key);
      errors.push(found);
    }
    if (failures.length === 0) errors.push({ file: '?', line: 0, message: error instanceof Error ? error.message : String(error) });
    return errors;
  }
  for (const entry of entries) {
    const output = Object.values(metafile?.outputs ?? {}).find((candidate) => candidate.entryPoint === entry.entry);
    if (output && !output.exports.includes(entry.exportName)) {
      const exported = output.exports.length ? output.exports.join(', ') : 'nothing';
      errors.push({ file: entry.entry, line: 1, message: `exports no "${entry.exportName}", which serverless.yml names as the handler of ${entry.name} (it exports ${exported})` });
    }
  }
  return errors;
}

/**
 * The line of serverless.yml where some text first appears (1 when it does not).
 * @param {string} dir @param {string} text
 */
function lineOf(dir, text) {
  const file = path.join(dir, 'serverless.yml');
  if (!existsSync(file)) return 1;
  const index = readFileSync(file, 'utf8').split('\n').findIndex((line) => line.includes(text));
  return index + 1 || 1;
}

/**
 * What serverless.yml itself gets wrong in a way the functions only show at run time: a table
 * setting (USERS_TABLE) that names a table its resources do not create.
 * @param {string} dir the app
 * @returns {string[]}
 */
export function serviceProblems(dir) {
  const file = path.join(dir, 'serverless.yml');
  if (!existsSync(file)) return [];
  /** @type {any} */
  const service = YAML.parse(readFileSync(file, 'utf8'), { merge: true, logLevel: 'silent', strict: false }) ?? {};
  const settings = Object.keys(service?.provider?.environment ?? {}).filter((name) => /_TABLE$/.test(name));
  const tables = Object.entries(readServiceResources(dir)).filter(([, resource]) => resource?.Type === 'AWS::DynamoDB::Table');
  return settings
    .filter((setting) => !tables.some(([, resource]) => String(resource.Properties?.['TableName'] ?? '').includes(`environment.${setting}`)))
    .map((setting) => `serverless.yml sets ${setting}, but its resources define no table named by it (TableName: \${self:provider.environment.${setting}}): the functions that use it will fail with ResourceNotFoundException`);
}

/** At most this many frames of a function's stack are shown: the learner's own code comes first. */
const MAX_FRAMES = 4;

/**
 * The frames of a stack that are the app's own code (not the tooling's, not a package's), with
 * paths relative to the app: "at handle (src/functions/ping/handler.ts:4:9)".
 * @param {string[]} frames
 * @param {string} appDir
 */
function ownFrames(frames, appDir) {
  const prefix = `${path.resolve(appDir)}${path.sep}`;
  return frames
    .map((frame) => frame.trim())
    .filter((frame) => frame.startsWith('at ') && frame.includes(prefix) && !frame.includes('node_modules'))
    .slice(0, MAX_FRAMES)
    .map((frame) => `  ${frame.split(prefix).join('')}`);
}

/**
 * What the functions logged about an error, in what the local stack printed while a request ran:
 * each error's name, message and where in the app's code it was thrown (the app's JSON log
 * lines, or the lines serverless-offline prints for an error no handler caught). The local
 * stack gives the bundles source maps, so the frames name the TypeScript files. Empty when
 * nothing was logged.
 * @param {string} logs
 * @param {string} appDir the app, whose paths the frames are shown relative to
 * @returns {string[]} one text per error
 */
export function functionErrors(logs, appDir) {
  /** @type {string[]} */
  const found = [];
  for (const line of logs.split('\n')) {
    const start = line.indexOf('{');
    if (start < 0 || !line.includes('"level":"ERROR"')) continue;
    try {
      const entry = JSON.parse(line.slice(start));
      const error = entry.error ?? {};
      const frames = typeof error.stack === 'string' ? ownFrames(error.stack.split('\n').slice(1), appDir) : [];
      found.push([`${error.name ?? 'Error'}: ${error.message ?? entry.message} (logged as "${entry.message}")`, ...frames].join('\n'));
    } catch {
      // not a JSON line after all
    }
  }
  if (found.length > 0) return found;
  // An error thrown past every try: serverless-offline prints it, with its stack.
  const lines = logs.split('\n');
  const at = lines.findIndex((line) => /\b(?:\w*Error|Exception)\b: /.test(line));
  if (at < 0) return [];
  const message = (lines[at] ?? '').replace(/^[\s×✖]+/, '').trim();
  return [[message, ...ownFrames(lines.slice(at + 1, at + 20), appDir)].join('\n')];
}

/**
 * A table the database does not have, named in an error the functions logged.
 * @param {string} text functionErrors() joined
 */
export function missingTable(text) {
  if (!/ResourceNotFoundException|non-existent table|Requested resource not found/.test(text)) return undefined;
  return /table:? ['"]?([\w.-]+)/i.exec(text)?.[1] ?? 'a table';
}

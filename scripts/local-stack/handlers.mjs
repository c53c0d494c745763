// @ts-check
/**
 * serverless-offline loads every function's handler from one folder, its `location`
 * (serverless-esbuild points it at the bundles). The local stack gives it a folder of its own
 * instead: one small module per handler, at the same relative path, that loads the bundle and
 * calls the handler with the event API Gateway would send (lambda-event.cjs says what differs).
 * The folder is written for each run, outside the repository, and removed when the stack stops.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const LAMBDA_EVENT = createRequire(import.meta.url).resolve('./lambda-event.cjs');

/**
 * The source of the module that stands in for one handler. It loads the bundle again when the
 * bundle's file has changed since (a rebuild that `workshop watch` asked for): so a function
 * instance that serverless-offline keeps stays warm through a rebuild, and only a bundle that
 * changed is read again, instead of every instance of every function being started anew.
 * @param {string} bundle the handler's module, as a path without extension
 * @param {string} exportName the handler's name in that module
 */
export function wrapperSource(bundle, exportName) {
  const name = JSON.stringify(exportName);
  return [
    '// Written by @session-api/local-stack for one run of the local stack (see lambda-event.cjs).',
    '// An error\'s stack names the TypeScript file and line, through the bundle\'s source map.',
    'process.setSourceMapsEnabled(true);',
    "const { readFileSync, statSync } = require('node:fs');",
    "const { createHash } = require('node:crypto');",
    `const { withHeadersAsSent } = require(${JSON.stringify(LAMBDA_EVENT)});`,
    `const file = require.resolve(${JSON.stringify(bundle)});`,
    '// The bundle as loaded, its file\'s time and size then, and a digest of its text.',
    'let loaded;',
    'let stamp;',
    'let digest;',
    'function current() {',
    '  const { mtimeMs, size } = statSync(file);',
    '  if (`${mtimeMs}:${size}` === stamp) return loaded;',
    "  const now = createHash('sha256').update(readFileSync(file)).digest('hex');",
    '  if (now !== digest) {',
    '    delete require.cache[file];',
    '    loaded = require(file);',
    '    // The bundle of before is no longer this module\'s child: nothing holds it, and it is freed.',
    '    module.children = module.children.filter((child) => child.id !== file || child === require.cache[file]);',
    '    digest = now;',
    '  }',
    '  stamp = `${mtimeMs}:${size}`;',
    '  return loaded;',
    '}',
    `module.exports = { ...current(), ${name}: (event, context, callback) => withHeadersAsSent(current()[${name}])(event, context, callback) };`,
    '',
  ].join('\n');
}

/**
 * Writes the stand-in modules of every function's handler.
 * @param {string} codeDir the folder the handlers are in (the bundles)
 * @param {Record<string, { handler?: string }>} functions the service's functions
 * @returns {Promise<{ dir: string, remove: () => Promise<void> }>} dir: the folder to load them from
 */
export async function writeHandlerWrappers(codeDir, functions) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'local-stack-handlers-'));
  for (const { handler } of Object.values(functions)) {
    if (!handler) continue;
    // 'src/functions/ping/handler.handler': the module, then the exported function.
    const dot = handler.lastIndexOf('.');
    const modulePath = handler.slice(0, dot);
    // .cjs: CommonJS whatever package.json is nearest, as serverless-offline loads it with require().
    const file = path.join(dir, `${modulePath}.cjs`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, wrapperSource(path.join(codeDir, modulePath), handler.slice(dot + 1)));
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

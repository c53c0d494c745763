// @ts-check
/**
 * Type-checks an app again and again, fast: what `workshop watch` does after every save. The
 * first check costs what `tsc -p .` costs (reading TypeScript's own declarations and the
 * packages'); after that, only the files that changed are read again and only what they affect is
 * checked again (TypeScript's builder program, with the previous program and its parsed files
 * kept in memory). The errors are the ones `npm run typecheck` prints.
 */
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

/**
 * @param {string} appDir the app, with its tsconfig.json
 * @returns {{ check: () => import('./causes.mjs').SourceError[] }}
 */
export function typeChecker(appDir) {
  const dir = path.resolve(appDir);
  /** @type {typeof import('typescript')} */
  const ts = createRequire(path.join(dir, 'package.json'))('typescript');
  /** The files read so far, with the time each was last changed: reread only when it changes. */
  const files = new Map();
  /** @type {import('typescript').SemanticDiagnosticsBuilderProgram | undefined} */
  let previous;

  return {
    check() {
      const configFile = path.join(dir, 'tsconfig.json');
      /** @type {import('typescript').Diagnostic[]} */
      const configErrors = [];
      const config = ts.getParsedCommandLineOfConfigFile(configFile, { noEmit: true }, {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (diagnostic) => configErrors.push(diagnostic),
      });
      if (!config) return configErrors.map((diagnostic) => sourceError(ts, dir, diagnostic));
      const host = ts.createIncrementalCompilerHost(config.options);
      const read = host.getSourceFile;
      host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
        let changed;
        try {
          changed = statSync(fileName).mtimeMs;
        } catch {
          return undefined;
        }
        const known = files.get(fileName);
        if (known && known.changed === changed && !shouldCreate) return known.source;
        const source = read(fileName, languageVersion, onError, shouldCreate);
        if (source) files.set(fileName, { changed, source });
        return source;
      };
      const program = ts.createSemanticDiagnosticsBuilderProgram(config.fileNames, config.options, host, previous, config.errors);
      previous = program;
      const diagnostics = [...program.getConfigFileParsingDiagnostics(), ...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics(), ...program.getGlobalDiagnostics(), ...program.getSemanticDiagnostics()];
      return diagnostics.filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error).map((diagnostic) => sourceError(ts, dir, diagnostic));
    },
  };
}

/**
 * @param {typeof import('typescript')} ts
 * @param {string} dir
 * @param {import('typescript').Diagnostic} diagnostic
 * @returns {import('./causes.mjs').SourceError}
 */
function sourceError(ts, dir, diagnostic) {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n').split('\n')[0] ?? '';
  if (!diagnostic.file || diagnostic.start === undefined) return { file: 'tsconfig.json', line: 1, message };
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return { file: path.relative(dir, diagnostic.file.fileName).split(path.sep).join('/'), line: line + 1, message };
}

/**
 * The same checker in a worker thread of its own, so that the type check of a save runs beside
 * the stack's rebuild and the checks instead of before them (it takes a core for a second or
 * more, and the rest waits on the stack and the network).
 * @param {string} appDir
 * @returns {{ check: () => Promise<import('./causes.mjs').SourceError[]>, stop: () => Promise<void> }}
 */
export function typeCheckerThread(appDir) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { appDir } });
  worker.unref();
  let asked = 0;
  /** @type {Map<number, { resolve: (errors: import('./causes.mjs').SourceError[]) => void, reject: (error: Error) => void }>} */
  const waiting = new Map();
  worker.on('message', (/** @type {{ id: number, errors?: import('./causes.mjs').SourceError[], error?: string }} */ answer) => {
    const entry = waiting.get(answer.id);
    waiting.delete(answer.id);
    if (answer.error !== undefined) entry?.reject(new Error(answer.error));
    else entry?.resolve(answer.errors ?? []);
  });
  worker.on('error', (error) => {
    for (const entry of waiting.values()) entry.reject(error);
    waiting.clear();
  });
  return {
    check: () =>
      new Promise((resolve, reject) => {
        asked += 1;
        waiting.set(asked, { resolve, reject });
        worker.postMessage({ id: asked });
      }),
    stop: async () => {
      await worker.terminate();
    },
  };
}

// In the worker thread: one checker, answering each request in turn.
if (!isMainThread && parentPort && workerData?.appDir) {
  const port = parentPort;
  const checker = typeChecker(workerData.appDir);
  port.on('message', (/** @type {{ id: number }} */ request) => {
    try {
      port.postMessage({ id: request.id, errors: checker.check() });
    } catch (error) {
      port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
}

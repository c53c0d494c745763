/**
 * Cold start: each function's bundle, built with esbuild the way serverless-esbuild builds it
 * (the settings are read from serverless.yml's custom.esbuild, so they cannot drift), into a
 * temporary folder. For each function:
 *
 * - its size, raw and gzipped (Lambda downloads the zip), against the floor of the function's
 *   own code: the same bundle with every package left out;
 * - the time a fresh Node process takes to load it (require), against the same handler loaded
 *   unbundled, from compiled files and node_modules, as it would run without a bundler;
 * - what its source map costs: the bundle and its map gzipped (about what the zip holds)
 *   against the bundle alone, and the load time with --enable-source-maps (as the functions
 *   run: serverless.yml NODE_OPTIONS) against the same bundle loaded without it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { parse } from 'yaml';
import { figure, median, type Figure } from './figures';

const SERVICE_DIR = path.resolve(__dirname, '../final');
const LOADS_PER_VARIANT = 7;

interface EsbuildSettings {
  minify?: boolean;
  keepNames?: boolean;
  target?: string;
  platform?: 'node';
  mainFields?: string[];
  exclude?: string[];
  sourcemap?: BuildOptions['sourcemap'];
  sourcesContent?: boolean;
}

interface ServiceFile {
  custom: { esbuild: EsbuildSettings };
  functions: Record<string, { handler: string }>;
}

function readService(): ServiceFile {
  return parse(readFileSync(path.join(SERVICE_DIR, 'serverless.yml'), 'utf8')) as ServiceFile;
}

/** The esbuild options serverless-esbuild derives from custom.esbuild (CommonJS). */
function esbuildOptions(settings: EsbuildSettings): BuildOptions {
  return {
    bundle: true,
    platform: settings.platform ?? 'node',
    target: settings.target ?? 'node22',
    format: 'cjs',
    minify: settings.minify ?? false,
    keepNames: settings.keepNames ?? false,
    sourcemap: settings.sourcemap ?? false,
    sourcesContent: settings.sourcesContent ?? true,
    external: settings.exclude ?? [],
    ...(settings.mainFields ? { mainFields: settings.mainFields } : {}),
    absWorkingDir: SERVICE_DIR,
    logLevel: 'silent',
  };
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const file = path.join(folder, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [file] : [];
  });
}

/** Milliseconds a fresh Node process takes to require `file` (process start-up not included). */
function loadTime(file: string, { nodePath = '', nodeOptions = [] as string[] } = {}): number {
  const script = `const t = process.hrtime.bigint(); require(${JSON.stringify(file)}); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
  const result = spawnSync(process.execPath, [...nodeOptions, '-e', script], {
    env: { PATH: process.env['PATH'] ?? '', NODE_PATH: nodePath, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`loading ${file} failed: ${result.stderr}`);
  return Number(result.stdout);
}

const kib = (bytes: number): number => bytes / 1024;

export async function measureColdStarts(): Promise<Figure[]> {
  const service = readService();
  const options = esbuildOptions(service.custom.esbuild);
  const work = mkdtempSync(path.join(os.tmpdir(), 'session-api-bench-'));
  try {
    // Unbundled: every source file compiled on its own; packages come from node_modules.
    const unbundled = path.join(work, 'unbundled');
    await build({ entryPoints: sourceFiles(path.join(SERVICE_DIR, 'src')), outdir: unbundled, outbase: SERVICE_DIR, bundle: false, format: 'cjs', platform: 'node', target: options.target ?? 'node22', absWorkingDir: SERVICE_DIR, logLevel: 'silent' });
    const nodePath = [path.join(SERVICE_DIR, 'node_modules'), path.resolve(SERVICE_DIR, '../node_modules')].join(path.delimiter);

    const figures: Figure[] = [];
    for (const [name, { handler }] of Object.entries(service.functions)) {
      const entry = `${handler.slice(0, handler.lastIndexOf('.'))}.ts`; // src/functions/x/handler.handler
      const bundle = path.join(work, 'bundled', name, 'handler.js');
      const ownCode = path.join(work, 'own', name, 'handler.js');
      await build({ ...options, entryPoints: [entry], outfile: bundle });
      await build({ ...options, entryPoints: [entry], outfile: ownCode, packages: 'external' });
      const [bundleBytes, ownBytes] = [readFileSync(bundle), readFileSync(ownCode)];
      const map = `${bundle}.map`;
      const mapBytes = existsSync(map) ? readFileSync(map) : undefined;

      const compiled = path.join(unbundled, entry.replace(/\.ts$/, '.js'));
      const [bundledLoads, unbundledLoads, sourceMappedLoads]: [number[], number[], number[]] = [[], [], []];
      // Alternately, so that a busy moment of the machine slows every variant down alike.
      for (let run = 0; run < LOADS_PER_VARIANT; run += 1) {
        bundledLoads.push(loadTime(bundle));
        unbundledLoads.push(loadTime(compiled, { nodePath }));
        if (mapBytes) sourceMappedLoads.push(loadTime(bundle, { nodeOptions: ['--enable-source-maps'] }));
      }
      const gzipped = gzipSync(bundleBytes).length;
      figures.push(
        figure(`bundle-${name}`, kib(bundleBytes.length), 'KiB', kib(ownBytes.length)),
        figure(`bundle-gzip-${name}`, kib(gzipped), 'KiB', kib(gzipSync(ownBytes).length)),
        figure(`load-${name}`, median(bundledLoads), 'ms', median(unbundledLoads)),
      );
      if (mapBytes) {
        figures.push(
          figure(`sourcemap-gzip-${name}`, kib(gzipped + gzipSync(mapBytes).length), 'KiB', kib(gzipped)),
          figure(`sourcemap-load-${name}`, median(sourceMappedLoads), 'ms', median(bundledLoads)),
        );
      }
    }
    return figures;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

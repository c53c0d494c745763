/**
 * Lean bundles: each function is packaged on its own, as one minified file that esbuild bundled
 * and tree-shook, beside its source map (source-maps.test.ts); no test file, no dev dependency;
 * and no zip grows past twice the size recorded in bundle-budget.json (record a deliberate
 * change with `npm run package -- --stage dev --record-budget`).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { APP_DIR, lambdaFunctions, STAGES, usePackages } from './packages';

/** The budget's rule, as bundle-budget.json states it: at most this many times the recorded size. */
const LIMIT_FACTOR = 2;
/** Development-only packages (package.json devDependencies) that must never reach a bundle. */
const DEV_ONLY = ['sinon', 'proxyquire', 'dynalite', 'fast-check', 'mocha'];

describe('deploy: lean bundles', function () {
  const packages = usePackages();
  const budget: Record<string, number> = JSON.parse(readFileSync(path.join(APP_DIR, 'bundle-budget.json'), 'utf8')).zipBytes;

  for (const stage of STAGES) {
    describe(stage, () => {
      it('packages each function in a zip of its own', () => {
        for (const [name, fn] of lambdaFunctions(packages[stage].template)) {
          assert.match(fn.Properties?.['Code'].S3Key, new RegExp(`/${name}\\.zip$`), name);
        }
      });

      it('puts only the function\'s minified bundle and its source map in its zip', async () => {
        for (const name of lambdaFunctions(packages[stage].template).keys()) {
          const zip = await JSZip.loadAsync(readFileSync(path.join(packages[stage].dir, `${name}.zip`)));
          const files = Object.values(zip.files).filter((entry) => !entry.dir).map((entry) => entry.name);
          assert.deepEqual(files, [`src/functions/${name}/handler.js`, `src/functions/${name}/handler.js.map`], name);
          const code = await zip.file(files[0] ?? '')?.async('string');
          assert.ok(code, name);
          // Minified: very long lines (only template literals keep their line breaks).
          assert.ok(code.length / code.split('\n').length > 1000, `${name} is not minified`);
          for (const devPackage of DEV_ONLY) assert.ok(!code.includes(devPackage), `${name} bundles ${devPackage}`);
        }
      });
    });
  }

  it('keeps every zip within twice its recorded size (bundle-budget.json)', () => {
    const over: string[] = [];
    for (const name of lambdaFunctions(packages.dev.template).keys()) {
      const bytes = readFileSync(path.join(packages.dev.dir, `${name}.zip`)).byteLength;
      const recorded = budget[name];
      assert.ok(recorded, `${name} has no recorded size in bundle-budget.json: record it with npm run package -- --stage dev --record-budget`);
      if (bytes > LIMIT_FACTOR * recorded) over.push(`${name}: ${bytes} bytes, more than ${LIMIT_FACTOR} x ${recorded}`);
    }
    assert.deepEqual(over, []);
  });

  it('reports each zip\'s size when packaging', () => {
    for (const name of lambdaFunctions(packages.dev.template).keys()) assert.match(packages.dev.output, new RegExp(`${name}\\s+[\\d.]+ KiB`));
  });
});

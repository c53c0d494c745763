/** The four stage files have the same settings, so that no stage lacks one the others have. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const STAGE_FILES = ['local', 'dev', 'test', 'prod'];

/** The paths of every setting in a stage file: `tables.deletionPolicy`, `clients`, ... */
function settingPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) => settingPaths(inner, prefix ? `${prefix}.${key}` : key));
}

function readStage(stage: string): Record<string, unknown> {
  return YAML.parse(readFileSync(path.resolve(__dirname, '../../config', `${stage}.yml`), 'utf8'));
}

describe('deploy: stage files', () => {
  const local = settingPaths(readStage('local')).sort();

  for (const stage of STAGE_FILES.slice(1)) {
    it(`config/${stage}.yml has exactly the settings of config/local.yml`, () => {
      assert.deepEqual(settingPaths(readStage(stage)).sort(), local);
    });
  }

  it('only production keeps its tables when the stack is removed', () => {
    for (const stage of STAGE_FILES) {
      const tables = readStage(stage)['tables'] as { deletionProtection: boolean; deletionPolicy: string };
      const production = stage === 'prod';
      assert.deepEqual(tables, { deletionProtection: production, deletionPolicy: production ? 'Retain' : 'Delete' }, stage);
    }
  });
});

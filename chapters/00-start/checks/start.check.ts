/**
 * Chapter 0's checks: the workshop is installed and the project type-checks. Run them with
 * `npm run workshop -- verify` (or `npm test` in this folder).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { check, runScript, target } from '@session-api/workshop/checks';

describe('Chapter 0: the starting point', () => {
  check(
    'npm install has set up the tools: the Serverless Framework, its plugins and TypeScript',
    {
      explained: 'Install',
      hints: [
        'Run `npm install` once, at the root of the repository, while you are online.',
        'Then `npm run workshop -- doctor` says what is still missing.',
      ],
    },
    () => {
      // Where Node looks for the app's packages: its node_modules, then each folder above.
      const folders = createRequire(path.join(target(), 'package.json')).resolve.paths('') ?? [];
      const installed = (name: string) => folders.some((folder) => existsSync(path.join(folder, name, 'package.json')));
      const missing = ['serverless', 'serverless-offline', 'serverless-esbuild', 'typescript', '@session-api/local-stack'].filter((name) => !installed(name));
      if (missing.length > 0) throw new Error(`not installed: ${missing.join(', ')}. Run npm install at the root of the repository.`);
    },
  );

  check(
    'the project type-checks (npm run typecheck)',
    {
      explained: 'The app folder',
      hints: ['Run `npm run typecheck` in your workspace and read the first error.', 'TypeScript names the file and line: fix that line first, the rest often follows.'],
      timeoutMs: 120_000,
    },
    () => {
      const run = runScript('typecheck');
      if (run.status !== 0) throw new Error(`npm run typecheck failed:\n${run.output.trim().split('\n').slice(-12).join('\n')}`);
    },
  );
});

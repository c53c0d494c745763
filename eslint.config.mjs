// @ts-check
/**
 * ESLint with typescript-eslint for the whole repository. (The 2016 original used JSHint,
 * which cannot read TypeScript.) Type-aware rules catch what matters most in async Lambda
 * code: promises nobody awaits.
 */
import path from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/node_modules/', '**/.serverless/', '**/.esbuild/', '**/reports/', '**/coverage/', '**/.nyc_output/', 'scripts/gocd/fixtures/', 'website/build/', 'website/.docusaurus/', '.workshop/'],
  },
  {
    // The learner's copy of the app is not the repository's code: `npm run lint` at the root
    // leaves it alone, while `npm run lint` in workspace/ (chapter 7, and a pipeline's lint stage)
    // lints it with these same rules.
    ignores: path.resolve(process.cwd()) === path.resolve(import.meta.dirname) ? ['workspace/'] : [],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/require-await': 'off', // handlers are async by contract even when they await nothing
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      eqeqeq: 'error',
      'no-console': 'error', // functions log through the structured logger
    },
  },
  {
    // The chapters are ten copies of one growing app: one TypeScript program for all of them
    // (chapters/tsconfig.json) instead of one per chapter makes linting them several times faster.
    files: ['chapters/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: false, project: ['./chapters/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts', 'chapters/*/checks/**/*.ts'],
    rules: {
      // sinon and proxyquire hand back loosely typed values; tests assert on them instead.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
  {
    // The app reads its settings in one place, validated: setting() in final/src/lib/config.ts.
    // (Tests set them, so they may write process.env.)
    files: ['final/src/**/*.ts'],
    ignores: ['final/src/lib/config.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Declare the setting with setting(NAME, schema) from src/lib/config.ts, which validates it.' }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', fetch: 'readonly', performance: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // CommonJS on purpose: loaded with require() by mocha's --require and serverless-offline.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The workshop's checks are mocha tests too (scripts/workshop/checks.mjs declares them).
    files: ['scripts/**/*.test.mjs', 'scripts/workshop/checks.mjs'],
    languageOptions: { globals: { describe: 'readonly', it: 'readonly', before: 'readonly', after: 'readonly', beforeEach: 'readonly', afterEach: 'readonly' } },
  },
);

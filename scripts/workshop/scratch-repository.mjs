// @ts-check
/**
 * For the learner's CLI tests: a scratch copy of the repository (a shared git clone of its last
 * commit, in a folder whose path holds spaces, with this checkout's node_modules linked in), and
 * the `npm run workshop -- <command>` a learner types there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout these tests run in: the scratch copies are clones of it. */
const THIS_CHECKOUT = fileURLToPath(new URL('../..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * @typedef {object} Run
 * @property {number | null} status
 * @property {string} stdout
 * @property {string} stderr
 */

/**
 * The environment of a learner's terminal: no colours, and nothing of the npm script that runs
 * the tests (INIT_CWD and friends would point npm at this checkout). `extra` comes last, so a
 * test can still set npm's own settings (npm_config_registry, for one).
 * @param {NodeJS.ProcessEnv} [extra]
 */
export function learnerEnv(extra = {}) {
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
  for (const name of Object.keys(env)) if (name === 'INIT_CWD' || name.startsWith('npm_')) delete env[name];
  return { ...env, ...extra };
}

/**
 * A scratch clone of the repository's last commit.
 * @param {string} label part of the folder's name
 */
export function scratchRepository(label) {
  const parent = mkdtempSync(path.join(os.tmpdir(), `workshop ${label} `));
  const root = path.join(parent, 'session api');
  execFileSync('git', ['clone', '--quiet', '--shared', THIS_CHECKOUT, root]);
  symlinkSync(path.join(THIS_CHECKOUT, 'node_modules'), path.join(root, 'node_modules'), 'junction');
  return {
    root,
    workspace: path.join(root, 'workspace'),
    state: path.join(root, '.workshop'),
    /**
     * `npm run workshop -- ARGS` in the repository (or in `cwd`), as a learner types it.
     * @param {string[]} args @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [options]
     * @returns {Run}
     */
    workshop(args, { cwd = root, env = {} } = {}) {
      const result = spawnSync(npm, ['run', '--silent', 'workshop', '--', ...args], { cwd, env: learnerEnv(env), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    /**
     * The same command without npm around it (faster: for the many short runs of the tests of bad input).
     * @param {string[]} args @param {{ env?: NodeJS.ProcessEnv }} [options]
     * @returns {Run}
     */
    cli(args, { env = {} } = {}) {
      const bin = path.join(root, 'node_modules', '@session-api', 'workshop', 'bin', 'workshop.mjs');
      const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, env: learnerEnv(env), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    remove: () => rmSync(parent, { recursive: true, force: true }),
  };
}

/**
 * Every file under a folder (node_modules included, if any) with its bytes: two snapshots are
 * equal when nothing was added, removed or changed.
 * @param {string} dir
 * @returns {Map<string, string>} relative path -> content as base64
 */
export function snapshot(dir) {
  /** @type {Map<string, string>} */
  const files = new Map();
  if (!existsSync(dir)) return files;
  /** @param {string} relative */
  const walk = (relative) => {
    for (const name of readdirSync(path.join(dir, relative)).sort()) {
      const child = path.join(relative, name);
      if (statSync(path.join(dir, child)).isDirectory()) walk(child);
      else files.set(child.split(path.sep).join('/'), readFileSync(path.join(dir, child)).toString('base64'));
    }
  };
  walk('');
  return files;
}

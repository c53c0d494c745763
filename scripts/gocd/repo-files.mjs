// @ts-check
/**
 * The files of the repository as a GoCD server sees them (what git tracks), and GoCD's path
 * patterns (Ant rules), which material filters and the config file pattern use.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** The server's default pattern: the files a GoCD server loads from a config repository. */
const GOCD_FILE_PATTERNS = ['**/*.gocd.yaml', '**/*.gocd.yml'];
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

/**
 * Lists the files a GoCD server would load from the repository at `repoRoot`, with its default
 * pattern `**\/*.gocd.yaml,**\/*.gocd.yml`. Paths are relative to `repoRoot`.
 *
 * @param {string} repoRoot
 * @returns {string[]}
 */
export function findConfigFiles(repoRoot) {
  return listRepoFiles(repoRoot).filter((file) => GOCD_FILE_PATTERNS.some((pattern) => matchesGlob(file, pattern)));
}

/**
 * Does a repository path match a GoCD path pattern? GoCD matches material filters with Ant rules:
 * `**` as a whole path segment spans any number of directories (also none), `*` stays inside one
 * segment, `?` is one character, a leading `/` is ignored and a trailing `/` means "everything
 * below". (Node's own `path.matchesGlob` is still experimental in Node 20 and prints a warning.)
 *
 * @param {string} filePath  a path with `/` separators, relative to the repository root
 * @param {string} pattern
 * @returns {boolean}
 */
export function matchesGlob(filePath, pattern) {
  return globToRegExp(pattern).test(filePath);
}

/**
 * The files of the repository, relative to `repoRoot`, with `/` separators. When `repoRoot` is
 * the top of a git work tree, that is what git tracks (`git ls-files`): GoCD sees commits, not
 * untracked or ignored files. Otherwise (e.g. a test fixture), every file below `repoRoot`.
 * node_modules and .git are skipped either way.
 * @param {string} repoRoot
 * @returns {string[]}
 */
export function listRepoFiles(repoRoot) {
  const files = isGitTopLevel(repoRoot) ? gitTrackedFiles(repoRoot) : walkFiles(repoRoot, '');
  return files.filter((file) => !file.split('/').some((segment) => SKIPPED_DIRECTORIES.has(segment)));
}

/**
 * The files below `folder` as they are on disk, relative to `repoRoot`, without node_modules
 * and .git: an app that git does not track (a learner's copy in the ignored workspace/).
 * @param {string} repoRoot
 * @param {string} folder  relative to repoRoot
 * @returns {string[]}
 */
export function listFilesOnDisk(repoRoot, folder) {
  return existsSync(path.join(repoRoot, folder)) ? walkFiles(repoRoot, folder.split(path.sep).join('/')) : [];
}

/**
 * @param {string} directory
 * @returns {boolean}
 */
function isGitTopLevel(directory) {
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: directory, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return realpathSync(top.trim()) === realpathSync(directory);
  } catch {
    return false; // not a git repository, or git is not installed
  }
}

/**
 * @param {string} repoRoot
 * @returns {string[]}
 */
function gitTrackedFiles(repoRoot) {
  const output = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return output.split('\0').filter((file) => file !== '');
}

/**
 * @param {string} root
 * @param {string} relative  the folder being walked, relative to root ('' for root itself)
 * @returns {string[]}
 */
function walkFiles(root, relative) {
  return readdirSync(path.join(root, relative), { withFileTypes: true }).flatMap((dirent) => {
    const child = relative ? `${relative}/${dirent.name}` : dirent.name;
    if (dirent.isDirectory()) return SKIPPED_DIRECTORIES.has(dirent.name) ? [] : walkFiles(root, child);
    return dirent.isFile() ? [child] : [];
  });
}

/**
 * @param {string} pattern  an Ant-style pattern, see `matchesGlob`
 * @returns {RegExp}
 */
function globToRegExp(pattern) {
  let normalized = pattern.trim().replace(/\\/g, '/').replace(/^\/+/, '').replace(/^(\.\/)+/, '');
  if (normalized.endsWith('/')) normalized += '**';
  const segments = normalized.split('/');
  const parts = segments.map((segment, index) => {
    const isLast = index === segments.length - 1;
    if (segment === '**') return isLast ? '.*' : '(?:[^/]*/)*';
    const body = segment.split('').map((ch) => {
      if (ch === '*') return '[^/]*';
      if (ch === '?') return '[^/]';
      return ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }).join('');
    return isLast ? body : `${body}/`;
  });
  return new RegExp(`^${parts.join('')}$`);
}

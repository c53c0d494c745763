// @ts-check
/**
 * `workshop pack-offline`: for instructors. Writes a kit that a room installs from a USB stick
 * with no network at all:
 *
 *   <kit>/README.md                 the commands to install from it (also printed at the end)
 *   <kit>/kit.json                  what it holds: commit, date, versions, number of packages
 *   <kit>/session-api-workshop/     the repository (the files git tracks, as they are on disk)
 *   <kit>/npm-cache/                an npm cache holding every package of the lockfile
 *
 *   pack-offline [--out DIR]        every package of the lockfile, for every platform (the
 *                                   packages this machine's npm cache lacks, such as another
 *                                   platform's esbuild, are fetched from the registry once)
 *   pack-offline --this-platform    only the packages installed here: no registry needed, for a
 *                                   room on the same operating system and processor
 *
 * The kit's lockfile gets each package's download URL written in (npm leaves them out when
 * omit-lockfile-registry-resolved is set), so that npm ci takes every tarball from the kit's
 * cache by its integrity hash and never asks the registry (see npm-cache.mjs).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError, colours, command } from '../ui.mjs';
import { copyFiles } from '../workspace.mjs';
import { contentPath, copyTarball, lockedPackages, withResolvedUrls } from '../npm-cache.mjs';

const REPOSITORY = 'session-api-workshop';
const CACHE = 'npm-cache';

/**
 * Runs npm and returns what it printed.
 * @param {string[]} args @param {string} [cwd]
 */
function npm(args, cwd) {
  const result = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd, encoding: 'utf8', shell: process.platform === 'win32', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status ?? 1, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

/**
 * The repository's files, as git lists them: tracked, plus new files not ignored.
 * @param {string} root
 */
function repositoryFiles(root) {
  if (!existsSync(path.join(root, '.git'))) throw new UsageError(`pack-offline copies the files git lists, and ${root} is not a git clone. Run it in the clone you teach from: ${command('pack-offline')}`);
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  // Files only: a node_modules that is a link (not ignored by "node_modules/") is not part of it.
  return [...new Set(listed.split('\0').filter(Boolean))].filter((file) => existsSync(path.join(root, file)) && statSync(path.join(root, file)).isFile()).sort();
}

/**
 * The README of the kit: how to install from it, with no network.
 * @param {{ made: string, commit: string, packages: number, platform: string | null }} kit
 */
export function kitReadme(kit) {
  return `# Session API workshop: offline kit

Made ${kit.made} from commit ${kit.commit}. It holds the repository and an npm cache with the
${kit.packages} packages its lockfile needs${kit.platform ? ` on ${kit.platform}` : ' on every platform'}, so it installs with no network at all.

## Install it (no network needed)

1. Install Node.js 22 or 24 (20.19 or later works too).
2. Copy this whole folder from the USB stick to your laptop.
3. Open a terminal in the copied folder and type:

\`\`\`sh
cd ${REPOSITORY}
npm ci --offline --cache ../${CACHE} --no-audit --no-fund
npm run workshop -- doctor
npm run workshop -- goto 1
\`\`\`

\`npm ci\` may print "husky - .git can't be found": that is fine (the kit is not a git clone, so
there is no commit hook to install). Then follow the workshop as the README of
${REPOSITORY}/ says, in "Following the workshop".
`;
}

/**
 * @param {import('../context.mjs').Context} context
 * @param {{ out: string | undefined, thisPlatform: boolean }} options
 * @returns {Promise<number>}
 */
export async function packOffline(context, { out, thisPlatform }) {
  const { root } = context;
  const kitDir = path.resolve(context.invokedFrom, out ?? path.join(root, '.workshop', 'offline-kit'));
  if (existsSync(kitDir) && readdirSync(kitDir).length > 0) {
    throw new UsageError(`${kitDir} is not empty, and a kit is written into an empty folder: name another one, for example: ${command('pack-offline --out ../workshop-kit')}`);
  }
  const files = repositoryFiles(root);
  const sourceCache = npm(['config', 'get', 'cache']).output;
  const registry = npm(['config', 'get', 'registry']).output || 'https://registry.npmjs.org/';
  const lockfile = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  const wanted = lockedPackages(lockfile).filter((locked) => !thisPlatform || existsSync(path.join(root, locked.where, 'package.json')));

  context.print(`Writing the kit to ${kitDir}`);
  const repositoryDir = path.join(kitDir, REPOSITORY);
  const cacheDir = path.join(kitDir, CACHE);
  copyFiles(root, repositoryDir, files);
  writeFileSync(path.join(repositoryDir, 'package-lock.json'), `${JSON.stringify(withResolvedUrls(lockfile, registry), null, 2)}\n`);
  context.print(`  the repository: ${files.length} files`);

  const missing = wanted.filter((locked) => !copyTarball(locked, sourceCache, cacheDir));
  if (missing.length > 0) {
    context.print(`  fetching ${missing.length} packages this machine's npm cache does not have (${missing.slice(0, 3).map((locked) => locked.name).join(', ')}${missing.length > 3 ? ', ...' : ''})`);
    const specs = [...new Set(missing.map((locked) => `${locked.name}@${locked.version}`))];
    for (let start = 0; start < specs.length; start += 100) npm(['cache', 'add', ...specs.slice(start, start + 100), '--cache', cacheDir], kitDir);
  }
  const absent = wanted.filter((locked) => !existsSync(path.join(cacheDir, contentPath(locked.integrity))));
  if (absent.length > 0) {
    context.print(colours.red(`The kit is incomplete: ${absent.length} packages could not be fetched (${absent.slice(0, 3).map((locked) => `${locked.name}@${locked.version}`).join(', ')}${absent.length > 3 ? ', ...' : ''}).`));
    context.print(`Connect to the registry and run it again, or make a kit of the packages installed here: ${command('pack-offline --this-platform --out OTHER_FOLDER')}`);
    return 1;
  }
  context.print(`  the npm cache: ${wanted.length} packages${thisPlatform ? ` (those of ${process.platform}-${process.arch})` : ''}`);

  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  const kit = { made: new Date().toISOString().slice(0, 10), commit, packages: wanted.length, platform: thisPlatform ? `${process.platform}-${process.arch}` : null };
  const readme = kitReadme(kit);
  writeFileSync(path.join(kitDir, 'README.md'), readme);
  writeFileSync(path.join(kitDir, 'kit.json'), `${JSON.stringify({ ...kit, node: process.version, npm: npm(['--version']).output, registry, repository: REPOSITORY, cache: CACHE }, null, 2)}\n`);
  context.print(colours.green(`\nThe kit is ready. Copy ${kitDir} to the USB stick. Its README says:\n`));
  context.print(readme.slice(readme.indexOf('## Install it')));
  return 0;
}

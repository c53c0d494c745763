// @ts-check
/**
 * `workshop doctor`: checks what the workshop needs on this laptop and prints each problem with
 * its fix: Node.js (the version package.json's engines asks for; 22 or 24 recommended), npm, git
 * and curl, the dependencies of the lockfile installed, esbuild's binary for this platform (a kit
 * made on another platform lacks it), the local stack really starting and answering, port 3000
 * (or PORT) free, disk space, and write access where the workspace and the progress live. Exit
 * code 1 when there is a problem (advice alone is not one).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { startLocalStack } from '@session-api/local-stack/start.mjs';
import { solutionVersion } from '../steps.mjs';
import { scratchApp } from '../workspace.mjs';
import { readProgress } from '../progress.mjs';
import { colours, command } from '../ui.mjs';
import { HOST, portIsFree, portToSuggest } from '@session-api/local-stack/ports.mjs';
import { portNamed } from './serve.mjs';

/**
 * @typedef {object} Finding
 * @property {'ok' | 'advice' | 'problem'} level
 * @property {string} text
 * @property {string} [fix]
 */

const RECOMMENDED_NODE = [22, 24];
const MIN_FREE_BYTES = 1024 ** 3;

/** @param {string} version e.g. "20.19.0" or "v22.1.0" @returns {number[]} */
function numbers(version) {
  return version.replace(/^v/, '').split('.').map((part) => Number.parseInt(part, 10) || 0);
}

/** @param {number[]} a @param {number[]} b */
function atLeast(a, b) {
  for (let index = 0; index < 3; index++) {
    if ((a[index] ?? 0) !== (b[index] ?? 0)) return (a[index] ?? 0) > (b[index] ?? 0);
  }
  return true;
}

/**
 * @param {string} version the running Node.js, e.g. process.version
 * @param {string} engines package.json's engines.node, e.g. ">=20.19.0"
 * @returns {Finding}
 */
export function nodeFinding(version, engines) {
  const minimum = /(\d+\.\d+\.\d+)/.exec(engines)?.[1] ?? '0.0.0';
  const [major = 0] = numbers(version);
  const install = `install Node.js ${RECOMMENDED_NODE.join(' or ')} from https://nodejs.org (or with nvm: nvm install ${RECOMMENDED_NODE[0]})`;
  if (!atLeast(numbers(version), numbers(minimum))) return { level: 'problem', text: `Node.js ${version} is too old: the workshop needs ${minimum} or later`, fix: install };
  if (!RECOMMENDED_NODE.includes(major)) {
    const why = major === 20 ? 'Node 20 left support in April 2026' : `Node ${major} is not a long-term support release`;
    return { level: 'advice', text: `Node.js ${version} works, but ${why}`, fix: install };
  }
  return { level: 'ok', text: `Node.js ${version}` };
}

/** @returns {Finding} */
export function npmFinding() {
  const npm = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' });
  if (npm.status !== 0 || !npm.stdout) return { level: 'problem', text: 'npm is not found', fix: 'npm comes with Node.js: install Node.js 22 or 24 from https://nodejs.org' };
  return { level: 'ok', text: `npm ${npm.stdout.trim()}` };
}

/**
 * A command-line tool the pages use, found and answering `--version`.
 * @param {string} name e.g. "git"
 * @param {string} why what the workshop uses it for
 * @returns {Finding}
 */
export function toolFinding(name, why) {
  const run = spawnSync(name, ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' });
  if (run.status !== 0 || !run.stdout) return { level: 'problem', text: `${name} is not found (${why})`, fix: `install ${name} (https://${name === 'git' ? 'git-scm.com' : 'curl.se'}), then open a new terminal` };
  // "curl 7.88.1 (x86_64-pc-linux-gnu) libcurl/…": the name and version are enough.
  return { level: 'ok', text: (run.stdout.split('\n')[0] ?? name).split(' (')[0]?.trim() ?? name };
}

/**
 * Whether esbuild runs here: its JavaScript is the same everywhere, but it calls a binary of its
 * own for this platform (@esbuild/linux-x64, …), which an npm install made on another platform,
 * or one that skipped optional packages, does not have.
 * @param {string} root
 * @returns {Finding}
 */
export function esbuildFinding(root) {
  const platform = `${process.platform}-${process.arch}`;
  try {
    /** @type {typeof import('esbuild')} */
    const esbuild = createRequire(path.join(root, 'package.json'))('esbuild');
    esbuild.transformSync('const ok: boolean = true;', { loader: 'ts' });
    return { level: 'ok', text: `esbuild ${esbuild.version} runs on this platform (${platform})` };
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    return { level: 'problem', text: `esbuild cannot run on this platform (${platform}): ${reason}`, fix: `run npm install on this laptop (an offline kit must be made for ${platform}: ${command('pack-offline')} on such a machine)` };
  }
}

/**
 * Starts the local stack for a moment, with chapter 1's solution in a temporary folder, and
 * calls it: the proof that `serve` will work (bundling, serverless-offline, the embedded database).
 * @param {import('../context.mjs').Context} context
 * @returns {Promise<Finding>}
 */
export async function stackFinding(context) {
  const chapter = context.chapters.find((candidate) => candidate.steps.length > 0);
  if (!chapter) return { level: 'advice', text: 'no chapter to try the local stack with' };
  const app = scratchApp(solutionVersion(chapter), chapter.dir);
  const fix = `run npm install at the root of the repository; if it still fails, ${command('serve')} prints the whole error`;
  try {
    const stack = await startLocalStack({ serviceDir: app });
    try {
      const answer = await fetch(`${stack.baseUrl}/ping`);
      if (answer.status !== 200) return { level: 'problem', text: `the local stack started, but GET /ping answered ${answer.status}`, fix };
      return { level: 'ok', text: 'the local stack starts and answers (GET /ping: 200)' };
    } finally {
      await stack.stop();
    }
  } catch (error) {
    const lines = (error instanceof Error ? error.message : String(error)).split('\n').map((line) => line.trim()).filter(Boolean);
    const reason = lines.find((line) => /error|cannot|could not|not found/i.test(line)) ?? lines[0] ?? 'it did not start';
    return { level: 'problem', text: `the local stack does not start: ${reason}`, fix };
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
}

/**
 * Whether every package of the lockfile is installed, in the version it locks. Optional ones
 * (another platform's binaries) are not expected.
 * @param {string} root
 * @returns {Finding}
 */
export function dependenciesFinding(root) {
  const fix = `run npm install at the root of the repository (offline: the commands of the instructor's kit, see ${command('pack-offline')})`;
  const lockfile = path.join(root, 'package-lock.json');
  if (!existsSync(lockfile)) return { level: 'problem', text: 'there is no package-lock.json at the root of the repository', fix: 'get the repository again (git clone, or the instructor\'s kit)' };
  /** @type {Record<string, { version?: string, optional?: boolean, link?: boolean }>} */
  const packages = JSON.parse(readFileSync(lockfile, 'utf8')).packages ?? {};
  /** @type {string[]} */
  const missing = [];
  let installed = 0;
  for (const [where, entry] of Object.entries(packages)) {
    if (!where.includes('node_modules/') || entry.optional || entry.link) continue;
    const manifest = path.join(root, where, 'package.json');
    const version = existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : undefined;
    if (version === entry.version) installed++;
    else missing.push(`${where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length)}${version ? ` (${version} instead of ${entry.version})` : ''}`);
  }
  if (missing.length > 0) {
    return { level: 'problem', text: `${missing.length} package${missing.length === 1 ? ' is' : 's are'} not installed as the lockfile says (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''})`, fix };
  }
  return { level: 'ok', text: `dependencies: the ${installed} packages of the lockfile are installed` };
}

/**
 * @param {number} port
 * @returns {Promise<Finding>}
 */
export async function portFinding(port) {
  if (await portIsFree(port, HOST)) return { level: 'ok', text: `port ${port} is free for the local stack` };
  return { level: 'problem', text: `port ${port} is taken by another program (another npm start, or serve in another terminal?)`, fix: `stop that program, or serve on another port: ${command(`serve --port ${await portToSuggest(port, HOST)}`)}` };
}

/**
 * @param {number} freeBytes
 * @returns {Finding}
 */
export function diskFinding(freeBytes) {
  const gigabytes = (freeBytes / 1024 ** 3).toFixed(1);
  if (freeBytes < MIN_FREE_BYTES) return { level: 'problem', text: `only ${gigabytes} GB of disk is free`, fix: 'free at least 1 GB: npm install, the build output and the saved copies of your workspace need room' };
  return { level: 'ok', text: `disk: ${gigabytes} GB free` };
}

/**
 * Whether the workshop can write where it keeps the workspace and the progress.
 * @param {import('../workspace.mjs').Place} place
 * @returns {Finding}
 */
export function writeFinding(place) {
  for (const dir of [place.stateDir, ...(existsSync(place.workspace) ? [place.workspace] : [])]) {
    const probe = path.join(dir, `.doctor-${process.pid}.tmp`);
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(probe, 'probe');
      rmSync(probe);
    } catch (error) {
      const code = /** @type {NodeJS.ErrnoException} */ (error).code ?? String(error);
      return { level: 'problem', text: `cannot write in ${dir} (${code})`, fix: `make it writable, or move the repository into a folder of yours (the workshop writes workspace/ and .workshop/ there)` };
    }
  }
  return { level: 'ok', text: `write access: ${path.relative(place.root, place.stateDir)}/${existsSync(place.workspace) ? ' and workspace/' : ''}` };
}

/**
 * The learner's own state: a workspace that is an app, a progress file that can be read.
 * @param {import('../workspace.mjs').Place} place
 * @returns {Finding}
 */
export function workshopFinding(place) {
  let progress;
  try {
    progress = readProgress(place);
  } catch (error) {
    // Its message says what is wrong and what to type.
    return { level: 'problem', text: error instanceof Error ? error.message : String(error) };
  }
  if (existsSync(place.workspace) && !existsSync(path.join(place.workspace, 'package.json'))) {
    return { level: 'problem', text: 'workspace/ has no package.json, so it is not an app', fix: `${command('goto N')} with your chapter's number sets it up again (your files are saved first)` };
  }
  if (!progress) return { level: 'ok', text: `not started yet: ${command('goto 1')} begins` };
  return { level: 'ok', text: `your workspace: chapter ${progress.chapter}` };
}

/**
 * @param {import('../context.mjs').Context} context
 * @param {{ port: string | undefined }} options
 * @returns {Promise<number>}
 */
export async function doctor(context, options) {
  const port = portNamed(options.port);
  const engines = JSON.parse(readFileSync(path.join(context.root, 'package.json'), 'utf8')).engines?.node ?? '>=20.19.0';
  const { bavail, bsize } = statfsSync(context.root);
  const findings = [
    nodeFinding(process.version, engines),
    npmFinding(),
    toolFinding('git', 'the workshop is a git repository'),
    toolFinding('curl', 'the chapters call the API with it'),
    dependenciesFinding(context.root),
    esbuildFinding(context.root),
    await stackFinding(context),
    await portFinding(port),
    diskFinding(bavail * bsize),
    writeFinding(context.place),
    workshopFinding(context.place),
  ];
  for (const finding of findings) {
    const mark = finding.level === 'ok' ? colours.green('✔') : finding.level === 'advice' ? colours.yellow('!') : colours.red('✖');
    context.print(`${mark} ${finding.text}`);
    if (finding.fix) context.print(`  Fix: ${finding.fix}`);
  }
  const problems = findings.filter((finding) => finding.level === 'problem').length;
  context.print(problems === 0 ? colours.green('\nEverything the workshop needs is here.') : colours.red(`\n${problems} problem${problems === 1 ? '' : 's'} to fix (see "Fix:" above).`));
  return problems === 0 ? 0 : 1;
}

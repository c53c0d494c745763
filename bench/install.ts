/**
 * What the website costs the install every attendee runs: `npm install` of the whole repository
 * in a fresh clone, with the site and without it (the same clone with `website` taken out of the
 * root's workspaces), and the size of node_modules each leaves.
 *
 * - `install-time`: seconds for `npm install` of a fresh clone. Floor: the same install without
 *   the website's workspace; the ratio is what the site adds.
 * - `install-time-budget`: the same seconds against the 3 minutes a fresh install may take on
 *   this machine (the website's issue sets it), so the target ratio ≤ 1 means "within budget".
 * - `node-modules-size`: MiB of every node_modules folder the install wrote. Floor: the same
 *   without the website.
 *
 * Both installs read packages from npm's cache when it has them (--prefer-offline), as a second
 * install on a laptop does: the figures are npm's work and the disk's, not the network's.
 * The clone without the site goes first, so neither finds a cache the other filled.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { figure, type Figure } from './figures';

const ROOT = path.resolve(__dirname, '..');
const BUDGET_S = 180;
const MiB = 1024 * 1024;

/** Runs a command to its end; throws with its output when it fails. */
function run(what: string, command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, shell: process.platform === 'win32' });
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
}

/** Bytes of every file under a folder, links not followed (a workspace's link is not its size). */
function folderBytes(folder: string): number {
  let bytes = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const entryPath = path.join(folder, entry.name);
    if (entry.isDirectory()) bytes += folderBytes(entryPath);
    else if (entry.isFile()) bytes += lstatSync(entryPath).size;
  }
  return bytes;
}

/** The seconds `npm install` takes in a fresh clone, and the MiB of node_modules it leaves. */
function measureInstall(withSite: boolean, workspaceFolders: (root: string) => string[]): { seconds: number; mebibytes: number } {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'bench install '));
  try {
    const root = path.join(parent, 'session api');
    run('git clone', 'git', ['clone', '--quiet', '--shared', ROOT, root], parent);
    if (!withSite) {
      const manifestPath = path.join(root, 'package.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { workspaces: string[] };
      manifest.workspaces = manifest.workspaces.filter((workspace) => workspace !== 'website');
      writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    }
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const started = performance.now();
    run(`npm install (${withSite ? 'with' : 'without'} the website)`, npm, ['install', '--prefer-offline', '--no-audit', '--no-fund'], root);
    const seconds = (performance.now() - started) / 1000;
    const folders = [root, ...workspaceFolders(root)].map((folder) => path.join(folder, 'node_modules')).filter((folder) => existsSync(folder));
    const mebibytes = folders.reduce((sum, folder) => sum + folderBytes(folder), 0) / MiB;
    return { seconds, mebibytes };
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

export async function measureInstalls(): Promise<Figure[]> {
  // How npm reads the root's workspaces (`chapters/*` expanded): the pipeline tools' reader.
  const { workspaceFolders } = await import('@session-api/gocd/npm-commands.mjs');
  const without = measureInstall(false, workspaceFolders);
  const withSite = measureInstall(true, workspaceFolders);
  return [
    figure('install-time', withSite.seconds, 's', without.seconds),
    figure('install-time-budget', withSite.seconds, 's', BUDGET_S, 1),
    figure('node-modules-size', withSite.mebibytes, 'MiB', without.mebibytes),
  ];
}

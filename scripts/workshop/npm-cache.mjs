// @ts-check
/**
 * What the offline kit needs to know about npm: the packages a lockfile locks, and where npm's
 * cache keeps a package's tarball.
 *
 * npm keeps every tarball it downloads in its cache (cacache), in a file named after the
 * tarball's integrity hash: <cache>/_cacache/content-v2/sha512/<2 hex>/<2 hex>/<the rest>. When
 * the lockfile gives a package's `resolved` URL and `integrity`, `npm ci` takes the tarball from
 * there without asking the registry anything (pacote reads the cache by digest first), which is
 * what makes `npm ci --offline --cache <kit>/npm-cache` work with no network.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * @typedef {object} LockedPackage
 * @property {string} where        its place in the tree, e.g. "node_modules/@aws-sdk/client-ssm"
 * @property {string} name         its name on the registry (an alias's real name)
 * @property {string} version
 * @property {string} integrity    e.g. "sha512-..."
 * @property {boolean} optional    optional: another platform's binary, for example
 */

/**
 * The packages of a lockfile (v2 or v3) that come from a registry: every entry under
 * node_modules/ with an integrity (workspaces and links have none).
 * @param {any} lockfile the parsed package-lock.json
 * @returns {LockedPackage[]}
 */
export function lockedPackages(lockfile) {
  /** @type {LockedPackage[]} */
  const packages = [];
  for (const [where, entry] of Object.entries(lockfile.packages ?? {})) {
    if (!where.includes('node_modules/') || entry.link || typeof entry.integrity !== 'string') continue;
    const name = entry.name ?? where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length);
    packages.push({ where, name, version: entry.version, integrity: entry.integrity, optional: Boolean(entry.optional) });
  }
  return packages;
}

/**
 * Where the cache keeps the tarball with this integrity, relative to the cache folder.
 * @param {string} integrity "sha512-<base64>" (the first hash, when there are several)
 */
export function contentPath(integrity) {
  const [algorithm = '', base64 = ''] = integrity.trim().split(/\s+/)[0]?.split(/-(.*)/s) ?? [];
  const hex = Buffer.from(base64, 'base64').toString('hex');
  return path.join('_cacache', 'content-v2', algorithm, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
}

/**
 * Whether the file holds exactly the bytes the integrity names.
 * @param {string} file @param {string} integrity
 */
export function matchesIntegrity(file, integrity) {
  const [algorithm = '', expected] = integrity.trim().split(/\s+/)[0]?.split(/-(.*)/s) ?? [];
  return createHash(algorithm).update(readFileSync(file)).digest('base64') === expected;
}

/**
 * Copies a package's tarball from one npm cache to another, checking its integrity on the way.
 * @param {LockedPackage} locked @param {string} fromCache @param {string} toCache
 * @returns {boolean} false when the source cache does not have it (or has it damaged)
 */
export function copyTarball(locked, fromCache, toCache) {
  const relative = contentPath(locked.integrity);
  const source = path.join(fromCache, relative);
  if (!existsSync(source) || !matchesIntegrity(source, locked.integrity)) return false;
  const target = path.join(toCache, relative);
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(source, target);
  return true;
}

/**
 * The URL the registry serves a package's tarball at, e.g.
 * https://registry.npmjs.org/@scope/name/-/name-1.2.3.tgz
 * @param {string} registry @param {string} name @param {string} version
 */
export function tarballUrl(registry, name, version) {
  return `${registry.replace(/\/*$/, '/')}${name}/-/${name.split('/').pop()}-${version}.tgz`;
}

/**
 * The lockfile with each registry package's `resolved` URL written in where it is missing (npm
 * leaves them out with omit-lockfile-registry-resolved), so that npm ci takes every tarball from
 * the cache by its integrity without looking up the package on the registry.
 * @param {any} lockfile @param {string} registry
 * @returns {any} a new lockfile
 */
export function withResolvedUrls(lockfile, registry) {
  const copy = JSON.parse(JSON.stringify(lockfile));
  for (const locked of lockedPackages(copy)) {
    const entry = copy.packages[locked.where];
    entry.resolved ??= tarballUrl(registry, locked.name, locked.version);
  }
  return copy;
}

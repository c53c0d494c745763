// @ts-check
/**
 * The CloudFormation resources of a service's serverless.yml, read without running the
 * Serverless Framework (which takes seconds): for tests that create the same tables as the
 * deployed stack. `resources` may be a map or a list of maps and `${file(./path.yml)}` includes,
 * which are merged in order as Serverless merges them. Other `${...}` variables are left as
 * text: callers rename what they need (table names).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { apiPaths, routeNames } from './routes.mjs';

/** @typedef {{ Type: string, Properties?: Record<string, any> }} CloudFormationResource */

/** @param {string} file */
function readYaml(file) {
  // Merge keys (<<: *anchor) as Serverless reads them; CloudFormation short tags (!Ref, !Sub)
  // are not needed here and are read as plain values.
  return parse(readFileSync(file, 'utf8'), { merge: true, logLevel: 'silent', strict: false });
}

/**
 * @param {string} serviceDir the folder of serverless.yml
 * @returns {Record<string, CloudFormationResource>}
 */
export function readServiceResources(serviceDir) {
  const service = readYaml(path.join(serviceDir, 'serverless.yml'));
  const parts = [service?.resources ?? []].flat();
  /** @type {Record<string, CloudFormationResource>} */
  const resources = {};
  for (const part of parts) {
    const include = typeof part === 'string' ? /^\$\{file\((.+?)\)\}$/.exec(part.trim()) : null;
    const content = include?.[1] ? readYaml(path.resolve(serviceDir, include[1])) : part;
    Object.assign(resources, content?.Resources ?? {});
  }
  return resources;
}

/**
 * The functions of a service's serverless.yml (the `functions:` map, merge keys resolved), read
 * without running the Serverless Framework: tests derive the list of functions from it.
 * @param {string} serviceDir the folder of serverless.yml
 * @returns {Record<string, { handler?: string, events?: Array<Record<string, any>> }>}
 */
export function readServiceFunctions(serviceDir) {
  return readYaml(path.join(serviceDir, 'serverless.yml'))?.functions ?? {};
}

/**
 * The HTTP routes of a service, as "METHOD /path" (e.g. "POST /session"), in file order (a path's
 * routes together, where its first route is): read as the local gateway reads them (routes.mjs).
 * @param {string} serviceDir the folder of serverless.yml
 * @returns {string[]}
 */
export function readServiceRoutes(serviceDir) {
  // Any stage will do: routeNames leaves it out again.
  return routeNames(apiPaths(readServiceFunctions(serviceDir), 'stage'));
}

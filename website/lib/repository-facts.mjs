// @ts-check
/**
 * Facts the reference pages show, read from the files that hold them, so that a page never
 * carries a copy that can fall behind (plugins/repository-facts.mjs hands them to the pages, and
 * src/components/RepositoryFacts.tsx renders them):
 *
 *   benchResults()        bench/results.json, the figures of the last `npm run bench`
 *   functionPermissions() what each function's IAM role allows, from final/infra/iam-roles.yml
 *   stageSettings()       the settings each stage differs in, from final/config/<stage>.yml
 *
 * A file that is missing or not what these expect is an error that names it: the build stops
 * rather than show a page with a hole in it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readServiceFunctions } from '@session-api/local-stack/service-resources.mjs';
import YAML from 'yaml';

/**
 * @typedef {{name: string, value: number | null, unit: string, floor: number | null, ratio: number | null, target: number | null}} Figure
 * @typedef {{date: string, machine: string, figures: Figure[]}} BenchResults
 * @typedef {{name: string, dynamodb: {table: string, actions: string[]}[], ssm: string[], other: string[]}} FunctionPermissions
 * @typedef {{stages: string[], settings: {key: string, values: string[]}[]}} StageSettings
 */

export const RESULTS_FILE = 'bench/results.json';

/** @param {unknown} value */
const numberOrNull = (value) => value === null || (typeof value === 'number' && Number.isFinite(value));

/**
 * The results of the last benchmark run, checked for the shape bench/figures.ts writes.
 * @param {string} repoRoot
 * @returns {BenchResults}
 */
export function benchResults(repoRoot) {
  const file = path.join(repoRoot, RESULTS_FILE);
  let data;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${RESULTS_FILE} cannot be read (${error instanceof Error ? error.message : String(error)}): run npm run bench to write it`, { cause: error });
  }
  const problem = (/** @type {string} */ what) => new Error(`${RESULTS_FILE}: ${what} (it is written by npm run bench: run it again rather than edit the file)`);
  if (typeof data?.date !== 'string' || Number.isNaN(Date.parse(data.date))) throw problem('"date" must be the ISO date of the run');
  if (typeof data.machine !== 'string' || data.machine === '') throw problem('"machine" must describe the machine it ran on');
  if (!Array.isArray(data.figures) || data.figures.length === 0) throw problem('"figures" must be a non-empty list');
  for (const [index, figure] of data.figures.entries()) {
    const ok =
      typeof figure?.name === 'string' &&
      numberOrNull(figure.value) &&
      typeof figure.unit === 'string' &&
      numberOrNull(figure.floor) &&
      numberOrNull(figure.ratio) &&
      numberOrNull(figure.target);
    if (!ok) throw problem(`figure ${index + 1} (${JSON.stringify(figure?.name)}) needs name, value, unit, floor, ratio and target`);
  }
  const names = data.figures.map((/** @type {Figure} */ figure) => figure.name);
  const twice = names.find((/** @type {string} */ name, /** @type {number} */ index) => names.indexOf(name) !== index);
  if (twice) throw problem(`the figure "${twice}" is there twice`);
  return { date: data.date, machine: data.machine, figures: data.figures };
}

/** "LoginAttemptsTable" → "login-attempts". @param {string} logicalId */
export function tableName(logicalId) {
  return logicalId
    .replace(/Table$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

/** "dynamodb:GetItem" → "GetItem". @param {string} action */
const shortAction = (action) => action.replace(/^[a-z0-9-]+:/, '');

/**
 * What each function's own role allows, besides writing its log group (which every role may),
 * in the order serverless.yml lists the functions.
 * @param {string} repoRoot
 * @param {string} [app] the app's folder, from the root
 * @returns {FunctionPermissions[]}
 */
export function functionPermissions(repoRoot, app = 'final') {
  const rolesFile = path.join(repoRoot, app, 'infra/iam-roles.yml');
  const roles = YAML.parse(readFileSync(rolesFile, 'utf8'), { merge: true, logLevel: 'silent', strict: false })?.Resources ?? {};
  /** @type {Map<string, FunctionPermissions>} */
  const byFunction = new Map();
  for (const role of Object.values(roles)) {
    if (role?.Type !== 'AWS::IAM::Role') continue;
    for (const policy of role.Properties?.Policies ?? []) {
      /** @type {FunctionPermissions} */
      const entry = { name: policy.PolicyName, dynamodb: [], ssm: [], other: [] };
      for (const statement of policy.PolicyDocument?.Statement ?? []) {
        if (statement.Effect !== 'Allow') continue;
        const actions = [statement.Action].flat().map(String);
        if (actions.every((action) => action.startsWith('logs:'))) continue;
        const target = [statement.Resource].flat()[0]?.['Fn::GetAtt']?.[0];
        const dynamo = actions.filter((action) => action.startsWith('dynamodb:'));
        if (dynamo.length > 0 && typeof target === 'string') {
          const table = tableName(target);
          const known = entry.dynamodb.find((item) => item.table === table);
          if (known) known.actions.push(...dynamo.map(shortAction));
          else entry.dynamodb.push({ table, actions: dynamo.map(shortAction) });
        }
        entry.ssm.push(...actions.filter((action) => action.startsWith('ssm:')).map(shortAction));
        entry.other.push(...actions.filter((action) => !/^(dynamodb|ssm|logs):/.test(action)));
      }
      byFunction.set(entry.name, entry);
    }
  }
  const order = Object.keys(readServiceFunctions(path.join(repoRoot, app)));
  const missing = order.filter((name) => !byFunction.has(name));
  if (missing.length > 0) throw new Error(`${app}/infra/iam-roles.yml has no policy named after ${missing.join(', ')}: each function's role names its policy after the function`);
  return order.map((name) => /** @type {FunctionPermissions} */ (byFunction.get(name)));
}

/** The stages, in the order a change travels. */
export const STAGES = ['local', 'dev', 'test', 'prod'];

/** A setting's value as a table cell shows it. @param {unknown} value @returns {string} */
function shown(value) {
  if (value === null || value === undefined || value === '') return '–';
  if (Array.isArray(value)) return value.map(shown).join(', ');
  if (typeof value === 'object') return Object.entries(value).map(([key, inner]) => `${key} ${shown(inner)}`).join(', ');
  return String(value);
}

/**
 * The settings of each stage that are not the same in every stage, from config/<stage>.yml.
 * @param {string} repoRoot
 * @param {string} [app]
 * @returns {StageSettings}
 */
export function stageSettings(repoRoot, app = 'final') {
  const files = STAGES.map((stage) => path.join(repoRoot, app, 'config', `${stage}.yml`));
  const missing = files.find((file) => !existsSync(file));
  if (missing) throw new Error(`${path.relative(repoRoot, missing)} does not exist: every stage of ${STAGES.join(', ')} has a settings file`);
  const configs = files.map((file) => /** @type {Record<string, unknown>} */ (YAML.parse(readFileSync(file, 'utf8')) ?? {}));
  const keys = Object.keys(configs[0] ?? {});
  const settings = keys
    .map((key) => ({ key, values: configs.map((config) => shown(config[key])) }))
    .filter(({ values }) => new Set(values).size > 1);
  return { stages: STAGES, settings };
}

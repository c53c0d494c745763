// @ts-check
/**
 * Facts the reference pages show, read from the files that hold them, so that a page never
 * carries a copy that can fall behind (plugins/repository-facts.mjs hands them to the pages, and
 * src/components/RepositoryFacts.tsx renders them):
 *
 *   benchResults()        bench/results.json, the figures of the last `npm run bench`
 *   functionPermissions() what each function's IAM role allows, from final/infra/iam-roles.yml
 *   stageSettings()       the settings each stage differs in, from final/config/<stage>.yml
 *   deployment()          what each stage's template holds (final/template-facts.json, which the
 *                         deploy tests hold to the packages), the VPC stack's resources
 *                         (final/infra/vpc.yml), what is allowed on "*" and why (the templates,
 *                         final/infra/*.json and account.yml), and what it all costs at rest
 *                         (PRICES below)
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

/**
 * The list prices the cost figures use: us-east-1, as AWS published them in 2025 (before any free
 * tier). Not checked online again when this was written: the pages say so, and link the pricing.
 */
export const PRICES = {
  alarmMetricMonth: 0.1, // CloudWatch: a standard-resolution alarm, per metric it reads, per month
  webAclMonth: 5, // AWS WAF: a web ACL, per month
  wafRuleMonth: 1, // AWS WAF: a rule, per month
  wafMillionRequests: 0.6, // AWS WAF: per million requests inspected
  interfaceEndpointHour: 0.01, // VPC interface endpoint, per zone, per hour
  natGatewayHour: 0.045, // NAT gateway, per hour
  publicIpv4Hour: 0.005, // a public IPv4 address, per hour
  xrayMillionTraces: 5, // X-Ray, per million traces recorded (the first 100,000 a month free)
  hoursPerMonth: 730,
};

/**
 * @typedef {{ resources: Record<string, number>, alarms: { count: number, metrics: number }, firewall: { rules: number, limit: number, windowSeconds: number } | null, throttling: { methods: number, rateLimit: number, burstLimit: number }, onEverything: string[] }} TemplateFacts
 * @typedef {{ item: string, how: string, dollars: number }} CostLine
 * @typedef {{ stage: string, facts: TemplateFacts, vpc: Record<string, number> | null, cost: CostLine[], total: number }} StageDeployment
 * @typedef {{ action: string, where: string }} OnEverything
 * @typedef {{ stages: StageDeployment[], vpc: { withoutNat: Record<string, number>, withNat: Record<string, number> }, onEverything: OnEverything[], prices: typeof PRICES }} Deployment
 */

const DEPLOYED = ['dev', 'test', 'prod'];
const round = (/** @type {number} */ dollars) => Math.round(dollars * 100) / 100;
/** $0.10, $5, $14.60 @param {number} dollars */
export const money = (dollars) => `$${Number.isInteger(dollars) ? dollars : dollars.toFixed(2)}`;

/**
 * Resources of each type of a CloudFormation template read from YAML, those of a condition that
 * holds (or of none).
 * @param {Record<string, any>} resources @param {(condition: string) => boolean} holds
 */
function countTypes(resources, holds) {
  /** @type {Record<string, number>} */
  const counts = {};
  for (const resource of Object.values(resources)) {
    if (resource.Condition !== undefined && !holds(resource.Condition)) continue;
    counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * What the deployed stages are made of and cost at rest, and what any identity may do on "*".
 * @param {string} repoRoot
 * @param {string} [app]
 * @returns {Deployment}
 */
export function deployment(repoRoot, app = 'final') {
  const file = path.join(repoRoot, app, 'template-facts.json');
  /** @type {Record<string, TemplateFacts>} */
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(file, 'utf8')).stages;
  } catch (error) {
    throw new Error(`${app}/template-facts.json cannot be read (${error instanceof Error ? error.message : String(error)}): record it with npm run package -- --stage STAGE --record-facts`, { cause: error });
  }
  const missing = DEPLOYED.filter((stage) => !recorded?.[stage]?.resources);
  if (missing.length > 0) throw new Error(`${app}/template-facts.json has no figures for ${missing.join(', ')}: npm run package -- --stage ${missing[0]} --record-facts`);

  const vpcTemplate = YAML.parse(readFileSync(path.join(repoRoot, app, 'infra/vpc.yml'), 'utf8'));
  const vpc = {
    withoutNat: countTypes(vpcTemplate.Resources, (condition) => condition === 'WithoutNatGateways'),
    withNat: countTypes(vpcTemplate.Resources, (condition) => condition === 'WithNatGateways'),
  };
  const zones = Object.values(vpcTemplate.Resources).filter((/** @type {any} */ resource) => resource.Type === 'AWS::EC2::Subnet' && resource.Condition === undefined).length;

  const stages = DEPLOYED.map((stage) => {
    const facts = /** @type {TemplateFacts} */ (recorded[stage]);
    const settings = YAML.parse(readFileSync(path.join(repoRoot, app, 'config', `${stage}.yml`), 'utf8'));
    /** @type {CostLine[]} */
    const cost = [
      { item: 'CloudWatch alarms', how: `${facts.alarms.count} alarms reading ${facts.alarms.metrics} metrics × ${money(PRICES.alarmMetricMonth)}`, dollars: facts.alarms.metrics * PRICES.alarmMetricMonth },
    ];
    if (facts.firewall) {
      cost.push({ item: 'AWS WAF', how: `1 web ACL × ${money(PRICES.webAclMonth)} + ${facts.firewall.rules} rule × ${money(PRICES.wafRuleMonth)}`, dollars: PRICES.webAclMonth + facts.firewall.rules * PRICES.wafRuleMonth });
    }
    if (settings.runInVpc === true) {
      const endpoints = vpc.withoutNat['AWS::EC2::VPCEndpoint'] ?? 0;
      const interfaces = Object.values(vpcTemplate.Resources).filter((/** @type {any} */ resource) => resource.Type === 'AWS::EC2::VPCEndpoint' && resource.Properties?.VpcEndpointType === 'Interface').length;
      cost.push({ item: 'VPC: SSM interface endpoint', how: `${interfaces} endpoint × ${zones} zones × ${money(PRICES.interfaceEndpointHour)} × ${PRICES.hoursPerMonth} h (of its ${endpoints} endpoints, DynamoDB's gateway endpoint is free)`, dollars: interfaces * zones * PRICES.interfaceEndpointHour * PRICES.hoursPerMonth });
    }
    const rounded = cost.map((line) => ({ ...line, dollars: round(line.dollars) }));
    return { stage, facts, vpc: settings.runInVpc === true ? vpc.withoutNat : null, cost: rounded, total: round(rounded.reduce((sum, line) => sum + line.dollars, 0)) };
  });

  /** @type {OnEverything[]} */
  const onEverything = [];
  /** @type {Map<string, string[]>} */
  const byAction = new Map();
  const add = (/** @type {string} */ action, /** @type {string} */ where) => byAction.set(action, [...new Set([...(byAction.get(action) ?? []), where])]);
  for (const { stage, facts } of stages) for (const action of facts.onEverything) add(action, `the functions' roles in ${stage}`);
  /** @type {[string, string][]} */
  const policies = [['infra/deployer-policy.json', 'the deployer'], ['infra/deployer-setup-policy.json', 'the account\'s setup']];
  for (const [policyFile, who] of policies) {
    const policy = JSON.parse(readFileSync(path.join(repoRoot, app, policyFile), 'utf8'));
    for (const statement of policy.Statement) {
      if ([statement.Resource].flat().includes('*')) for (const action of [statement.Action].flat()) add(action, who);
    }
  }
  for (const [action, places] of [...byAction.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    // "in dev, in test, in prod" → "in test and prod"
    const roles = places.filter((place) => place.startsWith("the functions' roles in "));
    const others = places.filter((place) => !place.startsWith("the functions' roles in "));
    const rolesText = roles.length > 0 ? [`the functions' roles in ${roles.map((place) => place.slice("the functions' roles in ".length)).join(' and ')}`] : [];
    onEverything.push({ action, where: [...rolesText, ...others].join('; ') });
  }
  return { stages, vpc, onEverything, prices: PRICES };
}

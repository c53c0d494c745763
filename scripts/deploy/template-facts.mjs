// @ts-check
/**
 * What a package's CloudFormation template holds, in the few figures the website's Deploy and
 * Security pages state: how many resources of each type, how many alarms and the metrics they
 * read (what they cost), the firewall's rule, the throttling and the methods it applies to, the
 * actions any role may call on "*". Nothing in them depends on the deployment's name, so one
 * record serves every deployment.
 *
 * The app's template-facts.json records them per stage, as they were last packaged:
 *
 *   npm run package -- --stage prod --record-facts
 *
 * and its deploy tests (test/deploy/facts.test.ts) fail when a package no longer matches the
 * record, so that a page can never show a figure the templates do not have.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { appDirectory } from './common.mjs';

/** The app's record: template-facts.json beside its serverless.yml. */
export const factsFile = () => path.join(appDirectory(), 'template-facts.json');

/**
 * @typedef {object} TemplateFacts
 * @property {Record<string, number>} resources  resources of each type, as CloudFormation creates them in the stage
 * @property {{ count: number, metrics: number }} alarms  alarms, and the metrics they read (AWS bills each)
 * @property {{ rules: number, limit: number, windowSeconds: number } | null} firewall  the web ACL's rules and its rate rule
 * @property {{ methods: number, rateLimit: number, burstLimit: number }} throttling  per method, and how many methods
 * @property {string[]} onEverything  the actions a role of the template may call on "*"
 */

/** @param {string} dir @param {string} file */
const readJson = (dir, file) => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));

/**
 * Evaluates the template's conditions (Fn::Equals of two texts, as serverless.yml writes them).
 * @param {Record<string, any>} conditions
 */
function evaluate(conditions) {
  return Object.fromEntries(Object.entries(conditions ?? {}).map(([name, condition]) => {
    const [left, right] = condition['Fn::Equals'] ?? [];
    if (typeof left !== 'string' || typeof right !== 'string') throw new Error(`condition ${name} is not Fn::Equals of two texts`);
    return [name, left === right];
  }));
}

/**
 * @param {string} packageDir  a folder `npm run package` wrote
 * @returns {TemplateFacts}
 */
export function templateFacts(packageDir) {
  const template = readJson(packageDir, 'cloudformation-template-update-stack.json');
  const holds = evaluate(template.Conditions);
  const created = Object.values(template.Resources).filter((/** @type {any} */ resource) => resource.Condition === undefined || holds[resource.Condition]);
  const ofType = (/** @type {string} */ type) => created.filter((/** @type {any} */ resource) => resource.Type === type);

  /** @type {Record<string, number>} */
  const resources = {};
  for (const resource of /** @type {any[]} */ (created)) resources[resource.Type] = (resources[resource.Type] ?? 0) + 1;

  const alarms = ofType('AWS::CloudWatch::Alarm');
  const metrics = alarms.reduce((sum, /** @type {any} */ alarm) => sum + (alarm.Properties.Metrics ? alarm.Properties.Metrics.filter((/** @type {any} */ entry) => entry.MetricStat).length : 1), 0);

  const [acl] = /** @type {any[]} */ (ofType('AWS::WAFv2::WebACL'));
  const rate = acl?.Properties.Rules.find((/** @type {any} */ rule) => rule.Statement.RateBasedStatement)?.Statement.RateBasedStatement;
  const firewall = acl ? { rules: acl.Properties.Rules.length, limit: rate?.Limit ?? 0, windowSeconds: rate?.EvaluationWindowSec ?? 300 } : null;

  const [stage] = /** @type {any[]} */ (ofType('AWS::ApiGateway::Stage'));
  const [setting] = stage?.Properties.MethodSettings ?? [];
  const throttling = { methods: ofType('AWS::ApiGateway::Method').length, rateLimit: setting?.ThrottlingRateLimit ?? 0, burstLimit: setting?.ThrottlingBurstLimit ?? 0 };

  /** @type {Set<string>} */
  const onEverything = new Set();
  for (const role of /** @type {any[]} */ (ofType('AWS::IAM::Role'))) {
    for (const policy of role.Properties.Policies ?? []) {
      const chosen = policy['Fn::If'] ? (holds[policy['Fn::If'][0]] ? policy['Fn::If'][1] : null) : policy;
      for (const statement of chosen?.PolicyDocument.Statement ?? []) {
        if ([statement.Resource].flat().includes('*')) for (const action of [statement.Action].flat()) onEverything.add(action);
      }
    }
  }
  const sortedResources = Object.fromEntries(Object.entries(resources).sort(([a], [b]) => a.localeCompare(b)));
  return { resources: sortedResources, alarms: { count: alarms.length, metrics }, firewall, throttling, onEverything: [...onEverything].sort() };
}

/** @returns {Record<string, TemplateFacts>} the recorded facts of each stage */
export function readFacts(file = factsFile()) {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).stages : {};
}

/**
 * Records one stage's facts, keeping the others'.
 * @param {string} stage @param {TemplateFacts} facts
 */
export function recordFacts(stage, facts, file = factsFile()) {
  const stages = { ...readFacts(file), [stage]: facts };
  const ordered = Object.fromEntries(['dev', 'test', 'prod'].filter((name) => stages[name]).map((name) => [name, stages[name]]));
  const record = {
    description: 'What each stage\'s packaged template holds, in the figures the website states (scripts/deploy/template-facts.mjs). test/deploy/facts.test.ts fails when a package differs: record again with npm run package -- --stage STAGE --record-facts',
    stages: ordered,
  };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}

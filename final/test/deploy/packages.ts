/**
 * The deployment packages the deploy tests read: one per deployed stage, built once per test run
 * by `npm run package` itself (app-package, scripts/deploy/package.mjs), into a temporary folder. Without AWS credentials: the environment is stripped of them, and the
 * credential files point at nothing, so packaging fails if it ever needs an AWS call.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const STAGES = ['dev', 'test', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * The deployment each package is built for. The test stage is packaged as a named deployment
 * (`npm run package -- --name room`, as an attendee of a room would), so that every test below
 * holds for a named one too, and naming.test.ts can tell the name went everywhere.
 */
export const NAME = 'room';
export const DEPLOYMENTS: Record<Stage, string> = { dev: 'session-api', test: `session-api-${NAME}`, prod: 'session-api' };

/** The app's folder (final/, a chapter, your copy): where `npm run package` runs. */
export const APP_DIR = path.resolve(__dirname, '../..');
/** `npm run package` itself: the app-package command of @session-api/deploy. */
const PACKAGE_SCRIPT = require.resolve('@session-api/deploy/bin/app-package.mjs');

/**
 * A value read from a template or state file: JSON that the tests' assertions check, so its
 * type is left open rather than spelt out for every property they read.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** The parts of a CloudFormation template the tests look at. */
export interface Resource {
  Type: string;
  Properties?: Record<string, Json>;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Condition?: string;
}
export interface Template {
  Resources: Record<string, Resource>;
  Conditions?: Record<string, Json>;
  Parameters?: Record<string, unknown>;
  Outputs?: Record<string, unknown>;
}

export interface Package {
  stage: Stage;
  dir: string;
  template: Template;
  /** serverless-state.json: the service as serverless resolved it (settings, functions, tags). */
  state: { service: { provider: Record<string, Json>; functions: Record<string, unknown>; custom: { settings: Record<string, Json> } } };
  /** What `npm run package` printed (the zip sizes among it). */
  output: string;
}

const NO_CREDENTIALS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE'];

function environmentWithoutAws(): NodeJS.ProcessEnv {
  const environment = { ...process.env };
  for (const name of NO_CREDENTIALS) delete environment[name];
  const nowhere = path.join(os.tmpdir(), 'no-such-aws-file');
  return { ...environment, AWS_CONFIG_FILE: nowhere, AWS_SHARED_CREDENTIALS_FILE: nowhere, AWS_EC2_METADATA_DISABLED: 'true' };
}

function packageStage(stage: Stage, root: string): Promise<Package> {
  const dir = path.join(root, stage);
  return new Promise((resolve, reject) => {
    const named = DEPLOYMENTS[stage] === 'session-api' ? [] : ['--name', NAME];
    const child = spawn(process.execPath, [PACKAGE_SCRIPT, '--stage', stage, ...named, '--out', dir], { cwd: APP_DIR, env: environmentWithoutAws() });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      // Exit code 1 with "Over budget" is a finished package whose zips are too big: the bundle
      // test reports that precisely, so the other tests still run.
      if (code !== 0 && !(code === 1 && output.includes('Over budget'))) {
        reject(new Error(`npm run package -- --stage ${stage} failed (exit code ${code}):\n${output}`));
        return;
      }
      const read = (file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
      resolve({ stage, dir, template: read('cloudformation-template-update-stack.json'), state: read('serverless-state.json'), output });
    });
  });
}

let packages: Promise<Record<Stage, Package>> | undefined;

/** The packages of dev, test and prod; the first call builds them (about 20 s), later calls wait for that. */
export function packaged(): Promise<Record<Stage, Package>> {
  packages ??= (async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'session-api-deploy-tests-'));
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    // One after the other: serverless stages every package in the app's .serverless first, so two
    // packagings at once would take each other's zips.
    const built: Package[] = [];
    for (const stage of STAGES) built.push(await packageStage(stage, root));
    return Object.fromEntries(built.map((entry) => [entry.stage, entry])) as Record<Stage, Package>;
  })();
  return packages;
}

/** Time for the `before` hook that waits for the packages, on a slow two-core machine. */
export const PACKAGING_TIMEOUT_MS = 180_000;

/**
 * For a describe block: registers the `before` hook that waits for the packages and returns the
 * object the hook fills in, so the tests read `packages.dev` or `packages[stage]` directly.
 */
export function usePackages(): Record<Stage, Package> {
  const ready = {} as Record<Stage, Package>;
  before(async function () {
    this.timeout(PACKAGING_TIMEOUT_MS);
    Object.assign(ready, await packaged());
  });
  return ready;
}

/** The resources of one CloudFormation type, by logical id. */
export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** The Lambda functions of a template by their serverless name (PingLambdaFunction: ping). */
export function lambdaFunctions(template: Template): Map<string, Resource> {
  const byName = new Map<string, Resource>();
  for (const [id, resource] of resourcesOfType(template, 'AWS::Lambda::Function')) {
    const name = id.replace(/LambdaFunction$/, '');
    byName.set(name.charAt(0).toLowerCase() + name.slice(1), resource);
  }
  return byName;
}

/**
 * The template as CloudFormation will create it in this stage: each condition evaluated (the
 * stage's settings make them comparisons of two fixed texts), a resource whose condition is
 * false left out, each Fn::If replaced by the branch it takes, and AWS::NoValue removed.
 */
export function asCreated(template: Template): Template {
  const conditions = new Map<string, boolean>();
  for (const [name, condition] of Object.entries(template.Conditions ?? {})) {
    const [left, right] = condition['Fn::Equals'] ?? [];
    assert.ok(typeof left === 'string' && typeof right === 'string', `condition ${name} is not Fn::Equals of two texts: ${JSON.stringify(condition)}`);
    conditions.set(name, left === right);
  }
  const holds = (name: string): boolean => {
    const value = conditions.get(name);
    assert.ok(value !== undefined, `no condition ${name}`);
    return value;
  };
  const NO_VALUE = Symbol('AWS::NoValue');
  const resolve = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(resolve).filter((item) => item !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    if (value.Ref === 'AWS::NoValue') return NO_VALUE;
    if ('Fn::If' in value) {
      const [name, whenTrue, whenFalse] = value['Fn::If'];
      return resolve(holds(name) ? whenTrue : whenFalse);
    }
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, resolve(inner)]).filter(([, inner]) => inner !== NO_VALUE));
  };
  const resources = Object.entries(template.Resources).filter(([, resource]) => resource.Condition === undefined || holds(resource.Condition));
  return { ...template, Resources: Object.fromEntries(resources.map(([id, resource]) => [id, resolve(resource)])) };
}

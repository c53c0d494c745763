/**
 * Chapter 8's checks: the stage files agree and prod keeps its tables; and the package of a
 * deployed stage, built without any AWS account, is one a security reviewer would sign: no
 * secret anywhere (the functions read the signing key from SSM by name), a role of its own per
 * function allowing only what its code calls, each zip with its source map and within its
 * budget, every name AWS holds the deployment's own, and alarms that page a person. One package,
 * of the dev stage as a named deployment (the way a room shares one AWS account), is built once
 * and read by every check that needs one.
 * (That packaging and `npm run deploy --dry-run` work at all is the workshop's tooling, given:
 * the chapter's page runs both.) Run them with `npm run workshop -- verify` (or `npm test` in
 * this folder).
 */
import assert from 'node:assert/strict';
import { createSecretKey, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appFile, check, expectAppTestsPass, loadModule, runScript } from '@session-api/workshop/checks';
import JSZip from 'jszip';
import YAML from 'yaml';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a CloudFormation template is JSON the checks read
type Json = any;
interface Package {
  dir: string;
  template: { Resources: Record<string, { Type: string; Properties?: Json }>; Parameters?: unknown };
  output: string;
}

const STAGE = 'dev';
/** The deployment the checks package: `npm run package -- --name checks` names it session-api-checks. */
const NAME = 'checks';
const DEPLOYMENT = `session-api-${NAME}`;
const SIGNING_KEY_PARAMETER = `/${DEPLOYMENT}/${STAGE}/signing-key`;

/**
 * Every permission each function needs besides writing its own log group: the DynamoDB calls its
 * code sends (src/lib/users.ts, sessions.ts, login-throttle.ts) and the signing key it reads.
 */
const PERMISSIONS: Record<string, string[]> = {
  ping: [],
  createUser: ['dynamodb:PutItem on UsersTable'],
  getUser: ['dynamodb:GetItem on UsersTable'],
  createSession: [
    'dynamodb:GetItem on LoginAttemptsTable',
    'dynamodb:GetItem on UsersTable',
    'dynamodb:PutItem on LoginAttemptsTable',
    'dynamodb:PutItem on SessionsTable',
    'dynamodb:UpdateItem on LoginAttemptsTable',
    'ssm:GetParameter on the signing key',
  ],
  getSession: [],
  refreshSession: ['dynamodb:UpdateItem on SessionsTable', 'ssm:GetParameter on the signing key'],
  deleteSession: ['dynamodb:UpdateItem on SessionsTable'],
  authorize: ['dynamodb:GetItem on SessionsTable', 'ssm:GetParameter on the signing key'],
};

/** The environment of `npm run package`, without any way to reach AWS: packaging must need none. */
function withoutAws(): NodeJS.ProcessEnv {
  const environment = { ...process.env };
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE']) delete environment[name];
  const nowhere = path.join(os.tmpdir(), 'no-such-aws-file');
  return { ...environment, AWS_CONFIG_FILE: nowhere, AWS_SHARED_CREDENTIALS_FILE: nowhere, AWS_EC2_METADATA_DISABLED: 'true' };
}

/** Where the dev package is built: a temporary folder, made on first use and removed after the checks. */
let scratch: string | undefined;
let packaging: { status: number | null; output: string } | undefined;

/** The dev package, built on first use (about 20 s), or the failure that says why there is none. */
function devPackage(): Package {
  scratch ??= mkdtempSync(path.join(os.tmpdir(), 'chapter-8-checks-'));
  const dir = path.join(scratch, STAGE);
  packaging ??= runScript('package', ['--stage', STAGE, '--name', NAME, '--out', dir], { env: withoutAws() });
  // Exit code 1 with "Over budget" is a finished package whose zips are too big: the budget check says which.
  const finished = packaging.status === 0 || (packaging.status === 1 && packaging.output.includes('Over budget'));
  if (!finished || !existsSync(path.join(dir, 'cloudformation-template-update-stack.json'))) {
    throw new Error(`npm run package -- --stage ${STAGE} --name ${NAME} built no package:\n${packaging.output.trim().split('\n').slice(-15).join('\n')}`);
  }
  return { dir, template: JSON.parse(readFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8')), output: packaging.output };
}

/** The Lambda functions of the template, by their name in serverless.yml (PingLambdaFunction: ping). */
function lambdaFunctions(pkg: Package): Map<string, Json> {
  const functions = new Map<string, Json>();
  for (const [id, resource] of Object.entries(pkg.template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const name = id.replace(/LambdaFunction$/, '');
    functions.set(name.charAt(0).toLowerCase() + name.slice(1), resource);
  }
  return functions;
}

/** "action on resource" for each statement of a function's role (tables by logical id). */
function permissionsOf(pkg: Package, name: string, fn: Json): string[] {
  const roleId: string | undefined = fn.Properties?.Role?.['Fn::GetAtt']?.[0];
  if (!roleId) throw new Error(`${name} has no role of its own: give it \`role:\` in serverless.yml, naming its role in infra/iam-roles.yml`);
  const role = pkg.template.Resources[roleId];
  assert.equal(role?.Type, 'AWS::IAM::Role', `${name}'s role ${roleId} must be an AWS::IAM::Role`);
  const ownLogGroup = `${name.charAt(0).toUpperCase()}${name.slice(1)}LogGroup`;
  const signingKeyArn = `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${SIGNING_KEY_PARAMETER}`;
  const permissions: string[] = [];
  for (const policy of role.Properties?.Policies ?? []) {
    for (const statement of policy.PolicyDocument.Statement) {
      assert.equal(statement.Effect, 'Allow', `${roleId}: allow what is needed rather than deny what is not`);
      assert.ok(!statement.NotAction && !statement.NotResource, `${roleId}: NotAction and NotResource allow everything else`);
      for (const resource of [statement.Resource].flat()) {
        const getAtt = resource?.['Fn::GetAtt'];
        const target = getAtt?.[1] === 'Arn' ? (getAtt[0] === ownLogGroup ? 'its own log group' : getAtt[0]) : resource?.['Fn::Sub'] === signingKeyArn ? 'the signing key' : JSON.stringify(resource);
        for (const action of [statement.Action].flat()) permissions.push(`${action} on ${target}`);
      }
    }
  }
  return permissions.sort();
}

describe('Chapter 8: deploy', () => {
  after(() => scratch && rmSync(scratch, { recursive: true, force: true }));

  check(
    'config/dev.yml, test.yml and prod.yml have exactly the settings of config/local.yml',
    {
      explained: 'Stages and their settings',
      hints: [
        'Each stage has its own file of settings, and serverless.yml reads the one of the stage it builds: a setting missing in prod fails only in prod.',
        'config/dev.yml, test.yml and prod.yml have the keys of config/local.yml, with their own values; prod.yml still lacks what protects its tables.',
        'At the end of config/prod.yml: `tables:` with `deletionProtection: true` and `deletionPolicy: Retain` (false and Delete in the other stages).',
      ],
    },
    () => {
      const settingPaths = (value: unknown, prefix = ''): string[] =>
        value === null || typeof value !== 'object' || Array.isArray(value) ? [prefix] : Object.entries(value).flatMap(([key, inner]) => settingPaths(inner, prefix ? `${prefix}.${key}` : key));
      const read = (stage: string) => {
        const text = appFile(`config/${stage}.yml`);
        if (text === undefined) throw new Error(`there is no config/${stage}.yml yet`);
        return YAML.parse(text);
      };
      const local = settingPaths(read('local')).sort();
      for (const stage of ['dev', 'test', 'prod']) {
        assert.deepEqual(settingPaths(read(stage)).sort(), local, `config/${stage}.yml must have exactly the settings of config/local.yml`);
      }
      assert.deepEqual(read('prod').tables, { deletionProtection: true, deletionPolicy: 'Retain' }, 'prod keeps its tables: deletionProtection true, deletionPolicy Retain');
    },
  );

  check(
    'no secret in the template or the functions\' environment: they get the NAME of the key\'s SSM parameter and read the key from SSM',
    {
      explained: 'The signing key in SSM',
      hints: [
        'Whoever can read a stack or a function\'s settings could read a key put there: give the functions the parameter\'s name, never its value, and let them read the key from SSM.',
        `serverless.yml passes the name to every function: \`SIGNING_KEY_PARAMETER: \${self:custom.settings.signingKeyParameter}\` under provider.environment (config/dev.yml sets it to ${SIGNING_KEY_PARAMETER}). src/lib/signing-key.ts: readKeyFromSsm, and loadSigningKey calling it when the name is set.`,
        'readKeyFromSsm(ssm, name) sends `new GetParameterCommand({ Name: name, WithDecryption: true })`, fails when `result.Parameter?.Value` is empty, and returns `keyFromBytes(Buffer.from(value, \'base64\'))`; loadSigningKey: `if (parameterName) return readKeyFromSsm(new SSMClient({}), parameterName);`.',
      ],
      timeoutMs: 240_000,
    },
    async () => {
      const pkg = devPackage();
      for (const [name, fn] of lambdaFunctions(pkg)) {
        const variables: Record<string, unknown> = fn.Properties?.Environment?.Variables ?? {};
        assert.equal(variables['SIGNING_KEY_PARAMETER'], SIGNING_KEY_PARAMETER, `${name} gets SIGNING_KEY_PARAMETER: ${SIGNING_KEY_PARAMETER}`);
        for (const [variable, value] of Object.entries(variables)) {
          assert.doesNotMatch(JSON.stringify(value), /[A-Za-z0-9+/_-]{40,}/, `${name}'s ${variable} looks like a key`);
        }
      }
      assert.doesNotMatch(JSON.stringify(pkg.template), /LOCAL_SIGNING_KEY|resolve:ssm-secure|resolve:secretsmanager|NoEcho/, 'the template carries a key, or a way to hand one to the functions');
      assert.ok(!Object.values(pkg.template.Resources).some((resource) => resource.Type === 'AWS::SSM::Parameter'), 'the stack must not create the key\'s parameter: npm run secrets:init does, outside CloudFormation');

      const { readKeyFromSsm } = loadModule('src/lib/signing-key');
      if (typeof readKeyFromSsm !== 'function') throw new Error('src/lib/signing-key.ts exports no readKeyFromSsm(ssm, parameterName) yet');
      const sent: Json[] = [];
      const key = randomBytes(32);
      // A stand-in for the SSM client: it records what it is asked and answers with the key.
      const ssm = {
        send: async (command: Json) => {
          sent.push(command.input);
          return { Parameter: { Value: key.toString('base64') } };
        },
      };
      const read = await readKeyFromSsm(ssm, SIGNING_KEY_PARAMETER);
      assert.deepEqual(sent, [{ Name: SIGNING_KEY_PARAMETER, WithDecryption: true }], 'readKeyFromSsm asks SSM for the parameter by name, decrypted');
      assert.ok(read.equals(createSecretKey(key)), 'readKeyFromSsm returns the key the parameter holds, as a KeyObject');
      // The rest (an empty parameter refused, loadSigningKey reading SSM when the name is set,
      // once per container, again after a failure) is what the app's own tests of the module say.
      expectAppTestsPass(['src/lib/signing-key.test.ts'], 'the tests of src/lib/signing-key.ts');
    },
  );

  check(
    'each function has a role of its own, allowing only the calls its code makes, on its own tables',
    {
      explained: 'One IAM role per function',
      hints: [
        'Least privilege: a function that only reads sessions may not write them. The authorizer still runs with the framework\'s shared role: give it one of its own.',
        'In infra/iam-roles.yml, AuthorizeRole (assumed by Lambda, *assumedByLambda) may write its own log group (logs:CreateLogStream, logs:PutLogEvents on AuthorizeLogGroup), read sessions (dynamodb:GetItem on SessionsTable) and read the signing key (*readSigningKey); in serverless.yml, authorize says `role: AuthorizeRole`.',
        'Its statements: `- Effect: Allow / Action: [logs:CreateLogStream, logs:PutLogEvents] / Resource: { \'Fn::GetAtt\': [AuthorizeLogGroup, Arn] }`, the same with `dynamodb:GetItem` on `[SessionsTable, Arn]`, then `- *readSigningKey`.',
      ],
      timeoutMs: 240_000,
    },
    () => {
      const pkg = devPackage();
      const functions = lambdaFunctions(pkg);
      assert.deepEqual([...functions.keys()].sort(), Object.keys(PERMISSIONS).sort(), 'the functions of the package');
      const shared = [...functions].filter(([, fn]) => fn.Properties?.Role?.['Fn::GetAtt']?.[0] === 'IamRoleLambdaExecution').map(([name]) => name);
      assert.ok(shared.length === 0, `the framework's shared role is still the role of ${shared.join(', ')}: give each function a \`role:\` in serverless.yml, naming its own role in infra/iam-roles.yml`);
      assert.ok(!pkg.template.Resources['IamRoleLambdaExecution'], 'the framework\'s shared role is there: every function needs a `role:` of its own');
      const roles = [...functions.values()].map((fn) => JSON.stringify(fn.Properties?.Role));
      assert.equal(new Set(roles).size, roles.length, 'two functions share a role: each needs its own');
      for (const [name, fn] of functions) {
        const needed = ['logs:CreateLogStream on its own log group', 'logs:PutLogEvents on its own log group', ...(PERMISSIONS[name] ?? [])].sort();
        assert.deepEqual(permissionsOf(pkg, name, fn), needed, `${name}'s role must allow exactly: ${needed.join('; ')}`);
      }
      const text = JSON.stringify(pkg.template);
      assert.doesNotMatch(text, /dynamodb:Scan|dynamodb:\*|ssm:\*|"Action":\s*"\*"|"Resource":\s*"\*"/, 'no Scan and no wildcard anywhere in the template');
    },
  );

  check(
    'each function\'s zip holds its bundle with its source map, Node reads the map, and the zip is at most twice the size bundle-budget.json records for it',
    {
      explained: 'Bundles and their budget',
      hints: [
        'An error\'s stack in the logs should name the TypeScript file and line, not a column of one minified line: each bundle needs its source map beside it, and Node must be told to read it.',
        'In serverless.yml, custom.esbuild gets `sourcemap: linked` and `sourcesContent: false`; provider.environment gets `NODE_OPTIONS: --enable-source-maps`.',
        'A zip that suddenly doubles means a dependency slipped in: `npm run package` prints each zip\'s size against bundle-budget.json; record new sizes on purpose with `npm run package -- --stage dev --record-budget`.',
      ],
      timeoutMs: 240_000,
    },
    async () => {
      const pkg = devPackage();
      for (const [name, fn] of lambdaFunctions(pkg)) {
        const zip = await JSZip.loadAsync(readFileSync(path.join(pkg.dir, `${name}.zip`)));
        const bundle = `src/functions/${name}/handler.js`;
        assert.ok(zip.file(bundle), `${name}.zip holds no ${bundle}`);
        assert.ok(zip.file(`${bundle}.map`), `${name}.zip holds no source map beside its bundle (${bundle}.map): custom.esbuild needs \`sourcemap: linked\``);
        const map = JSON.parse(await zip.file(`${bundle}.map`)?.async('string') ?? '{}') as { sourcesContent?: unknown };
        assert.equal(map.sourcesContent, undefined, `${name}'s source map carries the sources' text, which a stack never needs: \`sourcesContent: false\``);
        const options = String(fn.Properties?.Environment?.Variables?.['NODE_OPTIONS'] ?? '');
        assert.match(options, /--enable-source-maps/, `${name} runs without NODE_OPTIONS=--enable-source-maps, so Node ignores its source map`);
      }
      const text = appFile('bundle-budget.json');
      if (text === undefined) throw new Error('there is no bundle-budget.json yet: record the sizes with npm run package -- --stage dev --record-budget');
      const budget: Record<string, number> = JSON.parse(text).zipBytes ?? {};
      for (const name of lambdaFunctions(pkg).keys()) {
        const recorded = budget[name];
        assert.ok(recorded, `bundle-budget.json records no size for ${name}: record it with npm run package -- --stage dev --record-budget`);
        const bytes = readFileSync(path.join(pkg.dir, `${name}.zip`)).byteLength;
        assert.ok(bytes <= 2 * recorded, `${name}.zip is ${bytes} bytes, more than twice its recorded ${recorded}`);
      }
    },
  );
  check(
    `packaged as a named deployment (--name ${NAME}), everything AWS holds is named for it: ${DEPLOYMENT}-dev and its functions, tables and signing key`,
    {
      explained: 'Name the deployment',
      hints: [
        'Two attendees deploying dev into one AWS account would overwrite each other\'s stack: the deployment needs a name of its own, and every name AWS holds comes from it.',
        'In serverless.yml, the step "deployment-name": `service:` reads SESSION_API_DEPLOYMENT, which `npm run package -- --name NAME` sets, and falls back to session-api.',
        "service: ${env:SESSION_API_DEPLOYMENT, 'session-api'} (the stage files' signingKeyParameter already uses ${self:service}).",
      ],
      timeoutMs: 240_000,
    },
    () => {
      const pkg = devPackage();
      const names: [string, string][] = [...lambdaFunctions(pkg).entries()].map(([name, fn]) => [`function ${name}`, String(fn.Properties?.FunctionName ?? '')]);
      const tables: [string, string][] = Object.entries(pkg.template.Resources).filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table').map(([id, table]) => [`table ${id}`, String(table.Properties?.TableName ?? '')]);
      assert.ok(tables.length > 0, 'the package has no table');
      for (const [what, name] of [...names, ...tables]) assert.ok(name.startsWith(`${DEPLOYMENT}-${STAGE}-`), `${what} is named ${name}, not for the deployment (${DEPLOYMENT}-${STAGE}-…): serverless.yml's service must be the deployment's name`);
      for (const [name, fn] of lambdaFunctions(pkg)) {
        const parameter = fn.Properties?.Environment?.Variables?.['SIGNING_KEY_PARAMETER'];
        if (parameter !== undefined) assert.equal(parameter, SIGNING_KEY_PARAMETER, `${name} reads the key of another deployment`);
      }
    },
  );

  check(
    'a deployed stage is watched: alarms on the API\'s 5xx rate and p99 latency, on each function\'s errors and throttles and on each table\'s throttles, sent to the stage\'s SNS topic, and prod pages someone by e-mail',
    {
      explained: 'Alarms',
      hints: [
        'Nothing watches a deployed stage yet: infra/watch.mjs (given) adds the alarms and their SNS topic while packaging, once serverless.yml loads it and tells it the stage\'s settings.',
        'The step "watch-the-stage": `- ./infra/watch.mjs` under plugins, and custom.watch with `alarms: ${self:custom.settings.alarms}` and `logDeletionPolicy: ${self:custom.settings.logDeletionPolicy}`. The step "prod-alarms": prod\'s `alarms:` in config/prod.yml.',
        'config/prod.yml: alarms: { email: alarms@example.com, apiErrorRatePercent: 5, apiLatencyP99Ms: 2500 }.',
      ],
      timeoutMs: 240_000,
    },
    () => {
      const pkg = devPackage();
      const resources = pkg.template.Resources;
      const topic = Object.values(resources).find((resource) => resource.Type === 'AWS::SNS::Topic');
      if (!topic) throw new Error('the package has no SNS topic for the alarms: serverless.yml loads no infra/watch.mjs, or custom.watch is missing');
      const alarms = Object.values(resources).filter((resource) => resource.Type === 'AWS::CloudWatch::Alarm');
      const metrics = alarms.map((alarm) => String(alarm.Properties?.MetricName ?? alarm.Properties?.Metrics?.map((entry: Json) => entry.MetricStat?.Metric?.MetricName).filter(Boolean).join('+')));
      for (const metric of ['5XXError', 'Latency']) assert.ok(metrics.includes(metric), `no alarm on the API's ${metric}`);
      const functions = lambdaFunctions(pkg).size;
      for (const metric of ['Errors', 'Throttles']) assert.equal(metrics.filter((name) => name === metric).length, functions, `one ${metric} alarm per function (${functions})`);
      assert.ok(metrics.some((name) => name.includes('ThrottleEvents')), 'no alarm on the tables\' throttled requests');
      for (const alarm of alarms) assert.ok(JSON.stringify(alarm.Properties?.AlarmActions ?? []).includes('Ref'), `${String(alarm.Properties?.AlarmName)} notifies nobody: its AlarmActions must be the topic`);
      const prod = (YAML.parse(appFile('config/prod.yml') ?? '') ?? {}) as Record<string, Json>;
      assert.match(String(prod['alarms']?.['email'] ?? ''), /^[^@\s]+@[^@\s]+$/, "config/prod.yml's alarms must give an e-mail address: in production an alarm must reach a person");
      for (const setting of ['apiErrorRatePercent', 'apiLatencyP99Ms']) assert.ok(Number(prod['alarms']?.[setting]) > 0, `config/prod.yml's alarms must set ${setting}`);
      assert.equal(prod['logDeletionPolicy'], 'Retain', 'prod keeps its log groups when its stack is removed: logDeletionPolicy Retain');
    },
  );
});

/**
 * The signing key never travels through CloudFormation or Lambda's configuration: the functions
 * get the NAME of its SSM parameter and read the value themselves (src/lib/signing-key.ts).
 * Anything in a template can be read by whoever may read the stack (and stays in its history),
 * and environment variables are shown to anyone who may view the function. And each function
 * gets only the variables its own bundle reads: what a function cannot read, it cannot leak.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import YAML from 'yaml';
import { DEPLOYMENTS, lambdaFunctions, resourcesOfType, STAGES, usePackages } from './packages';

/** Every environment variable a function may have. A new one is added here, on purpose. */
const ALLOWED_VARIABLES = [
  'USERS_TABLE',
  'SESSIONS_TABLE',
  'LOGIN_ATTEMPTS_TABLE',
  'TOKEN_ISSUER',
  'ACCESS_TOKEN_TTL_SECONDS',
  'SESSION_TTL_SECONDS',
  'BCRYPT_COST',
  'LOGIN_MAX_FAILURES',
  'LOGIN_WINDOW_SECONDS',
  'CLIENT_IDS',
  'SIGNING_KEY_PARAMETER',
  'CORS_ORIGIN',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_LOG_LEVEL',
];
/** Read by Node itself, not by the bundle: --enable-source-maps, so that logged stacks name the TypeScript files. */
const FOR_NODE = 'NODE_OPTIONS';
/** Set only by the local stack (npm start), never on AWS: the local key itself, dynalite's address, and its patience with a busy laptop. */
const LOCAL_ONLY = ['LOCAL_SIGNING_KEY', 'DYNAMODB_ENDPOINT', 'DYNAMODB_REQUEST_TIMEOUT_MS'];

/** Every setting the code declares (src/lib/config.ts: `setting('NAME', …)`), read from the sources. */
function declaredSettings(): string[] {
  const folder = path.resolve(__dirname, '../../src/lib');
  const names = readdirSync(folder)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .flatMap((file) => [...readFileSync(path.join(folder, file), 'utf8').matchAll(/\bsetting\('([A-Z0-9_]+)'/g)].map((match) => match[1] ?? ''));
  return [...new Set(names)].sort();
}

/** The variables of ALLOWED_VARIABLES and LOCAL_ONLY that a function's bundle names. */
async function variablesReadBy(dir: string, functionName: string): Promise<string[]> {
  const zip = await JSZip.loadAsync(readFileSync(path.join(dir, `${functionName}.zip`)));
  const code = (await zip.file(`src/functions/${functionName}/handler.js`)?.async('string')) ?? '';
  assert.ok(code, `${functionName}.zip has no bundle`);
  return [...ALLOWED_VARIABLES, ...LOCAL_ONLY].filter((name) => code.includes(`"${name}"`));
}

describe('deploy: no secret in a template or an environment variable', function () {
  const packages = usePackages();

  it('knows every setting the code declares: each is given on AWS, or only by the local stack', () => {
    const declared = declaredSettings();
    assert.ok(declared.length >= 10, `only ${declared.length} settings found`);
    assert.deepEqual(declared.filter((name) => !ALLOWED_VARIABLES.includes(name) && !LOCAL_ONLY.includes(name)), []);
  });

  for (const stage of STAGES) {
    describe(stage, () => {
      it('gives each function exactly the variables its bundle reads (ping: no table, no bcrypt cost)', async () => {
        for (const [name, fn] of lambdaFunctions(packages[stage].template)) {
          const given = Object.keys(fn.Properties?.['Environment'].Variables).sort();
          const read = (await variablesReadBy(packages[stage].dir, name)).filter((variable) => !LOCAL_ONLY.includes(variable));
          assert.deepEqual(given, [...read, FOR_NODE].sort(), name);
        }
        const ping = Object.keys(lambdaFunctions(packages[stage].template).get('ping')?.Properties?.['Environment'].Variables);
        assert.ok(!ping.includes('BCRYPT_COST') && !ping.includes('USERS_TABLE'), 'ping reads no table and hashes no password');
      });

      it('reads the signing key only from SSM: the functions that need it get its parameter, never a local key', async () => {
        for (const [name, fn] of lambdaFunctions(packages[stage].template)) {
          const variables = fn.Properties?.['Environment'].Variables;
          for (const local of LOCAL_ONLY) assert.equal(variables[local], undefined, `${name} gets ${local}`);
          const readsKey = (await variablesReadBy(packages[stage].dir, name)).includes('SIGNING_KEY_PARAMETER');
          assert.equal(variables.SIGNING_KEY_PARAMETER, readsKey ? `/${DEPLOYMENTS[stage]}/${stage}/signing-key` : undefined, name);
        }
      });

      it(`names the SSM parameter /${DEPLOYMENTS[stage]}/${stage}/signing-key, and holds no key`, () => {
        const everything = JSON.stringify(packages[stage].template) + JSON.stringify(packages[stage].state);
        // The local stack's key variable, and the ways CloudFormation could carry a secret value.
        assert.doesNotMatch(everything, /LOCAL_SIGNING_KEY|resolve:ssm-secure|resolve:secretsmanager|NoEcho/);
        assert.match(everything, new RegExp(`/${DEPLOYMENTS[stage]}/${stage}/signing-key`));
        assert.deepEqual(resourcesOfType(packages[stage].template, 'AWS::SSM::Parameter'), []);
        assert.equal(packages[stage].template.Parameters, undefined);
      });

      it('has no value that looks like a 256-bit key in any environment variable', () => {
        for (const [name, fn] of lambdaFunctions(packages[stage].template)) {
          for (const value of Object.values(fn.Properties?.['Environment'].Variables)) {
            assert.doesNotMatch(JSON.stringify(value), /[A-Za-z0-9+/_-]{40,}/, name);
          }
        }
      });
    });
  }

  describe('the stage files (config/*.yml)', () => {
    for (const stage of ['local', ...STAGES]) {
      it(`config/${stage}.yml names the key's parameter and holds no secret`, () => {
        const settings = YAML.parse(readFileSync(path.resolve(__dirname, '../../config', `${stage}.yml`), 'utf8'));
        const { signingKeyParameter, ...others } = settings;
        // Under the deployment's name (serverless.yml: service), so that each deployment has a key of its own.
        assert.equal(signingKeyParameter, stage === 'local' ? '' : `/\${self:service}/${stage}/signing-key`);
        // No other setting is a key, a secret, a salt or a password, nor holds a long random-looking value.
        const names = YAML.stringify(others).match(/^\s*[\w-]+(?=:)/gm) ?? [];
        for (const name of names) assert.doesNotMatch(name.trim(), /secret|salt|key$|password$/i);
        assert.doesNotMatch(YAML.stringify(others), /[A-Za-z0-9+/_-]{40,}/);
      });
    }
  });
});

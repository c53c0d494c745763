/**
 * The signing key never travels through CloudFormation or Lambda's configuration: the functions
 * get the NAME of its SSM parameter and read the value themselves (src/lib/signing-key.ts).
 * Anything in a template can be read by whoever may read the stack (and stays in its history),
 * and environment variables are shown to anyone who may view the function.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { lambdaFunctions, resourcesOfType, STAGES, usePackages } from './packages';

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
  'NODE_OPTIONS', // --enable-source-maps (serverless.yml), so that logged stacks name the TypeScript files
].sort();

describe('deploy: no secret in a template or an environment variable', function () {
  const packages = usePackages();

  for (const stage of STAGES) {
    describe(stage, () => {
      it('gives the functions only the known environment variables', () => {
        for (const [name, fn] of lambdaFunctions(packages[stage].template)) {
          assert.deepEqual(Object.keys(fn.Properties?.['Environment'].Variables).sort(), ALLOWED_VARIABLES, name);
        }
      });

      it(`names the SSM parameter /session-api/${stage}/signing-key, and holds no key`, () => {
        for (const [name, fn] of lambdaFunctions(packages[stage].template)) {
          assert.equal(fn.Properties?.['Environment'].Variables.SIGNING_KEY_PARAMETER, `/session-api/${stage}/signing-key`, name);
        }
        const everything = JSON.stringify(packages[stage].template) + JSON.stringify(packages[stage].state);
        // The local stack's key variable, and the ways CloudFormation could carry a secret value.
        assert.doesNotMatch(everything, /LOCAL_SIGNING_KEY|resolve:ssm-secure|resolve:secretsmanager|NoEcho/);
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
        assert.equal(signingKeyParameter, stage === 'local' ? '' : `/session-api/${stage}/signing-key`);
        // No other setting is a key, a secret, a salt or a password, nor holds a long random-looking value.
        const names = YAML.stringify(others).match(/^\s*[\w-]+(?=:)/gm) ?? [];
        for (const name of names) assert.doesNotMatch(name.trim(), /secret|salt|key$|password$/i);
        assert.doesNotMatch(YAML.stringify(others), /[A-Za-z0-9+/_-]{40,}/);
      });
    }
  });
});

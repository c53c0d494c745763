// @ts-check
/**
 * Creates the signing key of a deployed stage in SSM Parameter Store, once:
 *
 *   npm run secrets:init -- --stage dev [--rotate] [--name NAME] [--region us-east-1] [--dry-run]
 *
 * The key is 32 random bytes (256 bits, base64), stored as a SecureString (encrypted with the
 * account's AWS managed key aws/ssm) under the name config/<stage>.yml gives (signingKeyParameter),
 * under the deployment's name: /session-api/dev/signing-key, or /session-api-NAME/dev/signing-key.
 * It checks the credentials first (preflight.mjs).
 * It is never printed, never written to a file, never passed to CloudFormation: the functions
 * read it from SSM themselves (src/lib/signing-key.ts).
 *
 * An existing key is left alone, because replacing it ends every session of the stage at once.
 * --rotate replaces it on purpose (after a leak, say). Running functions keep the key they read
 * at cold start until Lambda recycles them, so right after a rotation some tokens signed with
 * one key meet a container holding the other and get 401: rotate when a wave of log-outs is
 * acceptable.
 */
import { randomBytes } from 'node:crypto';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { parseOptions, signingKeyParameter, workshopTags } from './common.mjs';
import { checkCredentials } from './preflight.mjs';

const KEY_BYTES = 32;

/** @returns {string} a new signing key, base64 (what src/lib/signing-key.ts decodes) */
export function newSigningKey() {
  return randomBytes(KEY_BYTES).toString('base64');
}

/**
 * Writes the key unless one exists (or replaces it with rotate). PutParameter with
 * Overwrite: false is the existence check itself: no read-then-write race, and the old value is
 * never read.
 * @param {{ send: (command: PutParameterCommand) => Promise<unknown> }} ssm
 * @param {{ parameterName: string, stage: string, deployment: string, rotate: boolean, key?: string }} options
 * @returns {Promise<'created' | 'rotated' | 'kept'>}
 */
export async function initSigningKey(ssm, { parameterName, stage, deployment, rotate, key = newSigningKey() }) {
  const common = { Name: parameterName, Value: key, Type: /** @type {const} */ ('SecureString') };
  if (rotate) {
    // SSM refuses tags together with Overwrite; the parameter keeps the tags it was created with.
    await ssm.send(new PutParameterCommand({ ...common, Overwrite: true }));
    return 'rotated';
  }
  try {
    await ssm.send(
      new PutParameterCommand({
        ...common,
        Overwrite: false,
        Description: `Signing key of ${deployment}, stage ${stage} (npm run secrets:init)`,
        Tags: workshopTags(stage, deployment),
      }),
    );
    return 'created';
  } catch (error) {
    if (error instanceof Error && error.name === 'ParameterAlreadyExists') return 'kept';
    throw error;
  }
}

/**
 * @param {string[]} argv
 * @param {{ ssm?: { send: (command: PutParameterCommand) => Promise<unknown> }, log?: (line: string) => void, credentials?: (region: string) => Promise<unknown> }} [dependencies]
 */
export async function main(argv, { ssm, log = console.log, credentials = (region) => checkCredentials({ region }) } = {}) {
  const options = parseOptions(argv, { rotate: { type: 'boolean' } });
  const parameterName = signingKeyParameter(options.stage, options.deployment);
  const rotate = options['rotate'] === true;
  const where = `${parameterName} (${options.region})`;
  if (options.dryRun) {
    log(`Would check the AWS credentials, then ${rotate ? 'replace' : 'create, unless it exists,'} the SecureString ${where} with a new random 256-bit key`);
    return 0;
  }
  await credentials(options.region);
  const outcome = await initSigningKey(ssm ?? new SSMClient({ region: options.region }), { parameterName, stage: options.stage, deployment: options.deployment, rotate });
  const messages = {
    created: `Created the signing key ${where}.`,
    rotated: `Replaced the signing key ${where}: every session of stage ${options.stage} has ended.`,
    kept: `The signing key ${where} exists already: left unchanged (--rotate replaces it).`,
  };
  log(messages[outcome]);
  return 0;
}

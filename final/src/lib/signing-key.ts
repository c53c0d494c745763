/**
 * The key that signs and verifies every token: at least 256 random bits, one per stage, never in
 * the repository, a template or a log. Deployed stages keep it in SSM Parameter Store as a
 * SecureString (created by `npm run secrets:init`); `npm start` generates a fresh one for the
 * local stage. It is read once per cold start and kept as a KeyObject: jsonwebtoken converts a
 * string or Buffer key into a KeyObject on every call, which costs far more than the HMAC itself
 * (bench/README.md, token-check-jsonwebtoken-buffer-key).
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

export const MIN_KEY_BYTES = 32;

export function keyFromBytes(bytes: Buffer): KeyObject {
  if (bytes.byteLength < MIN_KEY_BYTES) {
    throw new Error(`The signing key must be at least ${MIN_KEY_BYTES} bytes (256 bits).`);
  }
  return createSecretKey(bytes);
}

export async function readKeyFromSsm(ssm: Pick<SSMClient, 'send'>, parameterName: string): Promise<KeyObject> {
  const result = await ssm.send(new GetParameterCommand({ Name: parameterName, WithDecryption: true }));
  const value = result.Parameter?.Value;
  if (!value) throw new Error(`SSM parameter ${parameterName} has no value.`);
  return keyFromBytes(Buffer.from(value, 'base64'));
}

let cachedKey: Promise<KeyObject> | undefined;

/** The signing key of this stage, loaded on first use and then cached for the container's life. */
export function signingKey(): Promise<KeyObject> {
  cachedKey ??= loadSigningKey().catch((error: unknown) => {
    cachedKey = undefined; // a failed load (SSM briefly down) is retried by the next request
    throw error;
  });
  return cachedKey;
}

function loadSigningKey(): Promise<KeyObject> {
  const parameterName = process.env['SIGNING_KEY_PARAMETER'];
  if (parameterName) return readKeyFromSsm(new SSMClient({}), parameterName);
  const localKey = process.env['LOCAL_SIGNING_KEY'];
  if (localKey) return Promise.resolve(keyFromBytes(Buffer.from(localKey, 'base64')));
  return Promise.reject(new Error('No signing key configured: set SIGNING_KEY_PARAMETER (AWS) or LOCAL_SIGNING_KEY (local).'));
}

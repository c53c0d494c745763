/**
 * Token check: what the authorizer spends verifying one access token (lib/tokens.ts verifyToken
 * with the KeyObject it caches) against the floor, a bare HMAC-SHA256 check of the same token
 * with node:crypto: recompute the MAC of "header.payload" and compare it with the signature.
 * Everything verifyToken does beyond that (decoding, JSON, claim checks) is the ratio.
 *
 * The same check with the key as a Buffer shows why the key is cached as a KeyObject:
 * jsonwebtoken then rebuilds a KeyObject on every call.
 */
import { createHmac, createSecretKey, randomBytes, randomUUID, timingSafeEqual, type KeyObject } from 'node:crypto';
import { signToken, verifyToken, type VerifyOptions } from '../final/src/lib/tokens';
import { figure, median, type Figure } from './figures';

const ROUNDS = 15;
const OPERATIONS_PER_ROUND = 4000;

/** The floor: one HMAC-SHA256 over the signing input, compared in constant time. */
function hmacCheck(key: KeyObject, token: string): boolean {
  const dot = token.lastIndexOf('.');
  const signature = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = createHmac('sha256', key).update(token.slice(0, dot)).digest();
  return signature.length === expected.length && timingSafeEqual(signature, expected);
}

/** Nanoseconds per call of `operation`, over one round. */
function nanosecondsPerCall(operation: () => unknown, calls: number): number {
  const started = process.hrtime.bigint();
  for (let call = 0; call < calls; call += 1) operation();
  return Number(process.hrtime.bigint() - started) / calls;
}

export function measureTokenCheck(): Figure[] {
  const rawKey = randomBytes(32);
  const key = createSecretKey(rawKey);
  const now = Math.floor(Date.now() / 1000);
  const options: VerifyOptions = { use: 'access', issuer: 'urn:session-api:bench', audiences: ['workshop-web', 'workshop-cli'] };
  const token = signToken(key, { use: 'access', issuer: options.issuer, clientId: 'workshop-web', userId: randomUUID(), sessionId: randomUUID(), expiresAt: now + 900 }, now);

  const candidates = {
    floor: () => hmacCheck(key, token),
    keyObject: () => verifyToken(key, token, options),
    // verifyToken's type asks for a KeyObject; jsonwebtoken accepts a Buffer too, at a price.
    buffer: () => verifyToken(rawKey as unknown as KeyObject, token, options),
  };
  if (!candidates.floor()) throw new Error('the floor refused a valid token');
  const samples: Record<keyof typeof candidates, number[]> = { floor: [], keyObject: [], buffer: [] };
  // Warm up (JIT), then interleave the rounds so that a busy moment of the machine hits all.
  for (const operation of Object.values(candidates)) nanosecondsPerCall(operation, 500);
  for (let round = 0; round < ROUNDS; round += 1) {
    samples.floor.push(nanosecondsPerCall(candidates.floor, OPERATIONS_PER_ROUND));
    samples.keyObject.push(nanosecondsPerCall(candidates.keyObject, OPERATIONS_PER_ROUND));
    // The Buffer key is ~100 times slower: fewer calls keep the round short.
    samples.buffer.push(nanosecondsPerCall(candidates.buffer, OPERATIONS_PER_ROUND / 40));
  }
  const floor = median(samples.floor) / 1000;
  return [
    figure('token-check', median(samples.keyObject) / 1000, 'µs', floor, 2.0),
    figure('token-check-buffer-key', median(samples.buffer) / 1000, 'µs', floor),
  ];
}

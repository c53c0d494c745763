/**
 * Token check: what the authorizer spends verifying one access token (lib/tokens.ts verifyToken:
 * jsonwebtoken.verify plus the rules this service adds, with the KeyObject signing-key.ts
 * caches) against the floor, a bare HMAC-SHA256 check of the same token with node:crypto:
 * recompute the MAC of "header.payload" and compare it with the signature. Everything
 * verification does beyond that (decoding, the claim checks) is the ratio. No target: the
 * check costs microseconds in an authorizer that costs milliseconds (authorizer.ts).
 *
 * Two more figures: jsonwebtoken.verify alone with the same options, so that the cost of the
 * added rules shows; and jsonwebtoken.verify with the key as a Buffer, against the same call
 * with a KeyObject: jsonwebtoken turns a Buffer into a KeyObject again on every call.
 */
import { createHmac, createSecretKey, randomBytes, randomUUID, timingSafeEqual, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ALGORITHM, signToken, verifyToken, type VerifyOptions } from '../final/src/lib/tokens';
import { figure, median, type Figure } from './figures';

const ROUNDS = 15;
const OPERATIONS_PER_ROUND = 4000;

/** The floor: one HMAC-SHA256 over the signing input, compared in constant time. */
export function hmacCheck(key: KeyObject, token: string): boolean {
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

  const [firstAudience = '', ...otherAudiences] = options.audiences;
  const jsonwebtokenOptions: jwt.VerifyOptions = { algorithms: [ALGORITHM], issuer: options.issuer, audience: [firstAudience, ...otherAudiences], clockTolerance: 0, complete: true };
  const candidates = {
    floor: () => hmacCheck(key, token),
    verifyToken: () => verifyToken(key, token, options),
    jsonwebtoken: () => jwt.verify(token, key, jsonwebtokenOptions),
    jsonwebtokenBuffer: () => jwt.verify(token, rawKey, jsonwebtokenOptions),
  };
  if (!candidates.floor()) throw new Error('the floor refused a valid token');
  // Each candidate must accept the token, or the bench would time a refusal.
  for (const operation of Object.values(candidates)) operation();
  const samples: Record<keyof typeof candidates, number[]> = { floor: [], verifyToken: [], jsonwebtoken: [], jsonwebtokenBuffer: [] };
  // Warm up (JIT), then interleave the rounds so that a busy moment of the machine hits all.
  for (const operation of Object.values(candidates)) nanosecondsPerCall(operation, 500);
  for (let round = 0; round < ROUNDS; round += 1) {
    samples.floor.push(nanosecondsPerCall(candidates.floor, OPERATIONS_PER_ROUND));
    samples.verifyToken.push(nanosecondsPerCall(candidates.verifyToken, OPERATIONS_PER_ROUND));
    samples.jsonwebtoken.push(nanosecondsPerCall(candidates.jsonwebtoken, OPERATIONS_PER_ROUND));
    // The Buffer key is ~40 times slower: fewer calls keep the round short.
    samples.jsonwebtokenBuffer.push(nanosecondsPerCall(candidates.jsonwebtokenBuffer, OPERATIONS_PER_ROUND / 40));
  }
  const floor = median(samples.floor) / 1000;
  const withKeyObject = median(samples.jsonwebtoken) / 1000;
  return [
    figure('token-check', median(samples.verifyToken) / 1000, 'µs', floor),
    figure('token-check-jsonwebtoken', withKeyObject, 'µs', floor),
    // Against the same call with a KeyObject: the ratio is what the key's type alone costs.
    figure('token-check-jsonwebtoken-buffer-key', median(samples.jsonwebtokenBuffer) / 1000, 'µs', withKeyObject),
  ];
}

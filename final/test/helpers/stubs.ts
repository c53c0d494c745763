/**
 * Shared pieces for the handlers' unit tests: a handler is loaded through proxyquire with the
 * shared modules it talks to (users, sessions, ...) replaced by sinon stubs, so a unit test
 * runs no database and proves only what the handler itself decides.
 */
import { createSecretKey } from 'node:crypto';
import { readConfig } from '../../src/lib/config';
import { testEnvironment, TEST_SIGNING_KEY } from './environment';

export const settings = readConfig(testEnvironment());
export const testKey = createSecretKey(TEST_SIGNING_KEY);

/** The stubs for lib/config and lib/signing-key that every handler needs. */
export function configStubs(): Record<string, Record<string, unknown>> {
  return {
    '../../lib/config': { config: () => settings },
    '../../lib/signing-key': { signingKey: async () => testKey },
  };
}

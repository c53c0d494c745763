/**
 * Shared pieces for the handlers' unit tests: a handler is loaded through proxyquire with the
 * shared modules it talks to (users, sessions, ...) replaced by sinon stubs, so a unit test
 * runs no database and proves only what the handler itself decides.
 */
import { createSecretKey } from 'node:crypto';
import { useTestEnvironment, TEST_SIGNING_KEY } from './environment';

// The settings the modules read (client ids, token lifetimes, ...), as serverless.yml sets them.
useTestEnvironment();

export const testKey = createSecretKey(TEST_SIGNING_KEY);

/** The stub every handler that signs or verifies tokens needs: the key, without SSM. */
export function signingKeyStub(): Record<string, Record<string, unknown>> {
  return { '../../lib/signing-key': { signingKey: async () => testKey } };
}

/**
 * Starts the real local stack (`serverless offline start --stage local`, the same command as
 * `npm start`) for this app on a free port, for end-to-end tests that speak HTTP to it. The
 * workshop's local-stack package does the work (the chapters' checks start theirs with it too);
 * this only names the app: the folder above test/.
 */
import path from 'node:path';
import type { LocalStack } from '@session-api/local-stack/start.mjs';

export type { LocalStack };

/** @param environment more variables for the stack, e.g. DYNAMODB_ENDPOINT for a database of the test's own */
export async function startLocalStack(environment: Record<string, string> = {}): Promise<LocalStack> {
  // A dynamic import: the package is an ES module, and these tests run as CommonJS.
  const localStack = await import('@session-api/local-stack/start.mjs');
  return localStack.startLocalStack({ serviceDir: path.resolve(__dirname, '../..'), environment });
}

/**
 * Mocha root hooks for the end-to-end suite: one local stack for all e2e tests (starting it
 * takes seconds), stopped at the end. Tests get it with `stack()`.
 *
 * With E2E_BASE_URL set (`npm run smoke -- --url ...`) the same tests speak to that API instead,
 * a deployed stage for example, and start nothing; tests marked [local: ...] are left out then,
 * because they need what only the local stack shows (its signing key, its logs).
 */
import { startLocalStack, type LocalStack } from './local-stack';

function remoteStack(baseUrl: string): LocalStack {
  const localOnly = (what: string) => (): never => {
    throw new Error(`${what} of a remote stage cannot be read: mark this test [local: ...]`);
  };
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    get signingKey(): Buffer {
      return localOnly('the signing key')();
    },
    logs: localOnly('the logs'),
    stop: async () => undefined,
  };
}

let running: LocalStack | undefined;

export function stack(): LocalStack {
  if (!running) throw new Error('the local stack is not running (is test/e2e/hooks.ts loaded?)');
  return running;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(90_000);
    const remote = process.env['E2E_BASE_URL'];
    running = remote ? remoteStack(remote) : await startLocalStack();
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(20_000);
    await running?.stop();
  },
};

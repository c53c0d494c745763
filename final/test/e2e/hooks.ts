/**
 * Mocha root hooks for the end-to-end suite: one local stack for all e2e tests (starting it
 * takes seconds), stopped at the end. Tests get it with `stack()`.
 */
import { startLocalStack, type LocalStack } from './local-stack';

let running: LocalStack | undefined;

export function stack(): LocalStack {
  if (!running) throw new Error('the local stack is not running (is test/e2e/hooks.ts loaded?)');
  return running;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(90_000);
    running = await startLocalStack();
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(20_000);
    await running?.stop();
  },
};

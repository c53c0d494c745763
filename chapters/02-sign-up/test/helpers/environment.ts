/** The environment serverless.yml gives the functions, with test values. */
import { CLIENT_ID } from './events';

export function testEnvironment(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    USERS_TABLE: 'users',
    BCRYPT_COST: '10',
    CLIENT_IDS: CLIENT_ID,
    ...overrides,
  };
}

/** Sets the test environment in this process, for the settings the modules read on use. */
export function useTestEnvironment(overrides: Record<string, string> = {}): void {
  Object.assign(process.env, testEnvironment(overrides));
}

/** The environment serverless.yml gives the functions, with test values. */
import { randomBytes } from 'node:crypto';
import { CLIENT_ID, OTHER_CLIENT_ID } from './events';

export const TEST_SIGNING_KEY = randomBytes(32);

export function testEnvironment(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    USERS_TABLE: 'users',
    SESSIONS_TABLE: 'sessions',
    LOGIN_ATTEMPTS_TABLE: 'login-attempts',
    TOKEN_ISSUER: 'urn:session-api:test',
    ACCESS_TOKEN_TTL_SECONDS: '900',
    SESSION_TTL_SECONDS: '2592000',
    BCRYPT_COST: '10',
    LOGIN_MAX_FAILURES: '10',
    LOGIN_WINDOW_SECONDS: '900',
    CLIENT_IDS: `${CLIENT_ID},${OTHER_CLIENT_ID}`,
    LOCAL_SIGNING_KEY: TEST_SIGNING_KEY.toString('base64'),
    ...overrides,
  };
}

/** Sets the test environment in this process, for the settings the modules read on use. */
export function useTestEnvironment(overrides: Record<string, string> = {}): void {
  Object.assign(process.env, testEnvironment(overrides));
}

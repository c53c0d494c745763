import assert from 'node:assert/strict';
import { testEnvironment } from '../../test/helpers/environment';
import { config, readConfig } from './config';

describe('config', () => {
  it('reads the stage settings from the environment', () => {
    const settings = readConfig(testEnvironment({ CLIENT_IDS: 'web, cli ,,' }));
    assert.equal(settings.accessTokenTtlSeconds, 900);
    assert.equal(settings.sessionTtlSeconds, 2592000);
    assert.equal(settings.bcryptCost, 10);
    assert.deepEqual([...settings.clientIds], ['web', 'cli']);
  });

  it('names every missing or invalid setting, and fails', () => {
    const environment: Record<string, string> = testEnvironment({ BCRYPT_COST: '4', ACCESS_TOKEN_TTL_SECONDS: 'soon' });
    delete environment['USERS_TABLE'];
    assert.throws(() => readConfig(environment), /USERS_TABLE.*|BCRYPT_COST/);
    assert.throws(() => readConfig(environment), (error: Error) => ['USERS_TABLE', 'BCRYPT_COST', 'ACCESS_TOKEN_TTL_SECONDS'].every((name) => error.message.includes(name)));
  });

  it('refuses a bcrypt cost below 10', () => {
    assert.throws(() => readConfig(testEnvironment({ BCRYPT_COST: '9' })), /BCRYPT_COST/);
  });

  it('reads process.env once and caches it', () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, testEnvironment({ STAGE: 'cached' }));
      assert.equal(config().stage, 'cached');
      process.env['STAGE'] = 'changed';
      assert.equal(config().stage, 'cached');
    } finally {
      process.env = saved;
    }
  });
});

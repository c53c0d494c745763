import assert from 'node:assert/strict';
import sinon from 'sinon';
import { problemOf } from '../helpers/events';
import { startTestDatabase, type TestDatabase } from './database';
import { logIn, PASSWORD, signUp, uniqueEmail } from './flows';

const WRONG = 'not the password at all';

describe('integration: log-in throttling', () => {
  let database: TestDatabase;
  before(async () => {
    database = await startTestDatabase();
  });
  after(async () => database.stop());
  afterEach(() => sinon.restore());

  async function failTenTimes(email: string): Promise<void> {
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      assert.equal(problemOf(await logIn(email, WRONG)).body.code, 'invalid_credentials', `attempt ${attempt}`);
    }
  }

  it('answers 429 after 10 failures for an existing account, even with the right password', async () => {
    const email = uniqueEmail();
    await signUp(email);
    await failTenTimes(email);
    const answer = await logIn(email, PASSWORD);
    assert.equal(problemOf(answer).status, 429);
    assert.equal(problemOf(answer).body.code, 'too_many_attempts');
    assert.ok(Number(answer.headers?.['Retry-After']) > 0);
  });

  it('answers 429 the same way for an email that has no account', async () => {
    const email = uniqueEmail();
    await failTenTimes(email);
    assert.equal(problemOf(await logIn(email, WRONG)).status, 429);
  });

  it('throttles per canonical email: other spellings count together, other emails are not affected', async () => {
    const email = uniqueEmail();
    for (let attempt = 0; attempt < 10; attempt += 1) await logIn(attempt % 2 ? email.toUpperCase() : ` ${email}`, WRONG);
    assert.equal(problemOf(await logIn(email, WRONG)).status, 429);
    const other = uniqueEmail();
    await signUp(other);
    assert.equal((await logIn(other)).statusCode, 201);
  });

  it('lets the email try again once the 15-minute window has passed', async () => {
    const email = uniqueEmail();
    await signUp(email);
    await failTenTimes(email);
    assert.equal((await logIn(email)).statusCode, 429);
    sinon.useFakeTimers({ now: Date.now() + 15 * 60 * 1000 + 1000, toFake: ['Date'] });
    assert.equal((await logIn(email)).statusCode, 201);
  });

  it('counts concurrent failures without losing any', async () => {
    const email = uniqueEmail();
    await Promise.all(Array.from({ length: 10 }, () => logIn(email, WRONG)));
    assert.equal(problemOf(await logIn(email, WRONG)).status, 429);
  });
});

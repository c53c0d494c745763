import assert from 'node:assert/strict';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import bcrypt from 'bcryptjs';
import sinon from 'sinon';
import { countAttempt, releaseAttempt, type Admission, type Attempt } from '../../src/lib/login-throttle';
import { nowInSeconds } from '../../src/lib/tokens';
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

  describe('30 log-ins for one email at the same moment', () => {
    /** Counts the passwords checked (bcrypt comparisons) and how many of them matched. */
    function watchPasswordChecks(): { checked: () => number; matched: () => Promise<number> } {
      // The promise form of compare, the one passwords.ts calls.
      const compare = sinon.spy(bcrypt, 'compare') as unknown as sinon.SinonSpy<[string, string], Promise<boolean>>;
      return {
        checked: () => compare.callCount,
        matched: async () => (await Promise.all(compare.returnValues)).filter(Boolean).length,
      };
    }

    it('checks at most 10 passwords when all 30 are wrong: 10 × 401, 20 × 429', async () => {
      const email = uniqueEmail();
      await signUp(email);
      const checks = watchPasswordChecks();
      const answers = await Promise.all(Array.from({ length: 30 }, () => logIn(email, WRONG)));
      const statuses = answers.map((answer) => answer.statusCode);
      assert.equal(statuses.filter((status) => status === 401).length, 10, `statuses: ${statuses.join(',')}`);
      assert.equal(statuses.filter((status) => status === 429).length, 20, `statuses: ${statuses.join(',')}`);
      assert.equal(checks.checked(), 10);
    });

    it('with 29 wrong passwords and then the right one, checks at most 10 wrong ones, and the right one is no failure', async () => {
      const email = uniqueEmail();
      await signUp(email);
      const checks = watchPasswordChecks();
      const answers = await Promise.all([...Array.from({ length: 29 }, () => logIn(email, WRONG)), logIn(email, PASSWORD)]);
      const statuses = answers.map((answer) => answer.statusCode);
      assert.ok(statuses.filter((status) => status === 401).length <= 10, `statuses: ${statuses.join(',')}`);
      assert.ok(statuses.every((status) => status === 401 || status === 429 || status === 201), `statuses: ${statuses.join(',')}`);
      // The right password may be checked too (then it logs in and frees its place): at most
      // 10 wrong passwords are ever checked.
      assert.ok(checks.checked() - (await checks.matched()) <= 10, `${checks.checked()} passwords checked`);
      assert.equal(await checks.matched(), statuses.filter((status) => status === 201).length);
    });
  });

  describe('the window', () => {
    const WINDOW_SECONDS = 15 * 60;

    async function attemptsCounted(email: string): Promise<number> {
      const { Item } = await database.client.send(new GetCommand({ TableName: database.tables.loginAttempts, Key: { email }, ConsistentRead: true }));
      return (Item?.['attemptIds'] as Set<string> | undefined)?.size ?? 0;
    }

    function allowed(admission: Admission): Attempt {
      assert.ok(admission.allowed, 'the attempt was refused');
      return admission.attempt;
    }

    /**
     * Lets the next call of this command reach the database, then fails it as a timeout would:
     * the SDK sends it again, as on AWS when an answer is lost after the write landed.
     */
    function landThenTimeOut(command: 'UpdateItemCommand' | 'PutItemCommand'): void {
      let armed = true;
      database.client.middlewareStack.add(
        (next, context) => async (args) => {
          const result = await next(args);
          if (armed && context.commandName === command) {
            armed = false;
            throw Object.assign(new Error('timed out after the write landed'), { name: 'TimeoutError', $retryable: {}, $metadata: {} });
          }
          return result;
        },
        { step: 'deserialize', name: 'landThenTimeOut' },
      );
    }
    afterEach(() => database.client.middlewareStack.remove('landThenTimeOut'));

    it('a right password gives back only its own attempt: the failures before it still count', async () => {
      const email = uniqueEmail();
      await signUp(email);
      for (let attempt = 0; attempt < 3; attempt += 1) assert.equal((await logIn(email, WRONG)).statusCode, 401);
      assert.equal((await logIn(email)).statusCode, 201);
      assert.equal(await attemptsCounted(email), 3);
    });

    it('counts a retried attempt once when its first try landed, even for the last place', async () => {
      const email = uniqueEmail();
      const now = nowInSeconds();
      for (let attempt = 0; attempt < 9; attempt += 1) allowed(await countAttempt(email, now));
      landThenTimeOut('UpdateItemCommand');
      allowed(await countAttempt(email, now));
      assert.equal(await attemptsCounted(email), 10);
      assert.equal((await countAttempt(email, now)).allowed, false);
    });

    it('starts a new window once when a retried start landed the first time', async () => {
      const email = uniqueEmail();
      const now = nowInSeconds();
      allowed(await countAttempt(email, now));
      landThenTimeOut('PutItemCommand');
      allowed(await countAttempt(email, now + WINDOW_SECONDS));
      assert.equal(await attemptsCounted(email), 1);
    });

    it('gives an attempt back once when a retried release landed the first time', async () => {
      const email = uniqueEmail();
      const now = nowInSeconds();
      const [kept, givenBack] = [allowed(await countAttempt(email, now)), allowed(await countAttempt(email, now))];
      assert.notEqual(kept.id, givenBack.id);
      landThenTimeOut('UpdateItemCommand');
      await releaseAttempt(givenBack);
      assert.equal(await attemptsCounted(email), 1);
    });

    it('gives nothing back from a new window for an attempt of the window before', async () => {
      const email = uniqueEmail();
      const now = nowInSeconds();
      const old = allowed(await countAttempt(email, now));
      allowed(await countAttempt(email, now + WINDOW_SECONDS));
      await releaseAttempt(old);
      assert.equal(await attemptsCounted(email), 1);
    });

    it('refuses with the seconds left in the window as Retry-After', async () => {
      const email = uniqueEmail();
      const now = nowInSeconds();
      for (let attempt = 0; attempt < 10; attempt += 1) allowed(await countAttempt(email, now));
      assert.deepEqual(await countAttempt(email, now + 100), { allowed: false, retryAfterSeconds: WINDOW_SECONDS - 100 });
    });
  });
});

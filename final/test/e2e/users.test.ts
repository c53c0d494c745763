/**
 * Accounts over HTTP: POST /user (sign-up) and GET /user (who am I).
 * Sign-up hashes the password with bcrypt (~0.1 s each), so tests sign up only when the rule
 * they prove needs an account.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  assertProblem,
  attemptLogIn,
  attemptSignUp,
  bearer,
  call,
  clientHeader,
  logIn,
  newEmail,
  newPassword,
  newSession,
  signUp,
  warmUp,
  WEB_CLIENT,
} from './helpers';
import { rememberPassword } from './secrets-seen';

describe('e2e: POST /user (sign-up)', () => {
  it('creates an account: 201 with exactly {id, email}', async () => {
    const email = newEmail();
    const answer = await attemptSignUp(email, newPassword());
    assert.equal(answer.status, 201, answer.text);
    assert.deepEqual(Object.keys(answer.body).sort(), ['email', 'id']);
    assert.match(String(answer.body['id']), /^[0-9a-f-]{36}$/);
    assert.equal(answer.body['email'], email);
  });

  it('answers with the canonical email: trimmed and lower-cased', async () => {
    const canonical = newEmail();
    const answer = await attemptSignUp(`  ${canonical.toUpperCase()}  `, newPassword());
    assert.equal(answer.status, 201, answer.text);
    assert.equal(answer.body['email'], canonical);
  });

  describe('password length, counted as bcrypt does (UTF-8 bytes, at most 72)', () => {
    it('accepts 30 × "é" (30 characters, 60 bytes) and the whole password is what logs in', async () => {
      const account = await signUp(newEmail(), rememberPassword('é'.repeat(30)));
      await logIn(account);
      // A hash of a truncated password would let a prefix log in; this one must not.
      const prefix = await attemptLogIn(account.email, 'é'.repeat(29));
      assertProblem(prefix, 401, 'invalid_credentials');
    });

    it('refuses 40 × "é" (80 bytes) with 400, rather than hashing a truncated password', async () => {
      assertProblem(await attemptSignUp(newEmail(), 'é'.repeat(40)), 400, 'invalid_request');
    });

    it('accepts exactly 72 ASCII bytes and refuses 73', async () => {
      const base = newPassword(); // unique, so the passwords below are too
      const longest = base + 'x'.repeat(72 - base.length);
      assert.equal((await attemptSignUp(newEmail(), longest)).status, 201);
      assertProblem(await attemptSignUp(newEmail(), `${longest}y`), 400, 'invalid_request');
    });

    it('refuses a password shorter than 12 characters with 400', async () => {
      assertProblem(await attemptSignUp(newEmail(), newPassword().slice(0, 11)), 400, 'invalid_request');
    });
  });

  describe('refuses a body of the wrong shape with 400 invalid_request', () => {
    const password = newPassword();
    const cases: Array<[string, unknown]> = [
      ['an email without a domain', { email: 'ann@', password }],
      ['an email without a local part', { email: '@example.com', password }],
      ['text that is no email at all', { email: 'not-an-email', password }],
      ['an empty email', { email: '', password }],
      ['an email as an array', { email: [newEmail()], password }],
      ['a password as a number', { email: newEmail(), password: 123456789012345 }],
      ['a missing password', { email: newEmail() }],
      ['a missing email', { password }],
      ['an unknown field', { email: newEmail(), password, admin: true }],
      ['a JSON array as the body', [newEmail(), password]],
      ['JSON null as the body', null],
    ];
    for (const [label, body] of cases) {
      it(label, async () => {
        const answer = await call('POST', '/user', { headers: { ...clientHeader(), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
        assertProblem(answer, 400, 'invalid_request');
      });
    }

    it('a "__proto__" key (written by hand: JSON.stringify would drop it)', async () => {
      const body = `{"email":"${newEmail()}","password":"${password}","__proto__":{"isAdmin":true}}`;
      const answer = await call('POST', '/user', { headers: { ...clientHeader(), 'Content-Type': 'application/json' }, body });
      assertProblem(answer, 400, 'invalid_request');
    });
  });

  describe('one account per email, however it is typed: 409 email_taken', () => {
    const variants: Array<[string, (email: string) => string]> = [
      ['in another case', (email) => email.toUpperCase()],
      ['with surrounding spaces', (email) => `  ${email}\t`],
    ];
    for (const [label, variant] of variants) {
      it(label, async () => {
        const account = await signUp();
        assertProblem(await attemptSignUp(variant(account.email), newPassword()), 409, 'email_taken');
      });
    }

    it('in another Unicode normalization (NFD vs NFC)', async () => {
      // "josé": é as one code point (NFC) or as e + combining acute accent (NFD).
      const nfc = `josé-${randomUUID()}@example.com`.normalize('NFC');
      const nfd = nfc.normalize('NFD');
      assert.notEqual(nfc, nfd);
      await signUp(nfc);
      assertProblem(await attemptSignUp(nfd, newPassword()), 409, 'email_taken');
    });

    describe('20 sign-ups at the same moment with one email', () => {
      before(async function () {
        this.timeout(120_000);
        // On AWS, 20 concurrent requests get 20 Lambda instances. Locally serverless-offline
        // starts one worker thread per concurrent request, and 20 cold starts plus 20 bcrypt
        // hashes at once on a 2-core machine can pass the 6 s Lambda timeout (504). Twenty cheap
        // requests first (refused before any hashing) leave 20 warm workers, so the race below
        // measures the database's uniqueness rule, not the laptop.
        // On a busy machine the cold starts themselves can time out (504): rounds go on until
        // one is answered in full.
        const invalid = { headers: { ...clientHeader(), 'Content-Type': 'application/json' }, body: '{}' };
        await warmUp(20, () => call('POST', '/user', invalid), 400);
      });

      it('in various forms (case, spaces): exactly one 201, the rest 409', async function () {
        this.timeout(30_000);
        const email = newEmail('race');
        const forms = [email, email.toUpperCase(), ` ${email} `, email.replace(/^./, (first) => first.toUpperCase())];
        const attempts = Array.from({ length: 20 }, (_, index) => ({ email: forms[index % forms.length] ?? email, password: newPassword() }));
        const answers = await Promise.all(attempts.map((attempt) => attemptSignUp(attempt.email, attempt.password)));

        const statuses = answers.map((answer) => answer.status);
        assert.equal(statuses.filter((status) => status === 201).length, 1, `statuses: ${statuses.join(',')}`);
        for (const answer of answers.filter((candidate) => candidate.status !== 201)) assertProblem(answer, 409, 'email_taken');

        // The one account is the winner's: its password logs in, a loser's does not.
        const winner = attempts[statuses.indexOf(201)];
        const loser = attempts[statuses.indexOf(409)];
        assert.ok(winner && loser);
        await logIn({ email, password: winner.password });
        assertProblem(await attemptLogIn(email, loser.password), 401, 'invalid_credentials');
      });
    });
  });

  describe('needs a registered client: 401 invalid_client', () => {
    it('without an X-Client-Id header, and nothing is created', async () => {
      const email = newEmail();
      const answer = await call('POST', '/user', { json: { email, password: newPassword() } });
      assertProblem(answer, 401, 'invalid_client');
      // Had the refused request created the account, this would be 409.
      await signUp(email);
    });

    it('with an unknown X-Client-Id, and nothing is created', async () => {
      const email = newEmail();
      assertProblem(await attemptSignUp(email, newPassword(), 'someone-else'), 401, 'invalid_client');
      await signUp(email);
    });
  });
});

describe('e2e: GET /user', () => {
  it('answers 200 with the caller\'s {id, email, created_at}', async () => {
    const before = Date.now();
    const { account, tokens } = await newSession();
    const answer = await call('GET', '/user', { headers: bearer(tokens.access_token) });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(Object.keys(answer.body).sort(), ['created_at', 'email', 'id']);
    assert.equal(answer.body['id'], account.id);
    assert.equal(answer.body['email'], account.email);
    const createdAt = Date.parse(String(answer.body['created_at']));
    // Sign-up happened during this test (allowing a second of clock rounding).
    assert.ok(createdAt >= before - 1000 && createdAt <= Date.now() + 1000, `created_at: ${String(answer.body['created_at'])}`);
  });

  it('answers the same account with the same client id header as the token', async () => {
    const { account, tokens } = await newSession();
    const answer = await call('GET', '/user', { headers: bearer(tokens.access_token, clientHeader(WEB_CLIENT)) });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.body['id'], account.id);
  });

  it('refuses a request without a token: 401 problem', async () => {
    assertProblem(await call('GET', '/user'), 401);
  });
});

import assert from 'node:assert/strict';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { jsonOf, problemOf } from '../helpers/events';
import { startTestDatabase, type TestDatabase } from './database';
import { logIn, PASSWORD, signUp, uniqueEmail } from './flows';

describe('integration: accounts', () => {
  let database: TestDatabase;
  before(async () => {
    database = await startTestDatabase();
  });
  after(async () => database.stop());

  it('stores the account under its canonical email with a bcrypt hash of cost 10, never the password', async () => {
    const email = uniqueEmail();
    const answer = await signUp(`  ${email.toUpperCase()} `);
    assert.equal(answer.statusCode, 201);
    const { id } = jsonOf<{ id: string }>(answer);
    const { Item } = await database.client.send(new GetCommand({ TableName: database.tables.users, Key: { email } }));
    assert.equal(Item?.['id'], id);
    assert.match(String(Item?.['passwordHash']), /^\$2[ab]\$10\$/);
    assert.ok(!JSON.stringify(Item).includes(PASSWORD));
  });

  it('keeps one identity per canonical email: other case, spaces or Unicode form get 409', async () => {
    const email = `zo\u00e9-${uniqueEmail()}`; // "é" precomposed (NFC)
    assert.equal((await signUp(email)).statusCode, 201);
    for (const variant of [email.toUpperCase(), ` ${email}\t`, email.normalize('NFD')]) {
      const { status, body } = problemOf(await signUp(variant));
      assert.equal(status, 409, variant);
      assert.equal(body.code, 'email_taken');
    }
  });

  it('lets exactly one of 20 concurrent sign-ups with one email succeed', async function () {
    // Twenty bcrypt hashes, one after another in this process (bcryptjs is JavaScript): a
    // second or two, and many more on a busy machine. The test is about who wins, not speed.
    this.timeout(60_000);
    const email = uniqueEmail();
    const spellings = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? email : ` ${email.toUpperCase()}`));
    const answers = await Promise.all(spellings.map((spelling) => signUp(spelling)));
    const statuses = answers.map((answer) => answer.statusCode).sort();
    assert.deepEqual(statuses, [201, ...Array<number>(19).fill(409)]);
  });

  it('lets a password typed in another Unicode form log in (NFKC)', async () => {
    const email = uniqueEmail();
    const composed = 'd\u00e9j\u00e0 vu, encore une fois';
    assert.equal((await signUp(email, composed)).statusCode, 201);
    assert.equal((await logIn(email, composed.normalize('NFD'))).statusCode, 201);
  });
});

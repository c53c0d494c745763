/**
 * What the shared storage modules do when DynamoDB itself fails (down, slow, throttling): they
 * never swallow the error or mistake it for an answer ("no such session", "email taken"); it
 * reaches the HTTP wrapper, which answers 503. The client is a sinon stub here.
 */
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { useTestEnvironment } from '../../test/helpers/environment';
import { setDb } from './dynamodb';
import { countAttempt, releaseAttempt } from './login-throttle';
import { findActiveSession, revokeSession, rotateRefreshToken, saveSession } from './sessions';
import { createUser, findUserByEmail } from './users';

const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
const conditionFailed = () => Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
const rotation = { sessionId: 's', userId: 'u', clientId: 'c', presentedHash: 'old', nextHash: 'new', now: 1 };

describe('storage modules when DynamoDB fails', () => {
  before(() => useTestEnvironment());
  let send: sinon.SinonStub;
  beforeEach(() => {
    send = sinon.stub().rejects(throttled());
    setDb({ send } as never);
  });
  afterEach(() => setDb(undefined));

  const operations: [string, () => Promise<unknown>][] = [
    ['createUser', () => createUser('ada@example.com', 'hash')],
    ['findUserByEmail', () => findUserByEmail('ada@example.com')],
    ['saveSession', () => saveSession({ sessionId: 's', userId: 'u', email: 'e', clientId: 'c', createdAt: 1, expiresAt: 2 }, 'h')],
    ['findActiveSession', () => findActiveSession('s', 1)],
    ['rotateRefreshToken', () => rotateRefreshToken(rotation)],
    ['revokeSession', () => revokeSession('s', 1)],
    ['countAttempt', () => countAttempt('ada@example.com', 1)],
    ['releaseAttempt', () => releaseAttempt({ email: 'ada@example.com', id: 'attempt-1' })],
  ];
  for (const [name, operation] of operations) {
    it(`${name} passes the database error on`, async () => {
      await assert.rejects(operation(), { name: 'ThrottlingException' });
    });
  }

  it('rotateRefreshToken passes on a failure of the theft revocation too', async () => {
    send.onFirstCall().rejects(conditionFailed());
    send.onSecondCall().resolves({ Item: { refreshTokenHash: 'someone-elses' } });
    await assert.rejects(rotateRefreshToken(rotation), { name: 'ThrottlingException' });
  });

  it('countAttempt passes on a failure of the read after a full or ended window', async () => {
    send.onFirstCall().rejects(conditionFailed());
    await assert.rejects(countAttempt('ada@example.com', 1), { name: 'ThrottlingException' });
    sinon.assert.calledTwice(send);
  });

  it('countAttempt passes on a failure while starting a new window', async () => {
    send.onFirstCall().rejects(conditionFailed());
    send.onSecondCall().resolves({ Item: { email: 'ada@example.com', windowEndsAt: 1 } }); // ended
    await assert.rejects(countAttempt('ada@example.com', 1), { name: 'ThrottlingException' });
    assert.equal(send.thirdCall.args[0].constructor.name, 'PutCommand');
  });

  it('countAttempt counts again in a window another request started at the same moment', async () => {
    send.onCall(0).rejects(conditionFailed()); // the window had ended ...
    send.onCall(1).resolves({ Item: { email: 'ada@example.com', windowEndsAt: 1 } });
    send.onCall(2).rejects(conditionFailed()); // ... and another request started the new one
    send.onCall(3).resolves({});
    assert.equal((await countAttempt('ada@example.com', 1)).allowed, true);
    assert.equal(send.getCall(3).args[0].input.UpdateExpression, send.getCall(0).args[0].input.UpdateExpression);
  });

  it('countAttempt refuses for a second when the window keeps changing under it', async () => {
    send.rejects(conditionFailed());
    send.withArgs(sinon.match((command: object) => command.constructor.name === 'GetCommand')).resolves({}); // gone again
    assert.deepEqual(await countAttempt('ada@example.com', 1), { allowed: false, retryAfterSeconds: 1 });
    sinon.assert.callCount(send, 6); // three rounds of a refused update and a read
  });

  it('releaseAttempt treats a retried release that found its own first write as done', async () => {
    send.rejects(conditionFailed());
    await releaseAttempt({ email: 'ada@example.com', id: 'attempt-1' });
    sinon.assert.calledOnce(send);
  });

  it('createUser treats a retried sign-up that found its own first write as a success', async () => {
    send.onFirstCall().rejects(conditionFailed());
    send.onSecondCall().callsFake(async () => ({ Item: { email: 'ada@example.com', id: send.firstCall.args[0].input.Item.id } }));
    const user = await createUser('ada@example.com', 'hash');
    assert.equal(user.id, send.firstCall.args[0].input.Item.id);
  });

  it('createUser still answers email_taken when the account is someone else\'s', async () => {
    send.onFirstCall().rejects(conditionFailed());
    send.onSecondCall().resolves({ Item: { email: 'ada@example.com', id: 'another-id' } });
    await assert.rejects(createUser('ada@example.com', 'hash'), { code: 'email_taken' });
  });

  it('rotateRefreshToken treats a retried rotation that found its own first write as a success', async () => {
    send.onFirstCall().rejects(conditionFailed());
    send.onSecondCall().resolves({ Item: { refreshTokenHash: 'new' } });
    await rotateRefreshToken(rotation);
    sinon.assert.calledTwice(send); // no revocation was attempted
  });
});

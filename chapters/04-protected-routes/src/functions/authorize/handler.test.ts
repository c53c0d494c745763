import assert from 'node:assert/strict';
import { createSecretKey, randomBytes } from 'node:crypto';
import proxyquire from 'proxyquire';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import sinon from 'sinon';
import { authorizerEvent, CLIENT_ID, context } from '../../../test/helpers/events';
import { signingKeyStub, testKey } from '../../../test/helpers/stubs';
import { signToken, type NewToken } from '../../lib/tokens';
import { wholeApiArn } from './handler';

const now = Math.floor(Date.now() / 1000);
const access: NewToken = { use: 'access', issuer: 'urn:session-api:test', clientId: CLIENT_ID, userId: 'user-1', sessionId: 'session-1', expiresAt: now + 900 };
const activeSession = { sessionId: 'session-1', userId: 'user-1', email: 'ada@example.com', clientId: CLIENT_ID, createdAt: now, expiresAt: now + 86400 };

// `session: null` stands for "no active session" (the module answers undefined).
function load(session: object | null = activeSession) {
  const findActiveSession = sinon.stub().resolves(session ?? undefined);
  const { handler } = proxyquire<typeof import('./handler')>('./handler', { ...signingKeyStub(), '../../lib/sessions': { findActiveSession } });
  return { handler, findActiveSession };
}

/** No Bearer token: API Gateway's UNAUTHORIZED (401, challenge without an error code). */
async function noToken(promise: Promise<unknown>): Promise<void> {
  // API Gateway answers 401 only for this exact message; anything else becomes a 500.
  await assert.rejects(promise, (error: Error) => error.message === 'Unauthorized');
}

/** A token that is refused: a Deny policy, API Gateway's ACCESS_DENIED (401, error="invalid_token"). */
async function refusal(promise: Promise<APIGatewayAuthorizerResult>): Promise<void> {
  const result = await promise;
  assert.deepEqual(result.policyDocument.Statement, [
    { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/local/*' },
  ]);
  assert.ok(result.principalId, 'API Gateway needs a principalId even in a Deny');
  assert.equal(result.context, undefined, 'a refusal carries no caller');
}

describe('authorizer (authorize)', () => {
  // #region allow-test
  // #region step:allow-test
  it('allows the whole API for a valid token of an active session, with the caller as context', async () => {
    const { handler, findActiveSession } = load();
    const result = await handler(authorizerEvent(`Bearer ${signToken(testKey, access)}`), context);
    assert.equal(result.principalId, 'user-1');
    assert.deepEqual(result.policyDocument.Statement, [
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/local/*' },
    ]);
    assert.deepEqual(result.context, {
      userId: 'user-1', sessionId: 'session-1', clientId: CLIENT_ID, email: 'ada@example.com', accessTokenExpiresAt: now + 900, sessionExpiresAt: now + 86400,
    });
    sinon.assert.calledOnceWithMatch(findActiveSession, 'session-1', sinon.match.number);
  });
  // #endregion step:allow-test
  // #endregion allow-test

  it('makes a policy that also covers the other methods (the policy is cached per token)', () => {
    assert.equal(wholeApiArn('arn:aws:execute-api:eu-west-1:1:api/dev/DELETE/session'), 'arn:aws:execute-api:eu-west-1:1:api/dev/*');
  });

  it('accepts the scheme in any case, and more than one space before the token (RFC 9110, RFC 6750)', async () => {
    for (const scheme of ['bearer', 'BEARER', 'bEaReR', 'Bearer  ']) {
      const result = await load().handler(authorizerEvent(`${scheme} ${signToken(testKey, access)}`), context);
      assert.equal(result.policyDocument.Statement[0]?.Effect, 'Allow', scheme);
    }
  });

  for (const [name, header] of [
    ['no Authorization header', undefined],
    ['an empty Authorization header', ''],
    ['"Bearer" alone', 'Bearer'],
    ['"Bearer" and spaces', 'Bearer   '],
    ['a Basic header', 'Basic YWRhOnBhc3N3b3Jk'],
    ['a token without its scheme', 'a.b.c'],
    ['"Bearer" run into the token', 'Bearera.b.c'],
  ] as const) {
    it(`answers "no token" (Unauthorized) for ${name}`, async () => {
      const { handler, findActiveSession } = load();
      await noToken(handler(authorizerEvent(header), context));
      sinon.assert.notCalled(findActiveSession);
    });
  }

  for (const [name, header] of [
    ['a Bearer token with four dot-separated parts', 'Bearer a.b.c.d'],
    ['a Bearer token with non-base64url characters', 'Bearer a+b.c/d.e=f'],
    ['a Bearer token of 10 KB', `Bearer ${'a'.repeat(10_000)}.b.c`],
    ['two tokens', 'Bearer a.b.c d.e.f'],
  ] as const) {
    it(`refuses ${name} with a Deny policy (a token was sent), reading nothing`, async () => {
      const { handler, findActiveSession } = load();
      await refusal(handler(authorizerEvent(header), context));
      sinon.assert.notCalled(findActiveSession);
    });
  }

  it('refuses a refresh token used as an access token', async () => {
    await refusal(load().handler(authorizerEvent(`Bearer ${signToken(testKey, { ...access, use: 'refresh' })}`), context));
  });

  it('refuses a token signed with another key', async () => {
    await refusal(load().handler(authorizerEvent(`Bearer ${signToken(createSecretKey(randomBytes(32)), access)}`), context));
  });

  it('refuses a token of an unregistered client', async () => {
    await refusal(load().handler(authorizerEvent(`Bearer ${signToken(testKey, { ...access, clientId: 'intruder' })}`), context));
  });

  // #region session-tests
  it('refuses a valid token whose session ended (logged out, revoked or expired)', async () => {
    await refusal(load(null).handler(authorizerEvent(`Bearer ${signToken(testKey, access)}`), context));
  });

  it('refuses a token that does not match its session', async () => {
    const token = `Bearer ${signToken(testKey, access)}`;
    await refusal(load({ ...activeSession, userId: 'user-2' }).handler(authorizerEvent(token), context));
    await refusal(load({ ...activeSession, clientId: 'workshop-cli' }).handler(authorizerEvent(token), context));
  });
  // #endregion session-tests

  it('lets a database failure through as a failure, not as "Unauthorized" (the gateway answers 503)', async () => {
    const { handler, findActiveSession } = load();
    findActiveSession.rejects(Object.assign(new Error('timeout'), { name: 'TimeoutError' }));
    await assert.rejects(handler(authorizerEvent(`Bearer ${signToken(testKey, access)}`), context), /timeout/);
  });

  it('lets a missing signing key through as a failure, not as "Unauthorized"', async () => {
    const { handler } = proxyquire<typeof import('./handler')>('./handler', {
      ...signingKeyStub(),
      '../../lib/signing-key': { signingKey: () => Promise.reject(new Error('SSM unavailable')) },
    });
    await assert.rejects(handler(authorizerEvent(`Bearer ${signToken(testKey, access)}`), context), /SSM unavailable/);
  });
});

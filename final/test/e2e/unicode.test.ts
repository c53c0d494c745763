/**
 * Emails and passwords must be clean text. Bytes that are not UTF-8 reach the functions as
 * U+FFFD, so two different byte strings would become one password (FF FF ... and FE FE ... both
 * log in); invisible characters would make "\u200bann@example.com" an account apart from
 * "ann@example.com". Each is refused with 400 invalid_request, naming the field, never the value.
 */
import assert from 'node:assert/strict';
import type { Answer } from './api';
import { assertProblem, attemptLogIn, attemptSignUp, call, clientHeader, newEmail, newPassword, signUp } from './helpers';
import { rememberPassword } from './secrets-seen';

const TAIL = 'validtail123';

/** A JSON body written byte by byte: `{"email":"<email>","password":"<password>"}`. */
function rawBody(email: Buffer | string, password: Buffer | string): Buffer {
  return Buffer.concat([Buffer.from('{"email":"'), Buffer.from(email), Buffer.from('","password":"'), Buffer.from(password), Buffer.from('"}')]);
}

/** POSTs raw bytes as application/json: a string could not hold bytes that are not UTF-8. */
function postBytes(route: '/user' | '/session', body: Buffer): Promise<Answer> {
  return call('POST', route, { headers: { ...clientHeader(), 'Content-Type': 'application/json' }, body });
}

function assertRefusedField(answer: Answer, field: 'email' | 'password', reason: RegExp): void {
  assertProblem(answer, 400, 'invalid_request');
  const detail = String(answer.body['detail']);
  assert.match(detail, new RegExp(`\\b${field}\\b`), `the detail names the field: ${detail}`);
  assert.match(detail, reason, detail);
  assert.ok(!answer.text.includes(TAIL), 'the value is never echoed');
}

describe('e2e: bytes that are not UTF-8', () => {
  const ff = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  const fe = Buffer.from([0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe]);
  // What the logs test (logs.after-all.ts) looks for, should either password ever be logged.
  rememberPassword(`${'\ufffd'.repeat(6)}${TAIL}`);

  it('a password of FF bytes + "validtail123" is refused at sign-up, and so is its FE twin at log-in', async () => {
    const email = newEmail();
    assertRefusedField(await postBytes('/user', rawBody(email, Buffer.concat([ff, Buffer.from(TAIL)]))), 'password', /UTF-8/);
    assertRefusedField(await postBytes('/session', rawBody(email, Buffer.concat([fe, Buffer.from(TAIL)]))), 'password', /UTF-8/);
    await signUp(email); // the refused sign-up created nothing
  });

  it('an email with invalid bytes is refused, rather than stored with U+FFFD', async () => {
    const email = newEmail();
    const damaged = Buffer.concat([Buffer.from('x'), ff, Buffer.from(email)]);
    assertRefusedField(await postBytes('/user', rawBody(damaged, newPassword())), 'email', /UTF-8/);
    assertRefusedField(await postBytes('/session', rawBody(damaged, newPassword())), 'email', /UTF-8/);
  });

  it('valid multi-byte UTF-8 sent as raw bytes still signs up and logs in', async () => {
    const password = rememberPassword(`zoé-🔑-${newPassword()}`);
    const email = `zoé-${newEmail()}`;
    assert.equal((await postBytes('/user', rawBody(email, password))).status, 201);
    assert.equal((await postBytes('/session', rawBody(email, password))).status, 201);
  });
});

describe('e2e: invisible characters in emails', () => {
  for (const [label, variant] of [
    ['a zero-width space in front', (email: string) => `\u200b${email}`],
    ['a NUL at the end', (email: string) => `${email}\u0000`],
    ['a right-to-left mark inside', (email: string) => email.replace('@', '\u200f@')],
  ] as const) {
    it(`${label}: 400 at sign-up and at log-in, never an account apart from the visible address`, async () => {
      const account = await signUp();
      assertRefusedField(await attemptSignUp(variant(account.email), newPassword()), 'email', /invisible/);
      assertRefusedField(await attemptLogIn(variant(account.email), account.password), 'email', /invisible/);
    });
  }
});

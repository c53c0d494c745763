import assert from 'node:assert/strict';
import bcrypt from 'bcryptjs';
import sinon from 'sinon';
import { dummyHash, hashPassword, loginPasswordSchema, MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARACTERS, newPasswordSchema, verifyPassword } from './passwords';

describe('passwords', () => {
  afterEach(() => sinon.restore());

  describe('rules for a new password', () => {
    it(`needs at least ${MIN_PASSWORD_CHARACTERS} characters`, () => {
      assert.equal(newPasswordSchema.safeParse('a'.repeat(11)).success, false);
      assert.equal(newPasswordSchema.safeParse('a'.repeat(12)).success, true);
    });

    it('counts characters, not UTF-16 units (12 emoji are 12 characters)', () => {
      assert.equal(newPasswordSchema.safeParse('😀'.repeat(11)).success, false); // 22 UTF-16 units
      assert.equal(newPasswordSchema.safeParse('😀'.repeat(12)).success, true); // 48 bytes
    });

    it(`allows at most ${MAX_PASSWORD_BYTES} bytes in UTF-8, bcrypt's limit, instead of truncating`, () => {
      assert.equal(newPasswordSchema.safeParse('a'.repeat(72)).success, true);
      assert.equal(newPasswordSchema.safeParse('a'.repeat(73)).success, false);
      assert.equal(newPasswordSchema.safeParse('é'.repeat(36)).success, true); // 72 bytes
      assert.equal(newPasswordSchema.safeParse('é'.repeat(37)).success, false); // 74 bytes, 37 characters
    });

    it('normalizes Unicode (NFKC), so one password typed two ways is one password', () => {
      const composed = 'caf\u00e9 au lait please'; // "é" as one code point
      const decomposed = 'cafe\u0301 au lait please'; // "e" + combining accent
      assert.equal(newPasswordSchema.parse(decomposed), composed);
      assert.equal(loginPasswordSchema.parse(decomposed), composed);
    });

    it('has no composition rules', () => {
      assert.equal(newPasswordSchema.safeParse('correct horse battery staple').success, true);
    });

    it('refuses non-strings', () => {
      assert.equal(newPasswordSchema.safeParse(123456789012345).success, false);
    });
  });

  describe('damaged text, for a new password and at log-in', () => {
    // FF FF FF FF FF FF and FE FE FE FE FE FE both arrive as six U+FFFD: one password for two.
    for (const [label, password] of [
      ['U+FFFD (what bytes that are not UTF-8 become)', '\ufffd'.repeat(6) + 'validtail123'],
      ['a lone surrogate', '\ud800validtail123'],
    ] as const) {
      it(`refuses ${label}, with a message that says so`, () => {
        for (const schema of [newPasswordSchema, loginPasswordSchema]) {
          const parsed = schema.safeParse(password);
          assert.equal(parsed.success, false);
          assert.match(parsed.error?.issues[0]?.message ?? '', /must be valid UTF-8 text/);
        }
      });
    }
  });

  describe('rules at log-in', () => {
    it('refuses an empty password or one bcrypt would truncate', () => {
      assert.equal(loginPasswordSchema.safeParse('').success, false);
      assert.equal(loginPasswordSchema.safeParse('a'.repeat(73)).success, false);
      assert.equal(loginPasswordSchema.safeParse('short').success, true); // merely wrong, later
    });
  });

  describe('hashing', () => {
    it('stores a bcrypt hash with the configured cost, never the password', async () => {
      const hash = await hashPassword('correct horse battery', 10);
      assert.match(hash, /^\$2[ab]\$10\$/);
      assert.ok(!hash.includes('correct horse battery'));
      assert.equal(await verifyPassword('correct horse battery', hash, 10), true);
      assert.equal(await verifyPassword('wrong horse battery!', hash, 10), false);
    });

    it('runs one full bcrypt comparison even when there is no account', async () => {
      const compare = sinon.spy(bcrypt, 'compare');
      assert.equal(await verifyPassword('anything at all', undefined, 10), false);
      sinon.assert.calledOnceWithExactly(compare, 'anything at all', dummyHash(10));
    });

    it('refuses a configured bcrypt cost below 10 (OWASP\'s minimum)', () => {
      const saved = process.env['BCRYPT_COST'];
      process.env['BCRYPT_COST'] = '9';
      try {
        assert.throws(() => hashPassword('correct horse battery'), /Invalid setting BCRYPT_COST: must be at least 10/);
      } finally {
        if (saved === undefined) delete process.env['BCRYPT_COST'];
        else process.env['BCRYPT_COST'] = saved;
      }
    });

    it('builds a well-formed dummy hash at the configured cost', () => {
      assert.equal(bcrypt.getRounds(dummyHash(12)), 12);
      assert.equal(dummyHash(10).length, 60);
    });
  });
});

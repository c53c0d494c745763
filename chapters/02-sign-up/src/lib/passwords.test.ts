import assert from 'node:assert/strict';
import { hashPassword, MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARACTERS, newPasswordSchema } from './passwords';

describe('passwords', () => {
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
    });

    it('has no composition rules', () => {
      assert.equal(newPasswordSchema.safeParse('correct horse battery staple').success, true);
    });

    it('refuses non-strings', () => {
      assert.equal(newPasswordSchema.safeParse(123456789012345).success, false);
    });
  });

  describe('damaged text, for a new password', () => {
    // FF FF FF FF FF FF and FE FE FE FE FE FE both arrive as six U+FFFD: one password for two.
    for (const [label, password] of [
      ['U+FFFD (what bytes that are not UTF-8 become)', '\ufffd'.repeat(6) + 'validtail123'],
      ['a lone surrogate', '\ud800validtail123'],
    ] as const) {
      it(`refuses ${label}, with a message that says so`, () => {
        for (const schema of [newPasswordSchema]) {
          const parsed = schema.safeParse(password);
          assert.equal(parsed.success, false);
          assert.match(parsed.error?.issues[0]?.message ?? '', /must be valid UTF-8 text/);
        }
      });
    }
  });

  describe('hashing', () => {
    it('stores a bcrypt hash with the configured cost, never the password', async () => {
      const hash = await hashPassword('correct horse battery', 10);
      assert.match(hash, /^\$2[ab]\$10\$/);
      assert.ok(!hash.includes('correct horse battery'));
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
  });
});

import assert from 'node:assert/strict';
import { canonicalEmail, emailSchema, MAX_EMAIL_LENGTH } from './email';

describe('email', () => {
  it('trims, NFC-normalizes and lower-cases', () => {
    const decomposed = 'Ze\u0301lie@Example.COM'; // "é" as e + combining accent (NFD)
    assert.equal(canonicalEmail(`  ${decomposed}\t`), 'z\u00e9lie@example.com');
  });

  it('gives every spelling of one address the same canonical form', () => {
    const forms = ['ada@example.com', ' ADA@example.com ', 'Ada@Example.Com'];
    assert.equal(new Set(forms.map(canonicalEmail)).size, 1);
  });

  it('accepts internationalized addresses (RFC 6531)', () => {
    assert.equal(emailSchema.parse('Zo\u00e9@Ex\u00e4mple.com'), 'zo\u00e9@ex\u00e4mple.com');
  });

  it('validates after canonicalizing', () => {
    assert.equal(emailSchema.parse('  Ada@Example.com '), 'ada@example.com');
  });

  for (const bad of ['', 'ada', 'ada@', '@example.com', 'ada example@x.com', 'ada@localhost', 'ada@example.', 'ada@.com']) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.equal(emailSchema.safeParse(bad).success, false);
    });
  }

  it(`refuses more than ${MAX_EMAIL_LENGTH} characters`, () => {
    const local = 'a'.repeat(64);
    const domain = `${['b'.repeat(63), 'c'.repeat(63), 'd'.repeat(57)].join('.')}.com`;
    const at254 = `${local}@${domain}`;
    assert.equal(at254.length, MAX_EMAIL_LENGTH);
    assert.equal(emailSchema.safeParse(at254).success, true);
    assert.equal(emailSchema.safeParse(`a${at254}`).success, false);
  });

  it('refuses non-strings', () => {
    assert.equal(emailSchema.safeParse(['ada@example.com']).success, false);
    assert.equal(emailSchema.safeParse(42).success, false);
  });
});

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

  /** The messages of a refused email (what parseJsonBody shows after "email: "). */
  function refusal(raw: string): string[] {
    const parsed = emailSchema.safeParse(raw);
    assert.equal(parsed.success, false, `${JSON.stringify(raw)} was accepted`);
    return parsed.error?.issues.map((issue) => issue.message) ?? [];
  }

  for (const [label, raw] of [
    ['a zero-width space in front', '\u200bname@example.com'],
    ['a NUL at the end', 'name@example.com\u0000'],
    ['a line feed inside', 'name\n@example.com'],
    ['a right-to-left mark', 'name@exam\u200fple.com'],
    ['a soft hyphen (invisible when not at a line end)', 'na\u00adme@example.com'],
    ['a zero-width joiner', 'name\u200d@example.com'],
  ] as const) {
    it(`refuses ${label} (control and format characters, Unicode Cc and Cf), with a message that says so`, () => {
      assert.deepEqual(refusal(raw), ['must not contain control or invisible characters (such as a zero-width space)']);
    });
  }

  it('still trims tabs and spaces around the address (they are control characters too)', () => {
    assert.equal(emailSchema.parse('\t name@example.com \r\n'), 'name@example.com');
  });

  for (const [label, raw] of [
    ['U+FFFD, what bytes that are not UTF-8 become', 'na\ufffdme@example.com'],
    ['a lone surrogate', 'na\ud800me@example.com'],
  ] as const) {
    it(`refuses ${label}, with a message that says so`, () => {
      assert.match(refusal(raw).join('; '), /must be valid UTF-8 text/);
    });
  }

  it('refuses non-strings', () => {
    assert.equal(emailSchema.safeParse(['ada@example.com']).success, false);
    assert.equal(emailSchema.safeParse(42).success, false);
  });
});

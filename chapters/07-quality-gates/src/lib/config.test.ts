import assert from 'node:assert/strict';
import { z } from 'zod';
import { list, optionalText, positiveInteger, setting, text } from './config';

/** Runs `body` with process.env[name] set to `value` (or unset), then puts it back. */
function withVariable(name: string, value: string | undefined, body: () => void): void {
  const saved = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    body();
  } finally {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  }
}

describe('config', () => {
  it('reads a setting from the environment, validated by its schema', () => {
    const ttl = setting('CONFIG_TEST_TTL', positiveInteger);
    withVariable('CONFIG_TEST_TTL', '900', () => assert.equal(ttl(), 900));
  });

  it('names the setting and what is wrong with it, and fails', () => {
    const ttl = setting('CONFIG_TEST_TTL', positiveInteger);
    withVariable('CONFIG_TEST_TTL', undefined, () => assert.throws(ttl, /Invalid setting CONFIG_TEST_TTL: is not set/));
    withVariable('CONFIG_TEST_TTL', 'soon', () => assert.throws(ttl, /Invalid setting CONFIG_TEST_TTL: is not a number/));
    withVariable('CONFIG_TEST_TTL', '1.5', () => assert.throws(ttl, /CONFIG_TEST_TTL: is not a whole number/));
    withVariable('CONFIG_TEST_TTL', '0', () => assert.throws(ttl, /CONFIG_TEST_TTL: must be above 0/));
    const table = setting('CONFIG_TEST_TABLE', text);
    withVariable('CONFIG_TEST_TABLE', '', () => assert.throws(table, /CONFIG_TEST_TABLE: is empty/));
  });

  it('splits a comma-separated list and drops empty items', () => {
    const clients = setting('CONFIG_TEST_CLIENTS', list);
    withVariable('CONFIG_TEST_CLIENTS', 'web, cli ,,', () => assert.deepEqual(clients(), ['web', 'cli']));
  });

  it('reads an optional setting that is unset or empty as undefined', () => {
    const origin = setting('CONFIG_TEST_ORIGIN', optionalText);
    withVariable('CONFIG_TEST_ORIGIN', undefined, () => assert.equal(origin(), undefined));
    withVariable('CONFIG_TEST_ORIGIN', '', () => assert.equal(origin(), undefined));
    withVariable('CONFIG_TEST_ORIGIN', 'https://app.example.com', () => assert.equal(origin(), 'https://app.example.com'));
  });

  it('validates once, and again only when the variable changes', () => {
    let validations = 0;
    const counted = setting('CONFIG_TEST_COUNTED', text.transform((value) => { validations += 1; return value; }));
    withVariable('CONFIG_TEST_COUNTED', 'a', () => {
      assert.equal(counted(), 'a');
      assert.equal(counted(), 'a');
    });
    assert.equal(validations, 1);
    withVariable('CONFIG_TEST_COUNTED', 'b', () => assert.equal(counted(), 'b'));
    assert.equal(validations, 2);
  });

  it('accepts any zod schema, such as a bounded number', () => {
    const cost = setting('CONFIG_TEST_COST', positiveInteger.pipe(z.number().min(10)));
    withVariable('CONFIG_TEST_COST', '9', () => assert.throws(cost, /CONFIG_TEST_COST/));
  });
});

import assert from 'node:assert/strict';
import { apiEvent } from '../../test/helpers/events';
import { requireClient } from './clients';
import { Problem } from './problem';

const registered = new Set(['workshop-web']);

describe('clients', () => {
  it('returns a registered client id, whatever the header case', () => {
    assert.equal(requireClient(apiEvent({ headers: { 'x-client-id': 'workshop-web' } }), registered), 'workshop-web');
  });

  for (const [name, headers] of [
    ['a missing header', {}],
    ['an unknown client', { 'X-Client-Id': 'someone-else' }],
    ['a near miss', { 'X-Client-Id': 'Workshop-Web' }],
    ['an empty header', { 'X-Client-Id': '' }],
  ] as const) {
    it(`refuses ${name} with 401 invalid_client`, () => {
      assert.throws(
        () => requireClient(apiEvent({ headers }), registered),
        (error: unknown) => error instanceof Problem && error.status === 401 && error.code === 'invalid_client',
      );
    });
  }
});

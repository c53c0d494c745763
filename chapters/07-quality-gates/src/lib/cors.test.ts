import assert from 'node:assert/strict';
import { corsHeaders } from './cors';

describe('cors', () => {
  it('allows the configured origin and exposes Retry-After and WWW-Authenticate', () => {
    assert.deepEqual(corsHeaders('https://app.example.com'), {
      'Access-Control-Allow-Origin': 'https://app.example.com',
      'Access-Control-Expose-Headers': 'Retry-After, WWW-Authenticate',
    });
  });

  it('adds nothing when no origin is configured', () => {
    assert.deepEqual(corsHeaders(''), {});
  });

  it('reads CORS_ORIGIN by default', () => {
    const saved = process.env['CORS_ORIGIN'];
    process.env['CORS_ORIGIN'] = 'http://localhost:5173';
    try {
      assert.equal(corsHeaders()['Access-Control-Allow-Origin'], 'http://localhost:5173');
    } finally {
      if (saved === undefined) delete process.env['CORS_ORIGIN'];
      else process.env['CORS_ORIGIN'] = saved;
    }
  });
});

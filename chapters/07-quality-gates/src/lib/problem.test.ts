import assert from 'node:assert/strict';
import { CHALLENGES, Problem, type ProblemCode } from './problem';

describe('problem', () => {
  it('gives every 401 a WWW-Authenticate challenge (RFC 9110 section 15.5.2)', () => {
    const expected: Partial<Record<ProblemCode, string>> = {
      invalid_client: 'ClientId realm="session-api"',
      invalid_credentials: 'Password realm="session-api"',
      invalid_token: 'Bearer realm="session-api", error="invalid_token"',
    };
    for (const [code, challenge] of Object.entries(expected)) {
      const problem = new Problem(code as ProblemCode, 'detail');
      assert.equal(problem.status, 401, code);
      assert.equal(problem.headers['WWW-Authenticate'], challenge, code);
    }
  });

  it('lets a problem name a more precise challenge, and keeps its other headers', () => {
    const problem = new Problem('invalid_token', 'The refresh token is not valid.', { 'WWW-Authenticate': CHALLENGES.refreshToken, 'X-Other': '1' });
    assert.deepEqual(problem.headers, { 'WWW-Authenticate': 'RefreshToken realm="session-api", error="invalid_token"', 'X-Other': '1' });
  });

  it('adds no challenge to answers that are not 401', () => {
    for (const code of ['invalid_request', 'not_found', 'too_many_attempts', 'service_unavailable'] as const) {
      assert.equal(new Problem(code, 'detail').headers['WWW-Authenticate'], undefined, code);
    }
    assert.deepEqual(new Problem('too_many_attempts', 'detail', { 'Retry-After': '60' }).headers, { 'Retry-After': '60' });
  });

  it('writes challenges as RFC 9110 defines them: a scheme (a token), then auth-params with quoted values', () => {
    const token = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    const challenge = new RegExp(`^${token}( ${token}="[^"\\\\]*"(, ${token}="[^"\\\\]*")*)?$`);
    for (const [name, value] of Object.entries(CHALLENGES)) assert.match(value, challenge, name);
  });
});

import assert from 'node:assert/strict';
import { z } from 'zod';
import { apiEvent, context, jsonOf, problemOf } from '../../test/helpers/events';
import { header, httpHandler, MAX_BODY_BYTES, parseJsonBody } from './http';
import { Problem } from './problem';

const schema = z.strictObject({ name: z.string(), count: z.number() });

function problemFrom(run: () => unknown): Problem {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof Problem, `expected a Problem, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a Problem to be thrown');
}

describe('http', () => {
  describe('header()', () => {
    it('finds a header whatever its case', () => {
      assert.equal(header({ headers: { 'x-client-id': 'a' } }, 'X-Client-Id'), 'a');
      assert.equal(header({ headers: { 'X-CLIENT-ID': 'b' } }, 'x-client-id'), 'b');
    });
    it('answers undefined when there are no headers', () => {
      assert.equal(header({ headers: null }, 'Authorization'), undefined);
    });
  });

  describe('parseJsonBody()', () => {
    it('returns the validated body', () => {
      assert.deepEqual(parseJsonBody(apiEvent({ json: { name: 'a', count: 1 } }), schema), { name: 'a', count: 1 });
    });

    it('accepts a charset parameter on application/json', () => {
      const event = apiEvent({ body: '{"name":"a","count":1}', headers: { 'content-type': 'application/json; charset=utf-8' } });
      assert.deepEqual(parseJsonBody(event, schema), { name: 'a', count: 1 });
    });

    it('decodes base64-encoded bodies', () => {
      const event = apiEvent({ json: {} });
      event.body = Buffer.from('{"name":"b","count":2}').toString('base64');
      event.isBase64Encoded = true;
      assert.deepEqual(parseJsonBody(event, schema), { name: 'b', count: 2 });
    });

    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx', undefined]) {
      it(`refuses Content-Type ${String(contentType)} with 415`, () => {
        const event = apiEvent({ body: '{"name":"a","count":1}', headers: contentType ? { 'Content-Type': contentType } : {} });
        const problem = problemFrom(() => parseJsonBody(event, schema));
        assert.equal(problem.status, 415);
        assert.equal(problem.code, 'unsupported_media_type');
      });
    }

    it('refuses a body over 16 KiB with 413, before parsing it', () => {
      const event = apiEvent({ body: `{"name":"${'a'.repeat(MAX_BODY_BYTES)}","count":1}`, headers: { 'Content-Type': 'application/json' } });
      const problem = problemFrom(() => parseJsonBody(event, schema));
      assert.equal(problem.status, 413);
      assert.equal(problem.code, 'payload_too_large');
    });

    it('counts bytes, not characters, against the limit', () => {
      const body = JSON.stringify({ name: 'é'.repeat(MAX_BODY_BYTES / 2), count: 1 }); // 2 bytes each
      const problem = problemFrom(() => parseJsonBody(apiEvent({ body, headers: { 'Content-Type': 'application/json' } }), schema));
      assert.equal(problem.status, 413);
    });

    for (const body of ['{', '', 'null x', '{"name":']) {
      it(`answers 400 for malformed JSON ${JSON.stringify(body)}`, () => {
        const problem = problemFrom(() => parseJsonBody(apiEvent({ body, headers: { 'Content-Type': 'application/json' } }), schema));
        assert.equal(problem.status, 400);
        assert.equal(problem.code, 'invalid_request');
      });
    }

    it('answers 400 naming the fields that are wrong, never their values', () => {
      const problem = problemFrom(() => parseJsonBody(apiEvent({ json: { name: 'secret-value', count: 'three' } }), z.strictObject({ name: z.number(), count: z.number() })));
      assert.equal(problem.status, 400);
      assert.match(problem.detail, /name/);
      assert.match(problem.detail, /count/);
      assert.doesNotMatch(problem.detail, /secret-value/);
    });

    it('refuses unknown fields', () => {
      const problem = problemFrom(() => parseJsonBody(apiEvent({ json: { name: 'a', count: 1, admin: true } }), schema));
      assert.equal(problem.code, 'invalid_request');
      assert.match(problem.detail, /admin/);
    });

    it('refuses a __proto__ key and pollutes no prototype', () => {
      const body = '{"name":"a","count":1,"__proto__":{"polluted":true}}';
      const problem = problemFrom(() => parseJsonBody(apiEvent({ body, headers: { 'Content-Type': 'application/json' } }), schema));
      assert.equal(problem.code, 'invalid_request');
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    });

    for (const json of [null, [], 'text', 42]) {
      it(`refuses a body that is ${JSON.stringify(json)}, not an object`, () => {
        const problem = problemFrom(() => parseJsonBody(apiEvent({ json }), schema));
        assert.equal(problem.status, 400);
      });
    }
  });

  describe('httpHandler()', () => {
    it('answers JSON with no-store caching', async () => {
      const result = await httpHandler(async () => ({ status: 201, body: { ok: true } }))(apiEvent(), context);
      assert.equal(result.statusCode, 201);
      assert.equal(result.headers?.['Content-Type'], 'application/json');
      assert.equal(result.headers?.['Cache-Control'], 'no-store');
      assert.deepEqual(jsonOf(result), { ok: true });
    });

    it('answers an empty body without a Content-Type', async () => {
      const result = await httpHandler(async () => ({ status: 204 }))(apiEvent(), context);
      assert.equal(result.statusCode, 204);
      assert.equal(result.body, '');
      assert.equal(result.headers?.['Content-Type'], undefined);
    });

    it('answers a thrown Problem as an RFC 9457 problem document', async () => {
      const result = await httpHandler(async () => {
        throw new Problem('email_taken', 'Already there.');
      })(apiEvent(), context);
      assert.deepEqual(problemOf(result), {
        status: 409,
        contentType: 'application/problem+json',
        body: { type: 'about:blank', status: 409, title: 'Email already registered', detail: 'Already there.', code: 'email_taken' },
      });
    });

    it('answers an unexpected error with 500 and nothing of the error itself', async () => {
      const result = await httpHandler(async () => {
        throw new TypeError('cannot read secretThing of undefined');
      })(apiEvent(), context);
      const { status, body } = problemOf(result);
      assert.equal(status, 500);
      assert.equal(body.code, 'internal_error');
      assert.doesNotMatch(result.body, /secretThing|TypeError|at /);
    });

    it('answers 503 with Retry-After when the database is unavailable', async () => {
      const result = await httpHandler(async () => {
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ProvisionedThroughputExceededException' });
      })(apiEvent(), context);
      const { status, body } = problemOf(result);
      assert.equal(status, 503);
      assert.equal(body.code, 'service_unavailable');
      assert.equal(result.headers?.['Retry-After'], '1');
      assert.doesNotMatch(result.body, /ProvisionedThroughput/);
    });

    it('treats a thrown non-Error as an internal error', async () => {
      const result = await httpHandler(async () => {
        throw 'a string'; // eslint-disable-line @typescript-eslint/only-throw-error -- what a careless dependency might do
      })(apiEvent(), context);
      assert.equal(result.statusCode, 500);
    });
  });
});

import assert from 'node:assert/strict';
import sinon from 'sinon';
import { z } from 'zod';
import { apiEvent, context, jsonOf, problemOf } from '../../test/helpers/events';
import { header, httpHandler, MAX_BODY_BYTES, MAX_CAUSES, parseJsonBody } from './http';
import { logger } from './logger';
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

describe('http: what an error logs', () => {
  let logged: sinon.SinonStub;
  beforeEach(() => (logged = sinon.stub(logger, 'error')));
  afterEach(() => sinon.restore());

  /** Answers a request whose handler calls `fail`; returns the answer and the one error line logged. */
  async function answerTo(fail: () => never): Promise<{ body: string; status: number; message: string; error: Record<string, unknown> }> {
    const result = await httpHandler(async () => fail())(apiEvent(), context);
    sinon.assert.calledOnce(logged);
    const [message, fields] = logged.firstCall.args as [string, { error: Record<string, unknown> }];
    return { body: result.body, status: result.statusCode, message, error: fields.error };
  }

  function failingDeepInside(): never {
    throw new Error('the configuration is broken', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
  }

  it('logs an unexpected error with its stack and its cause, and tells the client neither', async () => {
    const { body, status, message, error } = await answerTo(failingDeepInside);
    assert.equal(status, 500);
    assert.equal(message, 'unexpected error');
    assert.equal(error['message'], 'the configuration is broken');
    // Where it happened: the function that threw, in this file.
    assert.match(String(error['stack']), /at failingDeepInside \(.*http\.test\.ts:\d+:\d+\)/);
    const cause = error['cause'] as Record<string, unknown>;
    assert.deepEqual({ name: cause['name'], message: cause['message'], code: cause['code'] }, { name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:1', code: 'ECONNREFUSED' });
    assert.match(String(cause['stack']), /http\.test\.ts/);
    assert.doesNotMatch(body, /configuration|ECONNREFUSED|failingDeepInside|http\.test|at /);
  });

  it('logs a database error with its stack and cause too, and answers 503 without them', async () => {
    const throttled = Object.assign(new Error('Rate of requests exceeds the allowed throughput.', { cause: new Error('socket hang up') }), { name: 'ProvisionedThroughputExceededException' });
    const { body, status, message, error } = await answerTo(() => {
      throw throttled;
    });
    assert.equal(status, 503);
    assert.equal(message, 'database unavailable');
    assert.match(String(error['stack']), /http\.test\.ts/);
    assert.equal((error['cause'] as Record<string, unknown>)['message'], 'socket hang up');
    assert.doesNotMatch(body, /Rate of requests|socket hang up|ProvisionedThroughput|http\.test|at /);
  });

  it(`follows causes ${MAX_CAUSES} deep and no further, so that a cause pointing back at its error cannot loop`, async () => {
    const loop = new Error('first');
    loop.cause = loop;
    const { error } = await answerTo(() => {
      throw loop;
    });
    let depth = 0;
    let described: Record<string, unknown> | undefined = error;
    while (described?.['cause'] !== undefined) {
      described = described['cause'] as Record<string, unknown>;
      depth += 1;
    }
    assert.equal(depth, MAX_CAUSES + 1);
    assert.deepEqual(described, { name: 'truncated', message: `more than ${MAX_CAUSES} causes` });
  });

  it('logs only the name, message, code, stack and cause of an error, not its other properties', async () => {
    const { error } = await answerTo(() => {
      throw Object.assign(new Error('request failed'), { request: { headers: { authorization: 'Bearer secret-token' } } });
    });
    assert.deepEqual(Object.keys(error).sort(), ['message', 'name', 'stack']);
    assert.doesNotMatch(JSON.stringify(error), /secret-token/);
  });

  it('describes a thrown value or a cause that is not an Error, even one without a prototype', async () => {
    const { error } = await answerTo(() => {
      throw new Error('wrapped', { cause: Object.create(null) as unknown });
    });
    assert.deepEqual(error['cause'], { name: 'unknown', message: '[object Object]' });
    logged.resetHistory();
    const { error: thrown } = await answerTo(() => {
      throw 42; // eslint-disable-line @typescript-eslint/only-throw-error -- what a careless dependency might do
    });
    assert.deepEqual(thrown, { name: 'unknown', message: '42' });
  });
});

describe('http: bodies that are not UTF-8', () => {
  const passwordSchema = z.strictObject({ password: z.string() });
  /** A base64-encoded body (as API Gateway hands over raw bytes): `{"password":"<bytes>"}`. */
  function base64Event(passwordBytes: Buffer) {
    const event = apiEvent({ json: {} });
    event.body = Buffer.concat([Buffer.from('{"password":"'), passwordBytes, Buffer.from('"}')]).toString('base64');
    event.isBase64Encoded = true;
    return event;
  }

  for (const [label, bytes] of [
    ['FF bytes', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]],
    ['FE bytes', [0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe]],
    ['a truncated two-byte sequence', [0xc3]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['an encoded surrogate (CESU-8)', [0xed, 0xa0, 0x80]],
  ] as const) {
    it(`refuses ${label} in a base64-encoded body with 400, rather than turning them into U+FFFD`, () => {
      const problem = problemFrom(() => parseJsonBody(base64Event(Buffer.concat([Buffer.from(bytes), Buffer.from('validtail123')])), passwordSchema));
      assert.equal(problem.status, 400);
      assert.equal(problem.code, 'invalid_request');
      assert.match(problem.detail, /UTF-8/);
    });
  }

  it('still reads a base64-encoded body of valid UTF-8, multi-byte characters included', () => {
    assert.deepEqual(parseJsonBody(base64Event(Buffer.from('zoé-🔑-validtail')), passwordSchema), { password: 'zoé-🔑-validtail' });
  });
});

// @ts-check
/**
 * Every refusal of the room is an RFC 9457 problem document (Content-Type:
 * application/problem+json), as the Session API's own are: a code a program can test, and a
 * detail a person can read. Fastify's own errors (a body that is not JSON, too large, invalid
 * against its schema) and the rate limit's are turned into one here, in one error handler.
 */
import { STATUS_CODES } from 'node:http';

/** A refusal with its status, code and detail. */
export class Problem extends Error {
  /** @param {number} statusCode @param {string} code @param {string} detail */
  constructor(statusCode, code, detail) {
    super(detail);
    this.statusCode = statusCode;
    this.code = code;
  }
}

/** Fastify's error codes, in the room's words. */
const FASTIFY_CODES = /** @type {Record<string, string>} */ ({
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
});

/**
 * The problem document of an error, and its status.
 * @param {any} error
 */
export function problemOf(error) {
  const status = Number.isInteger(error?.statusCode) && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  let code = error instanceof Problem ? error.code : FASTIFY_CODES[error?.code] ?? (status === 429 ? 'rate_limited' : status === 404 ? 'not_found' : status >= 500 ? 'internal_error' : 'bad_request');
  let detail = status >= 500 ? 'The room could not do this; its terminal says why.' : String(error?.message ?? STATUS_CODES[status]);
  if (Array.isArray(error?.validation)) {
    code = 'invalid_body';
    detail = error.validation.map((/** @type {any} */ issue) => describe(issue, error.validationContext)).join('; ');
  } else if (error instanceof SyntaxError || code === 'malformed_json') {
    code = 'malformed_json';
    detail = 'The body is not valid JSON.';
  }
  return { status, body: { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, code, detail } };
}

/**
 * One validation issue in words: where, and what is wrong.
 * @param {any} issue an Ajv error
 * @param {string} context "body", "querystring", ...
 */
function describe(issue, context = 'body') {
  const where = `${context}${issue.instancePath ?? ''}`;
  if (issue.keyword === 'additionalProperties') return `${where} has "${issue.params?.additionalProperty}", which the room never accepts`;
  return `${where} ${issue.message}`;
}

/**
 * Installs the problem documents on a Fastify app: errors, and paths that do not exist.
 * @param {import('fastify').FastifyInstance} app
 * @param {(error: unknown) => void} logError where a 5xx is told
 */
export function useProblems(app, logError) {
  app.setErrorHandler((error, _request, reply) => {
    const { status, body } = problemOf(error);
    if (status >= 500) logError(error);
    void reply.code(status).type('application/problem+json').send(body);
  });
}

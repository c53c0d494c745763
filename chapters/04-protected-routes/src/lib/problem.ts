/**
 * Errors as RFC 9457 "problem details". Every error the API answers is one of these, with a
 * stable machine-readable `code` that clients can switch on. The texts are written here, once,
 * so no handler can leak a stack trace, a DynamoDB error name or "no such user" by accident.
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * A 401 must say how to authenticate, in a WWW-Authenticate challenge (RFC 9110 section 15.5.2).
 * Each names the credential the client sent wrong, and the realm (this API). serverless.yml's
 * gateway responses send the two Bearer ones for API Gateway's own 401s.
 *
 * Bearer (RFC 6750) is the scheme of the access token in the Authorization header. The other
 * credentials of this API travel in its own ways (a JSON body, the X-Client-Id header), which no
 * registered scheme describes, so they get custom schemes, as RFC 9110 section 11.1 allows (the
 * scheme is a token; a client that does not know it still learns the request needs credentials).
 * Not Basic: a browser answers it with its own password dialog. Not Bearer: that would ask for
 * an access token in the Authorization header, which these routes do not read.
 */
export const CHALLENGES = {
  /** A Bearer route called without an access token (RFC 6750 section 3.1: no error code then). */
  bearer: 'Bearer realm="session-api"',
  /** An access token was sent and refused: bad, expired, or of an ended session. */
  bearerInvalidToken: 'Bearer realm="session-api", error="invalid_token"',
  /** POST /session: the email and password of the JSON body. */
  password: 'Password realm="session-api"',
  /** The X-Client-Id header: missing, unknown, or not the client of the token. */
  clientId: 'ClientId realm="session-api"',
} as const;

// #region problems
/** Every 401 has a challenge; a problem may replace its code's with a more precise one. */
const problems = {
  invalid_request: { status: 400, title: 'Invalid request' },
  invalid_client: { status: 401, title: 'Unknown client', challenge: CHALLENGES.clientId },
  invalid_credentials: { status: 401, title: 'Invalid credentials', challenge: CHALLENGES.password },
  invalid_token: { status: 401, title: 'Invalid token', challenge: CHALLENGES.bearerInvalidToken },
  not_found: { status: 404, title: 'Not found' },
  email_taken: { status: 409, title: 'Email already registered' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  internal_error: { status: 500, title: 'Internal error' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
} as const;
// #endregion problems

export type ProblemCode = keyof typeof problems;

export interface ProblemBody {
  type: string;
  status: number;
  title: string;
  detail: string;
  code: ProblemCode;
}

/** Thrown anywhere in a request; the HTTP wrapper turns it into the response. */
export class Problem extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    headers: Record<string, string> = {},
  ) {
    super(`${code}: ${detail}`);
    this.name = 'Problem';
    const problem: { status: number; challenge?: string } = problems[code];
    this.status = problem.status;
    this.headers = problem.challenge === undefined ? headers : { 'WWW-Authenticate': problem.challenge, ...headers };
  }

  toBody(): ProblemBody {
    return {
      // "about:blank" says the title is just the HTTP meaning; `code` carries the precise one.
      type: 'about:blank',
      status: this.status,
      title: problems[this.code].title,
      detail: this.detail,
      code: this.code,
    };
  }
}

/**
 * Errors as RFC 9457 "problem details". Every error the API answers is one of these, with a
 * stable machine-readable `code` that clients can switch on. The texts are written here, once,
 * so no handler can leak a stack trace, a DynamoDB error name or "no such user" by accident.
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const problems = {
  invalid_request: { status: 400, title: 'Invalid request' },
  invalid_client: { status: 401, title: 'Unknown client' },
  invalid_credentials: { status: 401, title: 'Invalid credentials' },
  invalid_token: { status: 401, title: 'Invalid token' },
  not_found: { status: 404, title: 'Not found' },
  email_taken: { status: 409, title: 'Email already registered' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  too_many_attempts: { status: 429, title: 'Too many attempts' },
  internal_error: { status: 500, title: 'Internal error' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
} as const;

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
    this.status = problems[code].status;
    this.headers = headers;
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

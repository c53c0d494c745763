/** A tiny HTTP client for the end-to-end tests: JSON in, status + headers + JSON out. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  json?: unknown;
  /** Sent as it is: text, or bytes (a Uint8Array body makes fetch add no Content-Type at all). */
  body?: string | Uint8Array;
}

export async function request<T = Record<string, unknown>>(baseUrl: string, method: string, route: string, options: RequestOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...(options.json === undefined ? {} : { 'Content-Type': 'application/json' }), ...options.headers };
  const response = await fetch(`${baseUrl}${route}`, {
    method,
    headers,
    ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : options.body !== undefined ? { body: options.body } : {}),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { unparsable: text };
  }
  return { status: response.status, headers: response.headers, body: body as T, text };
}

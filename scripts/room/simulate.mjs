// @ts-check
/**
 * Simulated attendees, for the tests, the dashboard's picture and the benchmark: each is a
 * laptop of its own (its own connection, and with `address`, its own loopback address, as each
 * laptop has its own on the room's network), that joins a room and sends the reports a real
 * attendee's commands send (built by the same reportOf() as theirs).
 */
import http from 'node:http';
import { reportOf } from './client.mjs';

/**
 * @typedef {object} Answer
 * @property {number} status
 * @property {any} json
 * @property {Record<string, string | string[] | undefined>} headers
 * @property {number} ms   from the request's start to the end of the answer
 */

/**
 * One HTTP request, with node:http, on a given agent (a laptop's connection).
 * @param {string} url the room, e.g. http://127.0.0.1:3002
 * @param {string} method @param {string} route
 * @param {{ body?: unknown, raw?: string | Buffer, token?: string | undefined, agent?: http.Agent, headers?: Record<string, string> }} [options]
 * @returns {Promise<Answer>}
 */
export function request(url, method, route, { body, raw, token, agent, headers = {} } = {}) {
  const payload = raw ?? (body === undefined ? undefined : JSON.stringify(body));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      `${url}${route}`,
      {
        method,
        ...(agent ? { agent } : {}),
        headers: {
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
      },
      (response) => {
        /** @type {Buffer[]} */
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = text;
          }
          resolve({ status: response.statusCode ?? 0, json, headers: response.headers, ms: performance.now() - started });
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/**
 * A simulated attendee's laptop.
 * @param {string} url @param {{ address?: string }} [options] the loopback address it sends from
 */
export function laptop(url, { address } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1, ...(address ? { localAddress: address } : {}) });
  /** @type {string | undefined} */
  let token;
  return {
    /** @param {string} code @param {string} name */
    async join(code, name) {
      const answer = await request(url, 'POST', '/api/join', { body: { code, name }, agent });
      if (answer.status !== 201) throw new Error(`join answered ${answer.status}: ${JSON.stringify(answer.json)}`);
      token = answer.json.token;
      return answer.json;
    },
    get token() {
      return token;
    },
    /** its connection, to send other requests from the same laptop */
    agent,
    /**
     * Sends reports, as reportToRoom does.
     * @param {import('./schema.mjs').Report[]} reports
     */
    send(reports) {
      return request(url, 'POST', '/api/reports', { body: { reports }, token, agent });
    },
    close() {
      agent.destroy();
    },
  };
}

/**
 * A verify's report: `passed` of `titles` pass, the others fail.
 * @param {{ chapter: number, titles: string[], passed: number, section?: string, at?: Date, movedOn?: boolean }} options
 */
export function verifyReport({ chapter, titles, passed, section, at = new Date(), movedOn = false }) {
  const results = titles.map((title, index) => ({ title, state: index < passed ? /** @type {const} */ ('passed') : /** @type {const} */ ('failed'), ...(section ? { explained: section } : {}) }));
  return reportOf({ type: 'verify', checked: chapter, results, seconds: 20 }, movedOn ? chapter + 1 : chapter, at);
}

/** Check titles for a simulated chapter. @param {number} chapter @param {number} count */
export function titlesOf(chapter, count) {
  return Array.from({ length: count }, (_, index) => `Chapter ${chapter}, check ${index + 1}`);
}

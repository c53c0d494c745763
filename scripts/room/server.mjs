// @ts-check
/**
 * The room's server: Fastify, with @fastify/rate-limit for the limits and @fastify/static for
 * the files. Every body is checked against its JSON Schema (schema.mjs) before a route sees it,
 * and every refusal is a problem document (problems.mjs).
 *
 *   POST   /api/join                  { code, name } -> the attendee's own token
 *   POST   /api/reports               an attendee's reports (their token)
 *   GET    /api/me, DELETE /api/me    the room's chapter for `status`; leaving (their token)
 *   GET    /api/instructor/...        the views, live or not, and the export (the instructor key)
 *   POST   /api/instructor/presenter  the chapter the room is on, the step on the projector
 *   /room/dashboard, /room/presenter  the pages (they ask for the key; live.js)
 *   /                                 the workshop's site, built (website/build)
 *
 * Nothing is acknowledged before it is on disk (store.mjs).
 */
import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import { liveViews } from './live.mjs';
import { Problem, useProblems } from './problems.mjs';
import { joinBody, presenterBody, reportsBody } from './schema.mjs';
import { apply, chapterSet, createState, dashboardView, exportView, presenterView } from './state.mjs';
import { openStore } from './store.mjs';

const PUBLIC = fileURLToPath(new URL('./public/', import.meta.url));
/** The room code's letters: no 0/O, 1/I/L, so that it reads aloud and types without doubt. */
const CODE_LETTERS = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/**
 * @typedef {object} Limits
 * @property {number} bodyBytes          the largest body accepted
 * @property {number} reportsPerMinute   per attendee
 * @property {number} joinsPerMinute     per address (a laptop), so that a room code cannot be guessed
 */

/** @type {Limits} */
export const DEFAULT_LIMITS = { bodyBytes: 64 * 1024, reportsPerMinute: 60, joinsPerMinute: 20 };

/**
 * @typedef {object} RoomOptions
 * @property {import('./state.mjs').RoomChapter[]} chapters
 * @property {string} folder           where the room keeps its store
 * @property {string} [siteDir]        the built workshop site, served at /
 * @property {number} [port]           0 for any free port
 * @property {string} [host]           the address to listen on: all of them by default (the room's network)
 * @property {number} [stuckMinutes]   how long the same failing check makes an attendee stuck
 * @property {Partial<Limits>} [limits]
 * @property {(error: unknown) => void} [logError]
 */

const sha256 = (/** @type {string} */ text) => createHash('sha256').update(text).digest();

/** The text of a bearer token, if the request has one. @param {import('fastify').FastifyRequest} request */
function bearer(request) {
  const match = /^Bearer ([A-Za-z0-9_-]{16,100})$/.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/** @param {number} length */
function newCode(length = 6) {
  return Array.from({ length }, () => CODE_LETTERS[randomInt(CODE_LETTERS.length)]).join('');
}

/**
 * Opens the room (its store, played back) and starts its server.
 * @param {RoomOptions} options
 */
export async function openRoom(options) {
  mkdirSync(options.folder, { recursive: true });
  const store = await openStore(options.folder);
  let secrets = await store.secrets();
  if (!secrets) {
    secrets = { code: newCode(), key: randomBytes(18).toString('base64url'), created: new Date().toISOString() };
    await store.saveSecrets(secrets);
  }
  const state = createState(options.chapters, { stuckMinutes: options.stuckMinutes ?? 10 });
  for (const record of store.records) apply(state, record);
  const replayed = store.records.length;
  store.records.length = 0;

  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const live = liveViews((view) => (view === 'dashboard' ? dashboardView(state, Date.now()) : presenterView(state, Date.now())));
  const app = Fastify({
    logger: false,
    // The live pages keep their responses open: closing the room ends them.
    forceCloseConnections: true,
    bodyLimit: limits.bodyBytes,
    // Refuse what a schema does not allow instead of quietly dropping or converting it.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, discriminator: true } },
  });
  useProblems(app, options.logError ?? ((error) => console.error(error)));

  /**
   * Appends a record, then applies it: what the room answers is already on disk.
   * @param {string} kind @param {Record<string, unknown>} fields
   */
  const record = async (kind, fields) => {
    const written = await store.append({ kind, at: new Date().toISOString(), ...fields });
    apply(state, written);
    live.changed();
    return written;
  };

  /** The attendee a request's token belongs to. @param {import('fastify').FastifyRequest} request */
  const attendeeOf = (request) => {
    const token = bearer(request);
    const id = token ? state.tokens.get(sha256(token).toString('hex')) : undefined;
    return id ? state.attendees.get(id) : undefined;
  };
  /** @param {import('fastify').FastifyRequest} request */
  const requireAttendee = (request) => {
    const attendee = attendeeOf(request);
    if (!attendee) throw new Problem(401, 'unknown_attendee', 'This token is not one of the room: join it first (npm run workshop -- join URL CODE --name NAME).');
    return attendee;
  };
  const keyHash = sha256(secrets.key);
  /** @param {import('fastify').FastifyRequest} request */
  const requireInstructor = (request) => {
    const token = bearer(request);
    if (!token || !timingSafeEqual(sha256(token), keyHash)) throw new Problem(401, 'instructor_key_needed', 'This needs the instructor key that the room printed when it started.');
  };

  await app.register(rateLimit, { global: false });
  // The room's own pages: strict headers, no script but the room's own files.
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/room/') || request.url.startsWith('/api/')) {
      reply.header('content-security-policy', "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'");
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      reply.header('cache-control', 'no-store');
    }
  });
  await app.register(fastifyStatic, { root: path.join(PUBLIC, 'assets'), prefix: '/room/assets/' });

  app.post('/api/join', { schema: { body: joinBody }, config: { rateLimit: { max: limits.joinsPerMinute, timeWindow: 60_000 } } }, async (request, reply) => {
    const { code, name } = /** @type {{ code: string, name: string }} */ (request.body);
    if (!timingSafeEqual(sha256(code.trim().toUpperCase()), sha256(secrets.code))) throw new Problem(403, 'wrong_room_code', 'That is not this room\'s code: the instructor shows it on the projector.');
    const token = randomBytes(24).toString('base64url');
    const attendee = randomUUID();
    await record('join', { attendee, name: name.trim(), tokenHash: sha256(token).toString('hex') });
    return reply.code(201).send({ attendee, name: name.trim(), token, room: chapterSet(state) });
  });

  app.post(
    '/api/reports',
    {
      schema: { body: reportsBody },
      // Each attendee has their own limit: the key is the attendee their token names (a request
      // without a valid token counts against its address).
      config: { rateLimit: { max: limits.reportsPerMinute, timeWindow: 60_000, keyGenerator: (request) => attendeeOf(request)?.id ?? request.ip } },
    },
    async (request) => {
      const attendee = requireAttendee(request);
      const { reports } = /** @type {{ reports: import('./schema.mjs').Report[] }} */ (request.body);
      const fresh = reports.filter((report, index) => !state.seen.has(`${attendee.id}/${report.id}`) && reports.findIndex((other) => other.id === report.id) === index);
      await Promise.all(fresh.map((report) => record('report', { attendee: attendee.id, report })));
      return { accepted: fresh.length, again: reports.length - fresh.length, room: chapterSet(state) };
    },
  );

  app.get('/api/me', async (request) => {
    const attendee = requireAttendee(request);
    return { name: attendee.name, chapter: attendee.chapter, room: chapterSet(state) };
  });

  app.delete('/api/me', async (request, reply) => {
    const attendee = requireAttendee(request);
    await record('leave', { attendee: attendee.id });
    return reply.code(204).send();
  });

  app.get('/api/instructor/stream', async (request, reply) => {
    requireInstructor(request);
    const view = /** @type {{ view?: string }} */ (request.query).view === 'presenter' ? 'presenter' : 'dashboard';
    reply.hijack();
    live.open(reply.raw, view);
  });
  app.get('/api/instructor/dashboard', async (request) => {
    requireInstructor(request);
    return dashboardView(state, Date.now());
  });
  app.get('/api/instructor/presenter', async (request) => {
    requireInstructor(request);
    return presenterView(state, Date.now());
  });
  app.post('/api/instructor/presenter', { schema: { body: presenterBody } }, async (request) => {
    requireInstructor(request);
    const change = /** @type {{ chapter?: number, step?: number }} */ (request.body);
    if (change.chapter !== undefined && !options.chapters.some((chapter) => chapter.number === change.chapter)) {
      throw new Problem(400, 'unknown_chapter', `There is no chapter ${change.chapter}.`);
    }
    await record('presenter', change);
    return presenterView(state, Date.now());
  });
  app.get('/api/instructor/export', async (request, reply) => {
    requireInstructor(request);
    void reply.header('content-disposition', `attachment; filename="room-${new Date().toISOString().slice(0, 10)}.json"`);
    return { exported: new Date().toISOString(), ...exportView(state) };
  });

  app.get('/room/dashboard', (_request, reply) => reply.sendFile('dashboard.html', PUBLIC));
  app.get('/room/presenter', (_request, reply) => reply.sendFile('presenter.html', PUBLIC));

  const site = options.siteDir && existsSync(path.join(options.siteDir, 'index.html')) ? options.siteDir : undefined;
  if (site) {
    await app.register(fastifyStatic, { root: site, prefix: '/', decorateReply: false, redirect: true });
  } else {
    app.get('/', (_request, reply) => reply.sendFile('no-site.html', PUBLIC));
  }
  app.setNotFoundHandler((request) => {
    throw new Problem(404, 'not_found', `Nothing here: ${request.method} ${request.url.split('?')[0]}`);
  });

  const address = await app.listen({ port: options.port ?? 3002, host: options.host ?? '0.0.0.0' });
  const port = Number(new URL(address).port);

  return {
    code: secrets.code,
    key: secrets.key,
    port,
    /** the records played back from the store when the room opened */
    replayed,
    site: site !== undefined,
    state,
    async close() {
      live.close();
      await app.close();
      await store.close();
    },
  };
}

/** @typedef {Awaited<ReturnType<typeof openRoom>>} Room */

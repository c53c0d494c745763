// @ts-check
/**
 * The room's memory: an append-only log of what happened (attendees joining and leaving, their
 * reports, the presenter's changes), in LevelDB (classic-level, an embedded store: no server, a
 * prebuilt binary in its npm package). The room's state is the log played again (state.mjs), so
 * after a crash, even a `kill -9`, the room comes back as it was.
 *
 * Nothing is acknowledged before it is on disk: every write is synced (LevelDB's `sync: true`,
 * an fsync of its log), and the records that arrive while one write is syncing go together in
 * the next one (a group commit), so a busy room costs one fsync per batch, not one per report.
 *
 *   room      { code, key, created }      the room code and the instructor key, kept so that a
 *                                         restarted room keeps them (the folder is the
 *                                         instructor's own: .workshop/ is never committed)
 *   log:<n>   a record, n counting from 1 (zero-padded, so that keys sort as numbers)
 */
import { ClassicLevel } from 'classic-level';

/**
 * @typedef {{ code: string, key: string, created: string }} RoomSecrets
 * @typedef {{ seq: number, at: string, kind: string, [field: string]: unknown }} LogRecord
 */

const LOG_PREFIX = 'log:';
const logKey = (/** @type {number} */ seq) => `${LOG_PREFIX}${String(seq).padStart(12, '0')}`;

/** Another room has the folder open (LevelDB's lock). */
export class StoreLocked extends Error {}

/**
 * Opens (or creates) the room's store in `folder`.
 * @param {string} folder
 */
export async function openStore(folder) {
  /** @type {ClassicLevel<string, any>} */
  const db = new ClassicLevel(folder, { valueEncoding: 'json' });
  try {
    await db.open();
  } catch (error) {
    const cause = /** @type {any} */ (error)?.cause;
    if (cause?.code === 'LEVEL_LOCKED' || /lock/i.test(String(cause?.message ?? ''))) throw new StoreLocked(`another room is running from ${folder}`, { cause: error });
    throw error;
  }

  /** @type {LogRecord[]} */
  const records = [];
  for await (const value of db.values({ gt: LOG_PREFIX, lt: `${LOG_PREFIX}~` })) records.push(value);
  let lastSeq = records.at(-1)?.seq ?? 0;

  /** @type {{ record: LogRecord, done: (error?: unknown) => void }[]} */
  let waiting = [];
  let writing = false;

  /** Writes what waits, in one synced batch, then the next batch if more came meanwhile. */
  async function flush() {
    writing = true;
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      try {
        await db.batch(batch.map(({ record }) => ({ type: /** @type {const} */ ('put'), key: logKey(record.seq), value: record })), { sync: true });
        for (const entry of batch) entry.done();
      } catch (error) {
        for (const entry of batch) entry.done(error);
      }
    }
    writing = false;
  }

  return {
    /** The records written so far, in order (read once, when the store opens). */
    records,
    /** @returns {Promise<RoomSecrets | undefined>} */
    async secrets() {
      return db.get('room');
    },
    /** @param {RoomSecrets} secrets */
    async saveSecrets(secrets) {
      await db.put('room', secrets, { sync: true });
    },
    /**
     * Appends a record; resolves once it is on disk.
     * @param {Omit<LogRecord, 'seq'>} fields
     * @returns {Promise<LogRecord>}
     */
    append(fields) {
      lastSeq += 1;
      const record = /** @type {LogRecord} */ ({ ...fields, seq: lastSeq });
      return new Promise((resolve, reject) => {
        waiting.push({ record, done: (error) => (error ? reject(error) : resolve(record)) });
        if (!writing) void flush();
      });
    },
    async close() {
      while (writing) await new Promise((resolve) => setTimeout(resolve, 5));
      await db.close();
    },
  };
}

/** @typedef {Awaited<ReturnType<typeof openStore>>} Store */

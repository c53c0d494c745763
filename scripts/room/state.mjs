// @ts-check
/**
 * The room, computed from its log (store.mjs): each record is applied in order, so a room read
 * back after a restart is the room that was. Plain data and pure functions, no I/O: the views
 * the dashboard, the presenter and the export show are functions of the state and the time.
 *
 * An attendee on a chapter is:
 *   done      a verify of it passed (verify then moves them to the next chapter)
 *   stuck     the same check has failed for longer than the room's stuck time, or they have
 *             been in the chapter longer than it plans
 *   working   otherwise
 */
import GithubSlugger from 'github-slugger';

/**
 * @typedef {import('./schema.mjs').Report} Report
 * @typedef {import('./schema.mjs').ReportedCheck} ReportedCheck
 * @typedef {import('./schema.mjs').ReportedStep} ReportedStep
 * @typedef {import('./store.mjs').LogRecord} LogRecord
 */

/**
 * @typedef {object} RoomChapter  what the room knows of a chapter (from chapters/NN-name/chapter.json)
 * @property {number} number
 * @property {string} title
 * @property {number} minutes      the time it plans; 0 for the starting point
 * @property {string[]} goals
 * @property {string[]} sections   the headings of its page
 * @property {{ name: string, section: string }[]} steps   the code its learners write, when the chapter has steps
 * @property {string} page         its page on the site, e.g. "/chapters/03-log-in"
 */

/**
 * What the room needs of a chapter of the workshop (scripts/workshop/chapters.mjs's Chapter).
 * @param {{ number: number, title: string, minutes: number, goals: string[], sections: string[], page: string, steps?: { name: string, section: string }[] }} chapter
 * @returns {RoomChapter}
 */
export function roomChapter(chapter) {
  const { number, title, minutes, goals, sections, page, steps = [] } = chapter;
  return { number, title, minutes, goals, sections, page, steps: steps.map(({ name, section }) => ({ name, section })) };
}

/**
 * @typedef {object} ChapterRecord  one attendee's work on one chapter
 * @property {number} started         ms
 * @property {number | null} verified ms, the first verify that passed
 * @property {number} verifies
 * @property {boolean} solved
 * @property {Record<string, number>} hints      check title -> the highest level shown
 * @property {Record<string, number>} failures   check title -> verifies in which it failed
 * @property {Record<string, string>} sections   check title -> the section that explains it
 */

/**
 * @typedef {object} Attendee
 * @property {string} id
 * @property {string} name
 * @property {number} joined
 * @property {boolean} left
 * @property {number} lastSeen
 * @property {number | null} chapter   the chapter they are on
 * @property {number} since            when they got to it
 * @property {Map<number, ChapterRecord>} chapters
 * @property {{ checked: number, at: number, checks: ReportedCheck[], steps: ReportedStep[] } | null} last   their last verify
 * @property {{ chapter: number, title: string, since: number } | null} failing   the first failing check, failing since
 */

/** What a verify that ran no check (the code does not compile, say) counts as. */
export const NOT_RUN = 'The checks could not run (the code does not compile or build)';

/**
 * @param {RoomChapter[]} chapters
 * @param {{ stuckMinutes: number }} settings
 */
export function createState(chapters, settings) {
  return {
    chapters,
    settings,
    /** @type {Map<string, Attendee>} */
    attendees: new Map(),
    /** @type {Map<string, string>} a token's SHA-256 -> its attendee */
    tokens: new Map(),
    /** @type {Set<string>} "attendee/report id": a report sent twice (after a timeout) counts once */
    seen: new Set(),
    /** the chapter the instructor set, the step on the projector, and when the chapter started */
    presenter: { chapter: /** @type {number | null} */ (null), step: 0, since: 0 },
    /** the schedule's start: the first chapter the instructor set, or the first report */
    schedule: /** @type {{ from: number, at: number } | null} */ (null),
    /** the last record applied */
    seq: 0,
  };
}

/** @typedef {ReturnType<typeof createState>} RoomState */

/** @param {RoomState} state @param {Attendee} attendee @param {number} chapter @param {number} at */
function chapterRecord(state, attendee, chapter, at) {
  let record = attendee.chapters.get(chapter);
  if (!record) {
    record = { started: at, verified: null, verifies: 0, solved: false, hints: {}, failures: {}, sections: {} };
    attendee.chapters.set(chapter, record);
  }
  return record;
}

/**
 * Applies one record of the log.
 * @param {RoomState} state
 * @param {LogRecord} record
 */
export function apply(state, record) {
  state.seq = record.seq;
  const at = Date.parse(record.at);
  if (record.kind === 'join') {
    const id = String(record['attendee']);
    state.attendees.set(id, { id, name: String(record['name']), joined: at, left: false, lastSeen: at, chapter: null, since: at, chapters: new Map(), last: null, failing: null });
    state.tokens.set(String(record['tokenHash']), id);
  } else if (record.kind === 'leave') {
    const attendee = state.attendees.get(String(record['attendee']));
    if (attendee) attendee.left = true;
    for (const [hash, id] of state.tokens) if (id === record['attendee']) state.tokens.delete(hash);
  } else if (record.kind === 'presenter') {
    const chapter = /** @type {number | undefined} */ (record['chapter']);
    if (chapter !== undefined && chapter !== state.presenter.chapter) {
      state.presenter = { chapter, step: 0, since: at };
      state.schedule ??= { from: chapter, at };
    }
    const step = /** @type {number | undefined} */ (record['step']);
    if (step !== undefined) state.presenter.step = step;
  } else if (record.kind === 'report') {
    const attendee = state.attendees.get(String(record['attendee']));
    if (attendee) applyReport(state, attendee, /** @type {Report} */ (record['report']), at);
  }
}

/**
 * @param {RoomState} state @param {Attendee} attendee @param {Report} report
 * @param {number} received when the room got it
 */
function applyReport(state, attendee, report, received) {
  state.seen.add(`${attendee.id}/${report.id}`);
  // The attendee's clock says when it happened (a report sent later, from the queue, keeps its
  // time); a clock ahead of the room's cannot put it in the future.
  const at = Math.min(Date.parse(report.at), received);
  attendee.lastSeen = received;
  // The day started with the first thing that happened, even if its report came later.
  if (!state.schedule || at < state.schedule.at) state.schedule = { from: state.schedule?.from ?? report.chapter, at };
  if (attendee.chapter !== report.chapter) {
    attendee.chapter = report.chapter;
    attendee.since = at;
  }
  chapterRecord(state, attendee, report.chapter, at);
  if (report.type === 'goto') {
    attendee.failing = null;
  } else if (report.type === 'verify') {
    const record = chapterRecord(state, attendee, report.checked, at);
    record.verifies += 1;
    /** @type {ReportedCheck[]} */
    const checks = report.checks.length > 0 ? report.checks : [{ title: NOT_RUN, state: 'failed' }];
    for (const check of checks) {
      if (check.state !== 'failed') continue;
      record.failures[check.title] = (record.failures[check.title] ?? 0) + 1;
      if (check.section) record.sections[check.title] = check.section;
    }
    const failed = checks.find((check) => check.state === 'failed');
    if (!failed && checks.some((check) => check.state === 'passed')) record.verified ??= at;
    attendee.last = { checked: report.checked, at, checks, steps: report.steps ?? [] };
    const same = failed && attendee.failing && attendee.failing.chapter === report.checked && attendee.failing.title === failed.title;
    attendee.failing = failed ? (same && attendee.failing ? attendee.failing : { chapter: report.checked, title: failed.title, since: at }) : null;
  } else if (report.type === 'hint') {
    const record = chapterRecord(state, attendee, report.chapter, at);
    record.hints[report.check] = Math.max(record.hints[report.check] ?? 0, report.level);
  } else if (report.type === 'solve') {
    chapterRecord(state, attendee, report.chapter, at).solved = true;
  }
}

// ---------------------------------------------------------------------------------------------
// What the pages show.

const MINUTE = 60_000;

/** @param {RoomState} state @param {number} number */
function chapterOf(state, number) {
  return state.chapters.find((chapter) => chapter.number === number);
}

/** The link to the section of a chapter's page, as the site makes its anchors. @param {RoomChapter | undefined} chapter @param {string | undefined} section */
export function sectionLink(chapter, section) {
  if (!chapter) return null;
  return section ? `${chapter.page}#${new GithubSlugger().slug(section)}` : chapter.page;
}

/**
 * Where an attendee stands on their chapter.
 * @param {RoomState} state @param {Attendee} attendee @param {number} now
 * @returns {{ status: 'done' | 'stuck' | 'working' | 'new', why: string | null }}
 */
export function standing(state, attendee, now) {
  if (attendee.chapter === null) return { status: 'new', why: null };
  const record = attendee.chapters.get(attendee.chapter);
  if (record?.verified) return { status: 'done', why: null };
  const stuckAfter = state.settings.stuckMinutes * MINUTE;
  if (attendee.failing && attendee.failing.chapter === attendee.chapter && now - attendee.failing.since > stuckAfter) {
    return { status: 'stuck', why: `the same check has failed for ${Math.floor((now - attendee.failing.since) / MINUTE)} min` };
  }
  const planned = chapterOf(state, attendee.chapter)?.minutes ?? 0;
  if (planned > 0 && now - attendee.since > planned * MINUTE) {
    return { status: 'stuck', why: `${Math.floor((now - attendee.since) / MINUTE)} min in a chapter of ${planned}` };
  }
  return { status: 'working', why: null };
}

/** The attendees still in the room. @param {RoomState} state */
function present(state) {
  return [...state.attendees.values()].filter((attendee) => !attendee.left);
}

/**
 * The checks failing now, most attendees first: for each attendee not done with their chapter,
 * the checks their last verify of it failed.
 * @param {RoomState} state @param {number} now
 */
export function failingNow(state, now) {
  /** @type {Map<string, { chapter: number, title: string, section: string | null, attendees: number, stuck: number }>} */
  const counts = new Map();
  for (const attendee of present(state)) {
    if (!attendee.last || attendee.last.checked !== attendee.chapter) continue;
    const { status } = standing(state, attendee, now);
    if (status === 'done') continue;
    const record = attendee.chapters.get(attendee.last.checked);
    for (const check of attendee.last.checks) {
      if (check.state !== 'failed') continue;
      const key = `${attendee.last.checked}\n${check.title}`;
      const entry = counts.get(key) ?? { chapter: attendee.last.checked, title: check.title, section: check.section ?? record?.sections[check.title] ?? null, attendees: 0, stuck: 0 };
      entry.attendees += 1;
      if (status === 'stuck') entry.stuck += 1;
      counts.set(key, entry);
    }
  }
  return [...counts.values()]
    .sort((a, b) => b.attendees - a.attendees || b.stuck - a.stuck || a.chapter - b.chapter || a.title.localeCompare(b.title))
    .map((entry) => ({ ...entry, link: sectionLink(chapterOf(state, entry.chapter), entry.section ?? undefined) }));
}

/** @param {number[]} values */
function medianOf(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? null;
}

/**
 * The room's pace against the schedule: how far the median attendee is in the plan (the planned
 * minutes of the chapters before theirs, plus their time in it, at most its plan), against the
 * time since the schedule started. Positive: ahead.
 * @param {RoomState} state @param {number} now
 */
export function pace(state, now) {
  if (!state.schedule) return null;
  const { from, at } = state.schedule;
  const planned = state.chapters.filter((chapter) => chapter.number >= from && chapter.minutes > 0);
  if (planned.length === 0) return null;
  /** @param {number} number the planned minutes before this chapter */
  const before = (number) => planned.filter((chapter) => chapter.number < number).reduce((sum, chapter) => sum + chapter.minutes, 0);
  const total = before(Infinity);
  const progress = present(state)
    .filter((attendee) => attendee.chapter !== null)
    .map((attendee) => {
      const number = /** @type {number} */ (attendee.chapter);
      const minutes = chapterOf(state, number)?.minutes ?? 0;
      const done = attendee.chapters.get(number)?.verified;
      return Math.min(total, before(number) + (done ? minutes : Math.min(minutes, (now - attendee.since) / MINUTE)));
    });
  const room = medianOf(progress);
  const elapsed = (now - at) / MINUTE;
  const scheduled = planned.find((chapter) => elapsed < before(chapter.number) + chapter.minutes) ?? planned.at(-1);
  return {
    elapsedMinutes: Math.round(elapsed),
    scheduledChapter: scheduled?.number ?? null,
    aheadMinutes: room === null ? null : Math.round(room - Math.min(elapsed, total)),
  };
}

/**
 * What the dashboard shows.
 * @param {RoomState} state @param {number} now
 */
export function dashboardView(state, now) {
  const people = present(state);
  const attendees = people
    .map((attendee) => {
      const { status, why } = standing(state, attendee, now);
      const record = attendee.chapter === null ? undefined : attendee.chapters.get(attendee.chapter);
      const last = attendee.last && attendee.last.checked === attendee.chapter ? attendee.last : null;
      return {
        id: attendee.id,
        name: attendee.name,
        chapter: attendee.chapter,
        status,
        why,
        minutesInChapter: Math.floor((now - attendee.since) / MINUTE),
        failing: attendee.failing && attendee.failing.chapter === attendee.chapter ? { title: attendee.failing.title, minutes: Math.floor((now - attendee.failing.since) / MINUTE) } : null,
        passed: last ? last.checks.filter((check) => check.state === 'passed').length : null,
        checks: last ? last.checks.length : null,
        steps: last ? last.steps : [],
        hints: record ? Math.max(0, ...Object.values(record.hints)) : 0,
        solved: record?.solved ?? false,
        lastSeen: new Date(attendee.lastSeen).toISOString(),
      };
    })
    .sort((a, b) => (a.chapter ?? -1) - (b.chapter ?? -1) || a.name.localeCompare(b.name));
  const chapters = state.chapters.map((chapter) => ({
    number: chapter.number,
    title: chapter.title,
    minutes: chapter.minutes,
    page: chapter.page,
    done: people.filter((attendee) => attendee.chapters.get(chapter.number)?.verified).length,
    working: attendees.filter((attendee) => attendee.chapter === chapter.number && attendee.status === 'working').length,
    stuck: attendees.filter((attendee) => attendee.chapter === chapter.number && attendee.status === 'stuck').length,
  }));
  return {
    now: new Date(now).toISOString(),
    seq: state.seq,
    stuckMinutes: state.settings.stuckMinutes,
    room: chapterSet(state),
    attendees,
    left: state.attendees.size - people.length,
    chapters,
    failing: failingNow(state, now).slice(0, 5),
    pace: pace(state, now),
  };
}

/**
 * The chapter the instructor set and the step on the projector.
 * @param {RoomState} state
 */
export function chapterSet(state) {
  const chapter = state.presenter.chapter === null ? undefined : chapterOf(state, state.presenter.chapter);
  if (!chapter) return null;
  return { number: chapter.number, title: chapter.title, since: new Date(state.presenter.since).toISOString(), step: state.presenter.step };
}

/**
 * What the projector shows: the chapter, its goals and steps, the step presented, the time
 * against the chapter's minutes, the share of the room done, and the check failing most in it.
 * @param {RoomState} state @param {number} now
 */
export function presenterView(state, now) {
  const number = state.presenter.chapter ?? state.chapters.find((chapter) => chapter.minutes > 0)?.number ?? state.chapters[0]?.number ?? 0;
  const chapter = chapterOf(state, number);
  const people = present(state);
  const steps = chapter ? (chapter.steps.length > 0 ? chapter.steps.map((step) => step.section) : chapter.sections) : [];
  return {
    now: new Date(now).toISOString(),
    seq: state.seq,
    set: state.presenter.chapter !== null,
    chapter: chapter ? { number: chapter.number, title: chapter.title, minutes: chapter.minutes, goals: chapter.goals, page: chapter.page } : null,
    chapters: state.chapters.map(({ number: n, title }) => ({ number: n, title })),
    steps,
    step: Math.min(state.presenter.step, Math.max(0, steps.length - 1)),
    since: state.presenter.chapter === null ? null : new Date(state.presenter.since).toISOString(),
    attendees: people.length,
    done: people.filter((attendee) => attendee.chapters.get(number)?.verified).length,
    failing: failingNow(state, now).find((entry) => entry.chapter === number) ?? null,
  };
}

/**
 * After the day: per chapter, the time attendees took (from its start to their first verify
 * that passed) and the checks that failed most, to improve the chapters.
 * @param {RoomState} state
 */
export function exportView(state) {
  const everyone = [...state.attendees.values()];
  return {
    attendees: everyone.length,
    chapters: state.chapters.map((chapter) => {
      const records = everyone.map((attendee) => attendee.chapters.get(chapter.number)).filter((record) => record !== undefined);
      const minutes = records.filter((record) => record.verified !== null).map((record) => ((record.verified ?? 0) - record.started) / MINUTE);
      /** @type {Map<string, { title: string, section: string | null, failures: number, attendees: number, hints: number }>} */
      const checks = new Map();
      for (const record of records) {
        for (const [title, failures] of Object.entries(record.failures)) {
          const entry = checks.get(title) ?? { title, section: record.sections[title] ?? null, failures: 0, attendees: 0, hints: 0 };
          entry.failures += failures;
          entry.attendees += 1;
          entry.hints += record.hints[title] ?? 0;
          checks.set(title, entry);
        }
      }
      const sorted = [...minutes].sort((a, b) => a - b);
      return {
        number: chapter.number,
        title: chapter.title,
        plannedMinutes: chapter.minutes,
        started: records.length,
        done: minutes.length,
        solved: records.filter((record) => record.solved).length,
        minutes: sorted.length === 0 ? null : { median: round(medianOf(sorted) ?? 0), p90: round(sorted[Math.min(sorted.length - 1, Math.floor(0.9 * sorted.length))] ?? 0), each: sorted.map(round) },
        mostFailed: [...checks.values()].sort((a, b) => b.attendees - a.attendees || b.failures - a.failures).slice(0, 5).map((entry) => ({ ...entry, link: sectionLink(chapter, entry.section ?? undefined) })),
      };
    }),
  };
}

const round = (/** @type {number} */ value) => Math.round(value * 10) / 10;

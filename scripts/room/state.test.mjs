// @ts-check
/**
 * The room's state, computed from its log: who is done, working and stuck, the check failing
 * most, the pace against the schedule, and the export. Pure functions on records, at set times.
 */
import assert from 'node:assert/strict';
import { reportOf } from './client.mjs';
import { NOT_RUN, apply, createState, dashboardView, exportView, pace, presenterView, standing } from './state.mjs';

const T0 = Date.parse('2026-11-30T09:00:00Z');
const minutes = (/** @type {number} */ count) => T0 + count * 60_000;
/** @type {import('./state.mjs').RoomChapter[]} */
const CHAPTERS = [
  { number: 1, title: 'Hello, Lambda', minutes: 15, goals: ['Write a function'], sections: ['Write the function', 'Bind the route'], steps: [], page: '/chapters/01-hello-lambda' },
  { number: 2, title: 'Sign up', minutes: 20, goals: ['Sign up'], sections: ['Hash the password'], steps: [{ name: 'hash-password', section: 'Hash the password' }], page: '/chapters/02-sign-up' },
];

function room() {
  const state = createState(CHAPTERS, { stuckMinutes: 10 });
  let seq = 0;
  /** @param {string} kind @param {number} at @param {Record<string, unknown>} fields */
  const record = (kind, at, fields) => apply(state, { seq: (seq += 1), kind, at: new Date(at).toISOString(), ...fields });
  /** @param {string} id @param {number} at */
  const join = (id, at = T0) => record('join', at, { attendee: id, name: id, tokenHash: `hash-${id}` });
  /** @param {string} id @param {import('./client.mjs').Happened} happened @param {number} chapter @param {number} at */
  const report = (id, happened, chapter, at) => record('report', at, { attendee: id, report: reportOf(happened, chapter, new Date(at)) });
  /** @param {number} passed @param {number} [of] */
  const checks = (passed, of = 3) => Array.from({ length: of }, (_, index) => ({ title: `check ${index + 1}`, state: index < passed ? /** @type {const} */ ('passed') : /** @type {const} */ ('failed'), explained: 'Bind the route' }));
  return { state, record, join, report, checks };
}

describe("the room's state", () => {
  it('done, working, and stuck: the same failing check for longer than the stuck time, or longer in the chapter than it plans', () => {
    const { state, join, report, checks } = room();
    for (const id of ['ada', 'grace', 'linus', 'barbara']) join(id);
    for (const id of ['ada', 'grace', 'linus', 'barbara']) report(id, { type: 'goto' }, 1, minutes(0));
    report('ada', { type: 'verify', checked: 1, results: checks(3) }, 2, minutes(5));
    report('grace', { type: 'verify', checked: 1, results: checks(1) }, 1, minutes(1));
    report('grace', { type: 'verify', checked: 1, results: checks(1) }, 1, minutes(9));
    report('linus', { type: 'verify', checked: 1, results: checks(0) }, 1, minutes(2));
    report('linus', { type: 'verify', checked: 1, results: checks(1) }, 1, minutes(8));

    const at = (/** @type {string} */ id, /** @type {number} */ when) => standing(state, /** @type {any} */ (state.attendees.get(id)), when).status;
    assert.equal(at('ada', minutes(6)), 'working', 'ada is on chapter 2 now, just started');
    assert.equal(state.attendees.get('ada')?.chapter, 2);
    assert.equal(at('grace', minutes(10)), 'working', 'check 2 has failed for 9 minutes');
    assert.equal(at('grace', minutes(11.5)), 'stuck', 'check 2 has failed for more than 10 minutes');
    assert.equal(at('linus', minutes(11.5)), 'working', 'linus fixed check 1: check 2 fails since minute 8');
    assert.equal(at('barbara', minutes(14)), 'working');
    assert.equal(at('barbara', minutes(16)), 'stuck', 'longer in chapter 1 than its 15 minutes');

    const view = dashboardView(state, minutes(11.5));
    const one = view.chapters.find((chapter) => chapter.number === 1);
    assert.deepEqual([one?.done, one?.working, one?.stuck], [1, 2, 1]);
    assert.deepEqual(view.failing.map((entry) => [entry.title, entry.attendees, entry.stuck]), [['check 2', 2, 1], ['check 3', 2, 1]]);
    assert.equal(view.failing[0]?.link, '/chapters/01-hello-lambda#bind-the-route');
  });

  it('a verify that ran no check counts as failing (the code does not compile, say)', () => {
    const { state, join, report } = room();
    join('ada');
    report('ada', { type: 'verify', checked: 1, results: [] }, 1, minutes(1));
    assert.equal(dashboardView(state, minutes(2)).failing[0]?.title, NOT_RUN);
  });

  it('the pace: the median attendee\'s place in the plan against the time since the schedule started', () => {
    const { state, join, report, record, checks } = room();
    record('presenter', minutes(0), { chapter: 1 });
    for (const id of ['ada', 'grace', 'linus']) join(id);
    report('ada', { type: 'verify', checked: 1, results: checks(3) }, 2, minutes(10));
    report('grace', { type: 'verify', checked: 1, results: checks(3) }, 2, minutes(20));
    report('linus', { type: 'goto' }, 1, minutes(0));
    // At minute 25: ada 15 + 15 = 30 in the plan, grace 15 + 5 = 20, linus at most 15: the median, 20.
    assert.deepEqual(pace(state, minutes(25)), { elapsedMinutes: 25, scheduledChapter: 2, aheadMinutes: -5 });
  });

  it('the presenter view: the chapter set, its steps, the share done, the check failing most in it', () => {
    const { state, join, report, record, checks } = room();
    record('presenter', minutes(0), { chapter: 2 });
    record('presenter', minutes(1), { step: 1 });
    join('ada');
    join('grace');
    report('ada', { type: 'verify', checked: 2, results: checks(2) }, 2, minutes(3));
    report('grace', { type: 'verify', checked: 2, results: checks(3) }, 2, minutes(4));
    const view = presenterView(state, minutes(5));
    assert.equal(view.chapter?.title, 'Sign up');
    assert.deepEqual(view.steps, ['Hash the password']);
    assert.equal(view.step, 0, 'a step past the last is the last');
    assert.deepEqual([view.attendees, view.done], [2, 1]);
    assert.equal(view.failing?.title, 'check 3');
  });

  it('the export: per chapter the times taken and the checks that failed most', () => {
    const { state, join, report, checks } = room();
    join('ada');
    join('grace');
    report('ada', { type: 'goto' }, 1, minutes(0));
    report('grace', { type: 'goto' }, 1, minutes(0));
    report('ada', { type: 'verify', checked: 1, results: checks(2) }, 1, minutes(4));
    report('ada', { type: 'hint', check: 'check 3', level: 2 }, 1, minutes(5));
    report('ada', { type: 'verify', checked: 1, results: checks(3) }, 2, minutes(12));
    report('grace', { type: 'verify', checked: 1, results: checks(1) }, 1, minutes(6));
    report('grace', { type: 'solve', whole: true }, 1, minutes(20));
    report('grace', { type: 'verify', checked: 1, results: checks(3) }, 2, minutes(21));
    const chapter = exportView(state).chapters.find((entry) => entry.number === 1);
    assert.deepEqual(chapter?.minutes, { median: 12, p90: 21, each: [12, 21] });
    assert.deepEqual([chapter?.started, chapter?.done, chapter?.solved], [2, 2, 1]);
    assert.deepEqual(chapter?.mostFailed.map((entry) => [entry.title, entry.attendees, entry.failures, entry.hints]), [['check 3', 2, 2, 2], ['check 2', 1, 1, 0]]);
  });
});

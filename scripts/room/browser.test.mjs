// @ts-check
/**
 * The dashboard and the presenter view in Debian's Chromium, on a room of simulated attendees
 * (reports as their commands send them, some from a quarter of an hour ago): what the instructor
 * sees, live, and that a name is shown as text, never run as markup. The dashboard's picture on
 * the Instructor guide (website/static/img/room-dashboard.png) is taken here.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, chromiumPath } from '@session-api/website/lib/site.mjs';
import { checkTitles } from '@session-api/website/lib/chapter-pages.mjs';
import { loadChapters } from '@session-api/workshop/chapters';
import { chromium } from 'playwright-core';
import { reportOf } from './client.mjs';
import { laptop, request } from './simulate.mjs';
import { temporaryFolder, testRoom } from './testing.mjs';

const PICTURE = fileURLToPath(new URL('../../website/static/img/room-dashboard.png', import.meta.url));
const SCRIPT_NAME = '<script>window.pwned = true</script>';
const IMAGE_NAME = '<img src=x onerror="pwned=1">';
const CHAPTER = 3;
/** The section of chapter 3's page that explains each of its checks, in order (the last for any more). */
const SECTIONS = ['Issue the token pair', 'Sign tokens', 'The sessions table', 'Same answer, same time', 'Same answer, same time', 'Test the handler'];
const sectionOf = (/** @type {number} */ index) => SECTIONS[Math.min(index, SECTIONS.length - 1)] ?? 'Test the handler';
const ago = (/** @type {number} */ minutes) => new Date(Date.now() - minutes * 60_000);

describe('the dashboard and the presenter view, in Chromium', function () {
  this.timeout(60_000);
  /** @type {ReturnType<typeof temporaryFolder>} */
  let folder;
  /** @type {Awaited<ReturnType<typeof testRoom>>} */
  let room;
  /** @type {import('playwright-core').Browser} */
  let browser;
  /** @type {ReturnType<typeof laptop>[]} */
  const laptops = [];
  /** @type {string[]} */
  let titles = [];

  /**
   * An attendee: joins, then sends what their commands would have.
   * @param {string} name @param {(titles: string[]) => { happened: import('./client.mjs').Happened, chapter: number, minutesAgo: number }[]} history
   */
  const attendee = async (name, history) => {
    const machine = laptop(room.url, { address: `127.0.2.${laptops.length + 1}` });
    laptops.push(machine);
    await machine.join(room.code, name);
    const reports = history(titles).map(({ happened, chapter, minutesAgo }) => reportOf(happened, chapter, ago(minutesAgo)));
    const answer = await machine.send(reports);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
  };
  /** A verify of chapter 3 where the first `passed` checks pass (all of them with Infinity). @param {number} passed */
  const verify = (passed) => ({ type: /** @type {const} */ ('verify'), checked: CHAPTER, results: titles.map((title, index) => ({ title, state: index < passed ? /** @type {const} */ ('passed') : /** @type {const} */ ('failed'), explained: sectionOf(index) })), seconds: 24 });

  before(async () => {
    const chapter = loadChapters().find((candidate) => candidate.number === CHAPTER);
    assert.ok(chapter);
    titles = await checkTitles(chapter);
    folder = temporaryFolder('browser');
    room = await testRoom(folder.dir);
    assert.equal((await request(room.url, 'POST', '/api/instructor/presenter', { body: { chapter: CHAPTER }, token: room.key })).status, 200);
    const onThree = (/** @type {number} */ started) => ({ happened: { type: /** @type {const} */ ('goto') }, chapter: CHAPTER, minutesAgo: started });
    await attendee('Ada Lovelace', () => [onThree(22), { happened: verify(Infinity), chapter: 4, minutesAgo: 3 }]);
    await attendee('Grace Hopper', () => [onThree(22), { happened: verify(Infinity), chapter: 4, minutesAgo: 1 }]);
    await attendee('Alan Turing', () => [onThree(21), { happened: verify(2), chapter: 3, minutesAgo: 15 }, { happened: { type: 'hint', check: titles[2] ?? '', level: 2 }, chapter: 3, minutesAgo: 12 }, { happened: verify(2), chapter: 3, minutesAgo: 2 }]);
    await attendee('Margaret Hamilton', () => [onThree(20), { happened: verify(3), chapter: 3, minutesAgo: 4 }]);
    await attendee('Edsger Dijkstra', () => [onThree(20), { happened: verify(2), chapter: 3, minutesAgo: 13 }, { happened: verify(2), chapter: 3, minutesAgo: 1 }]);
    await attendee('Barbara Liskov', () => [onThree(19), { happened: { ...verify(4), steps: [{ name: 'sign-token', state: 'passed' }, { name: 'save-session', state: 'failed' }] }, chapter: 3, minutesAgo: 2 }]);
    await attendee('Linus Torvalds', () => [onThree(18), { happened: verify(2), chapter: 3, minutesAgo: 6 }]);
    await attendee('Frances Allen', () => [onThree(21), { happened: verify(titles.length - 1), chapter: 3, minutesAgo: 1 }]);
    await attendee('Ken Thompson', () => [{ happened: { type: 'goto' }, chapter: 2, minutesAgo: 25 }, { happened: { type: 'solve', whole: true }, chapter: 2, minutesAgo: 3 }]);
    await attendee('Katherine Johnson', () => [onThree(28), { happened: verify(0), chapter: 3, minutesAgo: 1 }]);
    await attendee(SCRIPT_NAME, () => [onThree(10), { happened: verify(1), chapter: 3, minutesAgo: 2 }]);
    await attendee(IMAGE_NAME, () => [onThree(9), { happened: verify(2), chapter: 3, minutesAgo: 5 }]);
    browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    for (const machine of laptops) machine.close();
    await room?.close();
    folder?.remove();
  });

  it('shows every attendee with their chapter and state, the chapters\' counts, the check failing most and the pace; names as text', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    /** @type {string[]} */
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${room.url}/room/dashboard#key=${room.key}`);
    await page.waitForSelector('body[data-seq]');
    const rows = await page.$$eval('#attendees tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    assert.equal(rows.length, 12);
    const row = (/** @type {string} */ name) => rows.find((cells) => cells[0] === name);
    assert.deepEqual(row('Ada Lovelace')?.slice(1, 3), ['4', 'working']);
    assert.match(row('Alan Turing')?.[2] ?? '', /^stuck the same check has failed for 1[45] min$/);
    assert.equal(row('Alan Turing')?.[4], `${titles[2]} (15 min)`);
    assert.match(row('Katherine Johnson')?.[2] ?? '', /^stuck 28 min in a chapter of 25$/);
    assert.equal(row('Ken Thompson')?.[5], ' solved');
    assert.equal(row('Barbara Liskov')?.[3], `4 / ${titles.length} (steps 1 / 2)`);
    // The names are the text written, and nothing they hold ran.
    assert.deepEqual(row(SCRIPT_NAME)?.slice(0, 2), [SCRIPT_NAME, '3']);
    assert.deepEqual(row(IMAGE_NAME)?.slice(0, 2), [IMAGE_NAME, '3']);
    assert.equal(await page.$$eval('#attendees script, #attendees img', (found) => found.length), 0);
    assert.equal(await page.evaluate(() => /** @type {any} */ (globalThis).pwned), undefined, 'a name ran as a script');

    const three = await page.$eval('#chapters tr.current', (tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    assert.deepEqual(three, ['3', 'Log in', '25 min', '2', '6', '3']);
    // The last check fails for the nine who are not done; three of them are stuck.
    assert.equal(await page.textContent('#failing .check'), titles.at(-1));
    assert.match((await page.textContent('#failing')) ?? '', /9 attendees fail it now, 3 stuck\.Explain again: Test the handler \(chapter 3\)/);
    assert.equal(await page.getAttribute('#failing a', 'href'), '/chapters/03-log-in#test-the-handler');
    assert.match((await page.textContent('#summary')) ?? '', /The room is on chapter 3: Log in\. 12 attendees\.Pace: .*(behind|ahead of|on schedule)/);
    await page.screenshot({ path: PICTURE, fullPage: true });

    // Live: a report changes the page, with no reload.
    const ada = laptops[0];
    assert.ok(ada);
    const chapterFour = [{ title: 'GET /user answers the account', state: /** @type {const} */ ('passed') }, { title: 'a tampered token gets 401', state: /** @type {const} */ ('failed') }];
    assert.equal((await ada.send([reportOf({ type: 'verify', checked: 4, results: chapterFour }, 4, new Date())])).status, 200);
    await page.waitForFunction(() => [.../** @type {any} */ (globalThis).document.querySelectorAll('#attendees tr')].some((tr) => tr.querySelector('td')?.textContent === 'Ada Lovelace' && tr.querySelectorAll('td')[3]?.textContent === '1 / 2'), undefined, { timeout: 10_000 });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('asks for the instructor key without it, and says so when it is wrong; the data needs it', async () => {
    const page = await browser.newPage();
    await page.goto(`${room.url}/room/dashboard`);
    await page.waitForSelector('#key-form:not([hidden])');
    assert.equal(await page.$$eval('#attendees tr', (trs) => trs.length), 0);
    await page.fill('#key-form input', 'not-the-key-at-all');
    await Promise.all([page.waitForEvent('load'), page.click('#key-form button')]);
    await page.waitForSelector('#key-form:not([hidden])');
    assert.match((await page.textContent('#key-form .note')) ?? '', /That key is not this room's/);
    assert.equal(await page.$$eval('#attendees tr', (trs) => trs.length), 0);
    await page.close();
  });

  it('the presenter view: the chapter, its goals and steps (arrow keys), the timer, the share done, and setting the room\'s chapter', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${room.url}/room/presenter#key=${room.key}`);
    await page.waitForSelector('body[data-seq]');
    assert.equal(await page.textContent('#title'), 'Chapter 3: Log in');
    assert.match((await page.textContent('#timer')) ?? '', /^\d+:\d\d of 25 min$/);
    assert.equal(await page.textContent('#done'), '2 of 12 done (17 %)');
    assert.equal(await page.textContent('#failing'), `Failing most: ${titles.at(-1)} (9) · explained in "Test the handler"`);
    const goals = await page.$$eval('#goals li', (items) => items.length);
    assert.ok(goals > 0);
    assert.equal(await page.textContent('#steps li.current'), (await page.$$eval('#steps li', (items) => items[0]?.textContent)) ?? '');

    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => /** @type {any} */ (globalThis).document.querySelectorAll('#steps li')[1]?.classList.contains('current'));
    assert.equal(room.state.presenter.step, 1);
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => /** @type {any} */ (globalThis).document.querySelectorAll('#steps li')[0]?.classList.contains('current'));
    assert.equal(room.state.presenter.step, 0);

    await page.selectOption('#chapter', '4');
    await page.waitForFunction(() => /** @type {any} */ (globalThis).document.getElementById('title')?.textContent?.startsWith('Chapter 4:'));
    assert.equal(room.state.presenter.chapter, 4);
    assert.match((await page.textContent('#timer')) ?? '', /^0:0\d of \d+ min$/);
    await page.close();
  });
});

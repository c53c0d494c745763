/* global document */
/**
 * The dashboard: every attendee and their chapter, live; per chapter how many are done, working
 * and stuck; the check failing most now, with the section of the page to explain again; the
 * room's pace against the schedule; and the export for after the day.
 */
import { download, el, follow, minutesText } from './live.js';

const STATUS = { done: 'done', working: 'working', stuck: 'stuck', new: 'joined' };

/** @param {any} view */
function showSummary(view) {
  const room = view.room ? `The room is on chapter ${view.room.number}: ${view.room.title}.` : 'The room\'s chapter is not set yet (the presenter view sets it).';
  const people = `${view.attendees.length} attendee${view.attendees.length === 1 ? '' : 's'}${view.left ? ` (${view.left} left)` : ''}.`;
  let pace = '';
  if (view.pace && view.pace.aheadMinutes !== null) {
    const minutes = Math.abs(view.pace.aheadMinutes);
    const where = minutes === 0 ? 'on schedule' : `${minutesText(minutes)} ${view.pace.aheadMinutes > 0 ? 'ahead of' : 'behind'} the schedule`;
    pace = `Pace: ${where} (${minutesText(view.pace.elapsedMinutes)} in; the schedule says chapter ${view.pace.scheduledChapter}).`;
  }
  document.getElementById('summary').replaceChildren(el('p', {}, room, ' ', people), pace && el('p', { className: 'pace' }, pace));
}

/** @param {any} view */
function showFailing(view) {
  const box = document.getElementById('failing');
  const top = view.failing[0];
  if (!top) {
    box.replaceChildren(el('p', { className: 'quiet' }, 'No check is failing now.'));
    return;
  }
  const explain = top.section
    ? el('p', {}, 'Explain again: ', el('a', { href: top.link, target: '_blank', rel: 'noopener' }, top.section), ` (chapter ${top.chapter})`)
    : el('p', {}, 'Chapter ', String(top.chapter), ': ', el('a', { href: top.link, target: '_blank', rel: 'noopener' }, 'its page'));
  const others = view.failing.slice(1).map((entry) => el('li', {}, `${entry.title} (chapter ${entry.chapter}): ${entry.attendees}`));
  box.replaceChildren(
    el('p', { className: 'check' }, top.title),
    el('p', {}, `${top.attendees} attendee${top.attendees === 1 ? '' : 's'} fail it now${top.stuck ? `, ${top.stuck} stuck` : ''}.`),
    explain,
    others.length > 0 && el('details', {}, el('summary', {}, 'Next most failing'), el('ul', {}, ...others)),
  );
}

/** @param {any} view */
function showChapters(view) {
  const rows = view.chapters
    .filter((chapter) => chapter.minutes > 0 || chapter.done + chapter.working + chapter.stuck > 0)
    .map((chapter) =>
      el(
        'tr',
        { className: view.room && view.room.number === chapter.number ? 'current' : '' },
        el('td', {}, String(chapter.number)),
        el('td', {}, chapter.title),
        el('td', { className: 'number' }, chapter.minutes ? `${chapter.minutes} min` : ''),
        el('td', { className: 'number done' }, String(chapter.done)),
        el('td', { className: 'number working' }, String(chapter.working)),
        el('td', { className: 'number stuck' }, String(chapter.stuck)),
      ),
    );
  document.getElementById('chapters').replaceChildren(...rows);
}

/** @param {any} view */
function showAttendees(view) {
  const rows = view.attendees.map((attendee) =>
    el(
      'tr',
      { className: `status-${attendee.status}`, 'data-attendee': attendee.id },
      el('td', { className: 'name' }, attendee.name),
      el('td', { className: 'number' }, attendee.chapter === null ? '–' : String(attendee.chapter)),
      el('td', {}, el('span', { className: `badge ${attendee.status}` }, STATUS[attendee.status] || attendee.status), attendee.why ? el('span', { className: 'why' }, ` ${attendee.why}`) : null),
      el('td', { className: 'number' }, attendee.checks === null ? '' : `${attendee.passed} / ${attendee.checks}`, attendee.steps.length > 0 ? el('span', { className: 'why' }, ` (steps ${attendee.steps.filter((step) => step.state === 'passed').length} / ${attendee.steps.length})`) : null),
      el('td', {}, attendee.failing ? `${attendee.failing.title} (${minutesText(attendee.failing.minutes)})` : ''),
      el('td', { className: 'number' }, attendee.hints ? `hint ${attendee.hints}` : '', attendee.solved ? ' solved' : ''),
      el('td', { className: 'number' }, minutesText(attendee.minutesInChapter)),
    ),
  );
  document.getElementById('attendees').replaceChildren(...rows);
}

/** @param {any} view */
function show(view) {
  const started = performance.now();
  showSummary(view);
  showFailing(view);
  showChapters(view);
  showAttendees(view);
  document.body.dataset.seq = String(view.seq);
  document.body.dataset.drawMs = String(performance.now() - started);
  // From the address typed to the room drawn (the benchmark reads it).
  if (!document.body.dataset.drawnAt) document.body.dataset.drawnAt = String(performance.now());
}

document.getElementById('export').addEventListener('click', () => void download('/api/instructor/export', `room-${new Date().toISOString().slice(0, 10)}.json`));
follow('dashboard', show, (connected) => {
  document.getElementById('connection').textContent = connected ? 'live' : 'reconnecting…';
  document.body.dataset.connected = String(connected);
});

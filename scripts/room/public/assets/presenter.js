/* global document, HTMLSelectElement */
/**
 * The presenter view, for the projector: the chapter, its goals and steps, the step presented
 * (the arrow keys move it), a timer against the chapter's minutes, the share of the room done,
 * and the check failing most in the chapter. Choosing a chapter sets the chapter the room is on:
 * attendees behind it see it in `npm run workshop -- status`, with the command that catches up.
 */
import { el, follow, instructorFetch } from './live.js';

/** @type {any} */
let current;

/** @param {{ chapter?: number, step?: number }} change */
async function control(change) {
  const response = await instructorFetch('/api/instructor/presenter', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(change) });
  if (response.ok) show(await response.json());
}

function tick() {
  const timer = document.getElementById('timer');
  if (!current || !current.chapter) return;
  if (!current.since) {
    timer.textContent = `${current.chapter.minutes} min planned`;
    timer.className = '';
    return;
  }
  const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(current.since)) / 1000));
  const clock = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  timer.textContent = `${clock} of ${current.chapter.minutes} min`;
  timer.className = seconds > current.chapter.minutes * 60 ? 'over' : '';
}

/** @param {any} view */
function show(view) {
  current = view;
  const chapter = view.chapter;
  document.getElementById('title').textContent = chapter ? `Chapter ${chapter.number}: ${chapter.title}` : 'No chapter';
  document.getElementById('not-set').hidden = view.set;
  const select = document.getElementById('chapter');
  if (select.options.length !== view.chapters.length) {
    select.replaceChildren(...view.chapters.map((entry) => el('option', { value: String(entry.number) }, `${entry.number}. ${entry.title}`)));
  }
  if (chapter) select.value = String(chapter.number);
  document.getElementById('goals').replaceChildren(...(chapter ? chapter.goals : []).map((goal) => el('li', {}, goal)));
  document.getElementById('steps').replaceChildren(...view.steps.map((step, index) => el('li', { className: index === view.step ? 'current' : index < view.step ? 'past' : '' }, step)));
  const share = view.attendees === 0 ? 0 : Math.round((100 * view.done) / view.attendees);
  document.getElementById('done').textContent = `${view.done} of ${view.attendees} done (${share} %)`;
  document.getElementById('done-bar').style.width = `${share}%`;
  const failing = document.getElementById('failing');
  failing.replaceChildren(
    ...(view.failing
      ? [el('span', { className: 'label' }, 'Failing most: '), view.failing.title, ` (${view.failing.attendees})`, view.failing.section ? el('span', { className: 'section' }, ` · explained in "${view.failing.section}"`) : null]
      : [el('span', { className: 'quiet' }, 'No check of this chapter is failing now.')]),
  );
  document.body.dataset.seq = String(view.seq);
  tick();
}

document.getElementById('start').addEventListener('click', () => current && current.chapter && void control({ chapter: current.chapter.number }));
document.getElementById('chapter').addEventListener('change', (event) => void control({ chapter: Number(event.target.value) }));
document.addEventListener('keydown', (event) => {
  if (!current || event.target instanceof HTMLSelectElement) return;
  if (event.key === 'ArrowRight' && current.step < current.steps.length - 1) void control({ step: current.step + 1 });
  if (event.key === 'ArrowLeft' && current.step > 0) void control({ step: current.step - 1 });
});
setInterval(tick, 1000);
follow('presenter', show, (connected) => {
  document.body.dataset.connected = String(connected);
});

// @ts-check
/**
 * The agenda, from the chapters' own metadata (chapters/NN-name/chapter.json, read by the
 * workshop's `loadChapters`), so that the home page and the instructor guide have one source for
 * each chapter's time: the chapter itself.
 */

import { linesToWrite } from '@session-api/workshop/steps';

/** @typedef {import('@session-api/workshop/chapters').Chapter} Chapter */

/** The chapters of the short track: the 2-hour slot of a conference talk. */
export const SHORT_TRACK = [1, 2, 3, 4, 5];

/**
 * What the agenda shows: every chapter with its time and what its attendees write (the lines of
 * its steps), the whole workshop's time, and the short track's. Computed at build time (plugins/workshop-chapters.mjs), so the page only renders it.
 * @param {Chapter[]} chapters
 */
export function agenda(chapters) {
  const total = (/** @type {Chapter[]} */ some) => some.reduce((sum, chapter) => sum + chapter.minutes, 0);
  const shortTrack = chapters.filter((chapter) => SHORT_TRACK.includes(chapter.number));
  return {
    chapters: chapters.map((chapter) => {
      const { folder, number, title, minutes } = chapter;
      const { total, steps } = linesToWrite(chapter);
      return { folder, number, title, minutes, time: minutes === 0 ? 'before you start' : duration(minutes), write: { lines: total, steps: steps.length } };
    }),
    total: duration(total(chapters)),
    shortTrack: { numbers: shortTrack.map((chapter) => chapter.number), total: duration(total(shortTrack)) },
  };
}

/** "1 h 45 min", "20 min". @param {number} minutes */
export function duration(minutes) {
  const [hours, rest] = [Math.floor(minutes / 60), minutes % 60];
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

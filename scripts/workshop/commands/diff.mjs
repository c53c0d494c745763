// @ts-check
/**
 * `workshop diff`: how workspace/ differs from the current chapter's solution, as a coloured
 * unified diff ("-" lines are yours, "+" lines the solution's). node_modules, build output and
 * the chapter's own metadata are left out (the app files only, as goto copies them).
 *
 *   diff --chapter N    what chapter N changes: chapter N-1's app against chapter N's (for
 *                       instructors presenting; needs no workspace)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FILE_HEADERS_ONLY, createTwoFilesPatch } from 'diff';
import { chapterNamed, currentChapter, startOf } from '../context.mjs';
import { requireProgress } from '../progress.mjs';
import { UsageError, colours, command } from '../ui.mjs';
import { chapterFiles, filesOf, requireWorkspace } from '../workspace.mjs';

/**
 * @typedef {object} Side  one side of a diff: a folder, which of its files count, and its name in the headers
 * @property {string} dir
 * @property {string[]} files
 * @property {string} label   e.g. "workspace" or "chapters/03-log-in"
 */

/**
 * The unified diff of two app folders, file by file in path order; empty when they are equal.
 * @param {Side} from @param {Side} to
 * @returns {string}
 */
export function unifiedDiff(from, to) {
  const paths = [...new Set([...from.files, ...to.files])].sort();
  const fromSet = new Set(from.files);
  const toSet = new Set(to.files);
  /** @type {string[]} */
  const patches = [];
  for (const file of paths) {
    const before = fromSet.has(file) ? readFileSync(path.join(from.dir, file), 'utf8') : '';
    const after = toSet.has(file) ? readFileSync(path.join(to.dir, file), 'utf8') : '';
    if (fromSet.has(file) && toSet.has(file) && before === after) continue;
    const patch = createTwoFilesPatch(
      fromSet.has(file) ? `${from.label}/${file}` : '/dev/null',
      toSet.has(file) ? `${to.label}/${file}` : '/dev/null',
      before,
      after,
      undefined,
      undefined,
      { context: 3, headerOptions: FILE_HEADERS_ONLY },
    );
    patches.push(patch);
  }
  return patches.join('');
}

/**
 * Colours a unified diff as git does: removed lines red, added green, hunk headers cyan.
 * @param {string} text
 */
export function colourDiff(text) {
  return text
    .split('\n')
    .map((line) => {
      if (line.startsWith('---') || line.startsWith('+++')) return colours.bold(line);
      if (line.startsWith('@@')) return colours.cyan(line);
      if (line.startsWith('-')) return colours.red(line);
      if (line.startsWith('+')) return colours.green(line);
      return line;
    })
    .join('\n');
}

/**
 * @param {import('../context.mjs').Context} context
 * @param {{ chapter: string | undefined }} options
 * @returns {Promise<number>}
 */
export async function diff(context, { chapter: typed }) {
  let from;
  let to;
  let equal;
  if (typed !== undefined) {
    const chapter = chapterNamed(context, typed, (number) => `diff --chapter ${number}`);
    const before = startOf(context, chapter);
    if (before === chapter) throw new UsageError(`Chapter ${chapter.number} is the starting point: there is no chapter before it to compare with. Try: ${command(`diff --chapter ${context.chapters[1]?.number ?? 1}`)}`);
    from = { dir: before.dir, files: chapterFiles(before), label: `chapters/${before.folder}` };
    to = { dir: chapter.dir, files: chapterFiles(chapter), label: `chapters/${chapter.folder}` };
    equal = `Chapter ${chapter.number} changes no file of the app.`;
  } else {
    const chapter = currentChapter(context, requireProgress(context.place));
    requireWorkspace(context.place);
    from = { dir: context.place.workspace, files: filesOf(context.place.workspace), label: 'workspace' };
    to = { dir: chapter.dir, files: chapterFiles(chapter), label: `chapters/${chapter.folder}` };
    equal = `No difference: workspace/ is the solution of chapter ${chapter.number}.`;
  }
  const text = unifiedDiff(from, to);
  context.print(text === '' ? equal : colourDiff(text.replace(/\n$/, '')));
  return 0;
}

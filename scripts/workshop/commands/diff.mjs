// @ts-check
/**
 * `workshop diff`: how workspace/ differs from the current chapter's solution, as a coloured
 * unified diff ("-" lines are yours, "+" lines the solution's). Since everything but the steps is
 * given, that is the steps you wrote against the solution's. node_modules, build output and the
 * chapter's own metadata are left out (the app files only, as goto writes them), and so is every
 * region marker: the solution is the chapter's files as `solve` writes them.
 *
 *   diff --chapter N    what learners write in chapter N: its start against its solution (for
 *                       instructors presenting; needs no workspace)
 */
import { FILE_HEADERS_ONLY, createTwoFilesPatch } from 'diff';
import { chapterNamed, currentChapter } from '../context.mjs';
import { requireProgress } from '../progress.mjs';
import { solutionVersion, startVersion } from '../steps.mjs';
import { UsageError, colours, command } from '../ui.mjs';
import { readApp, requireWorkspace } from '../workspace.mjs';

/**
 * @typedef {object} Side  one side of a diff: its app files with their content, and its name in the headers
 * @property {Map<string, Buffer | string>} files
 * @property {string} label   e.g. "workspace" or "solution"
 */

/**
 * The unified diff of two apps, file by file in path order; empty when they are equal.
 * @param {Side} from @param {Side} to
 * @returns {string}
 */
export function unifiedDiff(from, to) {
  const paths = [...new Set([...from.files.keys(), ...to.files.keys()])].sort();
  /** @type {string[]} */
  const patches = [];
  for (const file of paths) {
    const [inFrom, inTo] = [from.files.has(file), to.files.has(file)];
    const before = String(from.files.get(file) ?? '');
    const after = String(to.files.get(file) ?? '');
    if (inFrom && inTo && before === after) continue;
    const patch = createTwoFilesPatch(
      inFrom ? `${from.label}/${file}` : '/dev/null',
      inTo ? `${to.label}/${file}` : '/dev/null',
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
    if (chapter.steps.length === 0) throw new UsageError(`Chapter ${chapter.number} has no step to write: it is the starting point. Try: ${command(`diff --chapter ${context.chapters.find((candidate) => candidate.steps.length > 0)?.number ?? 1}`)}`);
    from = { files: startVersion(chapter), label: `start-of-chapter-${chapter.number}` };
    to = { files: solutionVersion(chapter), label: `solution-of-chapter-${chapter.number}` };
    equal = `Chapter ${chapter.number} has nothing to write.`;
  } else {
    const chapter = currentChapter(context, requireProgress(context.place));
    requireWorkspace(context.place);
    from = { files: readApp(context.place.workspace), label: 'workspace' };
    to = { files: solutionVersion(chapter), label: `solution-of-chapter-${chapter.number}` };
    equal = `No difference: workspace/ is the solution of chapter ${chapter.number}.`;
  }
  const text = unifiedDiff(from, to);
  context.print(text === '' ? equal : colourDiff(text.replace(/\n$/, '')));
  return 0;
}

// @ts-check
/**
 * The parts of a chapter's page that the chapter itself already says, put on the page at build
 * time (computed by lib/chapter-pages.mjs), so that none of them is ever written by hand:
 *
 *   <ChapterIntro />          the chapter's time and goals (chapter.json)
 *   <ChapterArchitecture />   the API as far as this chapter builds it, what is new highlighted
 *   <ChapterChanges />        what changed since the chapter before: files and line counts
 *   <VerifyOutput />          what `npm run workshop -- verify` prints when every check passes
 *   <CheckFailure quote="…" />  a text a check fails with, quoted; the build fails when no check
 *                             of the chapter has that text any more ("…" stands for a value)
 *   <Step name="…" />         the code of one of the chapter's steps (chapter.json "steps"), every
 *                             line of it, from its `step:` regions: what the learner writes in
 *                             place of its ✍ placeholders (each region becomes a <CodeFile>)
 *   <Placeholder step="…" />  the ✍ placeholder of a step, as the learner finds it in their files
 *   <GivenFiles />            the files the chapter's start gives (what `goto` adds or changes
 *                             since the chapter before), one line each on what it does
 *
 * A page named like a chapter's folder (docs/chapters/03-log-in.mdx) is that chapter's page;
 * going-further.mdx is final/'s. For a chapter's page the build also fails unless:
 * - its slug is the route `workshop verify` prints (/chapters/03-log-in), and its title and
 *   sidebar label are the chapter's number and title;
 * - it has a level-2 heading for each of chapter.json's `sections`, in that order, and no other
 *   heading with the same anchor: each check's "See '<section>' in chapter N" lands there;
 * - each command of a ```sh chain block (a command too slow for the docs test, which the
 *   chapter's checks run) is named by a check of the chapter: `npm run pipeline -- ping …`;
 * - every step of the chapter is on the page once, as a <Step />, under the level-2 heading of
 *   the section it names: all a learner writes is on the page, where the checks send them.
 */
import path from 'node:path';
import { anchorOf } from '@session-api/workshop/verify';
import { visit } from 'unist-util-visit';
import { chapterStepRegions, linesToWrite, placeholderLines } from '@session-api/workshop/steps';
import { languageOf } from '@session-api/workshop/regions';
import { GOING_FURTHER, appChanges, architecture, checkMessages, checkTitles, givenFiles, pageSubject, quotesACheck, verifyOutput } from '../lib/chapter-pages.mjs';
import { duration } from '../lib/chapters.mjs';
import { SHELLS, commandsOf, parseMeta } from '../lib/code-blocks.mjs';

/** How the page shows the folder `verify` checks: the learner's workspace, wherever it is. */
export const WORKSPACE_SHOWN = '…/workspace';

const PARTS = ['ChapterIntro', 'ChapterArchitecture', 'ChapterChanges', 'VerifyOutput', 'CheckFailure', 'Step', 'Placeholder', 'GivenFiles'];

/**
 * @typedef {import('mdast').Root} Root
 * @typedef {import('mdast').BlockContent} Content
 * @typedef {import('mdast').PhrasingContent} Phrasing
 * @typedef {import('../lib/chapter-pages.mjs').Chapter} Chapter
 */

/** The plain text of a node. @param {any} node @returns {string} */
function textOf(node) {
  if (typeof node.value === 'string') return node.value;
  return (node.children ?? []).map(textOf).join('');
}

/** @param {string} value @returns {Phrasing} */
const text = (value) => ({ type: 'text', value });
/** @param {string} value @returns {Phrasing} */
const strong = (value) => ({ type: 'strong', children: [text(value)] });
/** @param {string} value @returns {Phrasing} */
const code = (value) => ({ type: 'inlineCode', value });
/** @param {Phrasing[]} children @returns {Content} */
const paragraph = (children) => ({ type: 'paragraph', children });

/** "+12 −3" @param {{added: number, removed: number}} change */
function lineCount({ added, removed }) {
  return [added ? `+${added}` : '', removed ? `−${removed}` : ''].filter(Boolean).join(' ');
}

/** @param {string} word @param {number} count */
const plural = (word, count) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** @param {{repoRoot: string}} options */
export default function remarkChapterPage({ repoRoot }) {
  if (!repoRoot || !path.isAbsolute(repoRoot)) throw new Error('remarkChapterPage: give the repository root as an absolute path');
  /** @param {Root} tree @param {import('vfile').VFile} file */
  return async (tree, file) => {
    const name = path.basename(file.path ?? '', path.extname(file.path ?? ''));
    const subject = pageSubject(repoRoot, name);
    // What the chapter's check files say, read at most once per page (a page is about one
    // chapter), however many parts and `chain` blocks need it.
    /** @type {Promise<string[]> | undefined} */
    let titles;
    /** @type {string[] | undefined} */
    let messages;
    const checksOf = {
      titles: (/** @type {Chapter} */ chapter) => (titles ??= checkTitles(chapter)),
      messages: (/** @type {Chapter} */ chapter) => (messages ??= checkMessages(chapter)),
    };
    checkChainBlocks(tree, file, subject?.chapter, checksOf.messages);
    /** @type {{node: any, index: number, parent: any}[]} */
    const found = [];
    visit(tree, (node, index, parent) => {
      const jsx = /** @type {any} */ (node);
      if ((jsx.type === 'mdxJsxFlowElement' || jsx.type === 'mdxJsxTextElement') && PARTS.includes(jsx.name) && parent && index !== undefined) {
        found.push({ node: jsx, index, parent });
      }
    });
    if (!subject) {
      if (found[0]) file.fail(`<${found[0].node.name} /> belongs on a chapter's page: name the page like the chapter's folder (chapters/NN-name.mdx) or ${GOING_FURTHER.slug}.mdx`, found[0].node);
      return;
    }
    const { chapter, previous, dir } = subject;
    checkPage(tree, file, chapter);
    if (chapter) checkSteps(tree, file, chapter, found);

    // Replace from the last, so that the indexes of the earlier ones stay right.
    for (const { node, index, parent } of found.reverse()) {
      if (node.type === 'mdxJsxTextElement') file.fail(`put <${node.name} /> on a line of its own, not inside a sentence`, node);
      /** @type {Record<string, string>} */
      const attributes = Object.fromEntries((node.attributes ?? []).map((/** @type {any} */ attribute) => [attribute.name, attribute.value]));
      /** @type {Content[]} */
      let replacement;
      switch (node.name) {
        case 'ChapterIntro':
          if (!chapter) file.fail('<ChapterIntro /> shows a chapter\'s time and goals: final/ has none', node);
          replacement = intro(/** @type {NonNullable<typeof chapter>} */ (chapter), (await checksOf.titles(/** @type {NonNullable<typeof chapter>} */ (chapter))).length);
          break;
        case 'ChapterArchitecture': {
          const diagram = architecture(repoRoot, dir, previous?.dir);
          replacement = [{ type: 'code', lang: 'mermaid', value: diagram }];
          if (/\n {2}class \S+ new$/.test(diagram)) replacement.push(paragraph([{ type: 'emphasis', children: [text(`Highlighted: what ${chapter ? 'this chapter' : 'final/'} adds.`)] }]));
          break;
        }
        case 'ChapterChanges':
          replacement = changes(appChanges(previous?.dir, dir), previous, chapter);
          break;
        case 'Step': {
          if (!chapter) file.fail('<Step /> shows a step of a chapter: final/ has none', node);
          replacement = stepCode(/** @type {Chapter} */ (chapter), attributes['name'] ?? '');
          break;
        }
        case 'Placeholder': {
          if (!chapter) file.fail('<Placeholder /> shows a step\'s placeholder: final/ has none', node);
          const shown = /** @type {Chapter} */ (chapter);
          const region = chapterStepRegions(shown).find((candidate) => candidate.step === attributes['step']);
          if (!region) file.fail(`<Placeholder step=${JSON.stringify(attributes['step'])} />: chapter ${shown.number} has no such step`, node);
          const found = /** @type {import('@session-api/workshop/steps').StepRegion} */ (region);
          const lines = placeholderLines(shown, { ...found, indent: '' });
          replacement = [{ type: 'code', lang: languageOf(found.file), meta: `title=${JSON.stringify(`what you find in workspace/${found.file}`)}`, value: lines.join('\n'), data: /** @type {any} */ ({ generated: 'placeholder' }) }];
          break;
        }
        case 'GivenFiles': {
          if (!chapter) file.fail('<GivenFiles /> lists what a chapter\'s start gives: final/ has no start', node);
          const shown = /** @type {Chapter} */ (chapter);
          try {
            replacement = given(givenFiles(shown, previous));
          } catch (error) {
            file.fail(error instanceof Error ? error.message : String(error), node);
          }
          break;
        }
        case 'VerifyOutput': {
          if (!chapter) file.fail('<VerifyOutput /> shows what verify prints for a chapter: final/ has no checks of its own', node);
          const shown = /** @type {NonNullable<typeof chapter>} */ (chapter);
          replacement = [{ type: 'code', lang: 'text', meta: 'title="Output"', value: verifyOutput(shown, await checksOf.titles(shown), WORKSPACE_SHOWN), data: /** @type {any} */ ({ generated: 'verify-output' }) }];
          break;
        }
        case 'CheckFailure': {
          const quote = attributes['quote'];
          if (typeof quote !== 'string' || quote === '') file.fail('<CheckFailure quote="…" /> needs the text a check fails with, as a plain string', node);
          if (!chapter) file.fail('<CheckFailure /> quotes a chapter\'s check: final/ has none', node);
          if (!quotesACheck(checksOf.messages(/** @type {NonNullable<typeof chapter>} */ (chapter)), quote)) {
            file.fail(`<CheckFailure quote="${quote}" />: no check of chapter ${chapter?.number} fails with this text (quote a string of chapters/${chapter?.folder}/checks/*.check.ts exactly, "…" for a value it puts in)`, node);
          }
          replacement = [{ type: 'blockquote', data: { hProperties: { 'data-check-failure': '' } }, children: [paragraph([code(quote)])] }];
          break;
        }
        default:
          continue;
      }
      parent.children.splice(index, 1, ...replacement);
    }
  };
}

/**
 * A `chain` block is not run by the docs test because the chapter's checks run it: each of its
 * commands (but `cd`) must be named by a check of the chapter, at least up to the first word
 * after `--`, so that the page cannot show a command nothing runs.
 * @param {Root} tree @param {import('vfile').VFile} file @param {Chapter | undefined} chapter
 * @param {(chapter: Chapter) => string[]} messagesOf the texts the chapter's checks fail with (checkMessages(), read once per page)
 */
function checkChainBlocks(tree, file, chapter, messagesOf) {
  visit(tree, 'code', (node) => {
    if (!SHELLS.includes(node.lang ?? '') || parseMeta(node.meta)['chain'] !== true) return;
    if (!chapter) file.fail('a `chain` block shows a command a chapter\'s checks run: it belongs on that chapter\'s page', node);
    const texts = messagesOf(/** @type {NonNullable<typeof chapter>} */ (chapter));
    for (const command of commandsOf(node.value).filter((line) => !/^cd\s/.test(line))) {
      const words = command.split(/\s+/);
      const dashes = words.indexOf('--');
      const shortest = dashes >= 0 ? Math.min(words.length, dashes + 2) : words.length;
      const named = words.some((_, index) => index + 1 >= shortest && texts.some((text) => text.includes(words.slice(0, index + 1).join(' '))));
      if (!named) file.fail(`\`${command}\`: no check of chapter ${chapter?.number} runs this command, so a \`chain\` block cannot show it (tag it \`run\`, or \`needs=…\`)`, node);
    }
  });
}

/**
 * A chapter's page must carry the route, title and headings that the chapter's tools name.
 * @param {Root} tree @param {import('vfile').VFile} file @param {import('../lib/chapter-pages.mjs').Chapter | undefined} chapter
 */
function checkPage(tree, file, chapter) {
  const frontMatter = /** @type {Record<string, unknown>} */ (/** @type {any} */ (file.data)['frontMatter'] ?? {});
  const page = chapter ? chapter.page : GOING_FURTHER.page;
  if (frontMatter['slug'] !== page) file.fail(`this page's front matter must say slug: ${page} (the route \`workshop verify\` and the agenda link to), not ${JSON.stringify(frontMatter['slug'])}`);
  if (!chapter) return;
  const title = `Chapter ${chapter.number}: ${chapter.title}`;
  const label = `${chapter.number}. ${chapter.title}`;
  if (frontMatter['title'] !== title) file.fail(`this page's front matter must say title: "${title}" (from chapters/${chapter.folder}/chapter.json), not ${JSON.stringify(frontMatter['title'])}`);
  if (frontMatter['sidebar_label'] !== label) file.fail(`this page's front matter must say sidebar_label: "${label}", not ${JSON.stringify(frontMatter['sidebar_label'])}`);

  /** @type {{text: string, depth: number, node: any}[]} */
  const headings = [];
  visit(tree, 'heading', (node) => {
    headings.push({ text: textOf(node).trim(), depth: node.depth, node });
  });
  // anchorOf(): the anchor as `workshop verify` writes it in "See '<section>' in chapter N: <page>#<anchor>".
  let from = 0;
  for (const section of chapter.sections) {
    const at = headings.findIndex((heading, index) => index >= from && heading.depth === 2 && heading.text === section);
    if (at < 0) {
      const anywhere = headings.some((heading) => heading.text === section);
      file.fail(`this page needs the heading "## ${section}" (chapters/${chapter.folder}/chapter.json sections)${anywhere ? ', as a level-2 heading, in the order chapter.json lists the sections' : ''}: the checks send learners to its anchor #${anchorOf(section)}`);
    }
    from = at + 1;
    const twins = headings.filter((heading) => anchorOf(heading.text) === anchorOf(section));
    if (twins.length > 1) file.fail(`"${section}" is a section of chapter ${chapter.number}: no other heading of its page may have the anchor #${anchorOf(section)}`, twins[1]?.node);
  }
}

/**
 * Every step of the chapter must be on its page once, as <Step name="…" />, under the level-2
 * heading of its section.
 * @param {Root} tree @param {import('vfile').VFile} file @param {Chapter} chapter
 * @param {{node: any}[]} found the page's parts, in page order
 */
function checkSteps(tree, file, chapter, found) {
  /** @type {Map<any, string | undefined>} the section each top-level node is under */
  const sectionOf = new Map();
  let section;
  for (const node of tree.children) {
    if (node.type === 'heading' && node.depth === 2) section = textOf(node).trim();
    sectionOf.set(node, section);
  }
  const seen = new Set();
  for (const { node } of found.filter((part) => part.node.name === 'Step')) {
    const name = (node.attributes ?? []).find((/** @type {any} */ attribute) => attribute.name === 'name')?.value;
    const step = chapter.steps.find((candidate) => candidate.name === name);
    if (!step) file.fail(`<Step name=${JSON.stringify(name)} />: chapter ${chapter.number} has no such step (its steps: ${chapter.steps.map((candidate) => candidate.name).join(', ') || 'none'})`, node);
    if (seen.has(name)) file.fail(`<Step name="${name}" /> is on this page twice: show each step once`, node);
    seen.add(name);
    if (!sectionOf.has(node)) file.fail(`put <Step name="${name}" /> on a line of its own, outside any other element`, node);
    if (sectionOf.get(node) !== step?.section) file.fail(`<Step name="${name}" /> must be under "## ${step?.section}", the section chapter.json names for it (it is under ${JSON.stringify(sectionOf.get(node) ?? 'no section')})`, node);
  }
  const missing = chapter.steps.filter((step) => !seen.has(step.name));
  if (missing.length > 0) file.fail(`this page must show every step of chapter ${chapter.number}: add ${missing.map((step) => `<Step name="${step.name}" /> under "## ${step.section}"`).join(', ')}`);
}

/**
 * A step's code: for each of its regions, where it goes and the code itself (a <CodeFile> of the
 * region, which remark-code-file.mjs reads).
 * @param {Chapter} chapter @param {string} name
 * @returns {Content[]}
 */
function stepCode(chapter, name) {
  const regions = chapterStepRegions(chapter).filter((region) => region.step === name);
  return regions.flatMap((region) => {
    const part = region.parts > 1 ? `, part ${region.part} of ${region.parts}` : '';
    const where = `workspace/${region.file}`;
    return [
      paragraph([text('In '), code(where), text(', write this in place of the ✍ placeholder of step '), strong(`"${name}"${part}`), text(':')]),
      /** @type {Content} */ ({
        type: 'mdxJsxFlowElement',
        name: 'CodeFile',
        attributes: [
          { type: 'mdxJsxAttribute', name: 'path', value: `chapters/${chapter.folder}/${region.file}` },
          { type: 'mdxJsxAttribute', name: 'region', value: region.region },
          // No double quotes: a code block's title is written title="…" in its meta.
          { type: 'mdxJsxAttribute', name: 'title', value: `${where} · step ${name}${part}` },
        ],
        children: [],
      }),
    ];
  });
}

/**
 * The files the chapter's start gives, as a list: each file with what it does.
 * @param {import('../lib/chapter-pages.mjs').GivenFile[]} files
 * @returns {Content[]}
 */
function given(files) {
  if (files.length === 0) return [paragraph([text('The start of this chapter gives no new file: everything to do is in its steps.')])];
  return [
    {
      type: 'list',
      ordered: false,
      spread: false,
      data: { hProperties: { 'data-given-files': '' } },
      children: files.map((entry) => ({
        type: 'listItem',
        spread: false,
        children: [paragraph([code(entry.file), text(entry.kind === 'added' ? ' (new): ' : entry.kind === 'changed' ? ' (changed): ' : ' (removed): '), text(entry.does)])],
      })),
    },
  ];
}

/**
 * @param {import('../lib/chapter-pages.mjs').Chapter} chapter
 * @param {number} checks how many checks it has
 * @returns {Content[]}
 */
function intro(chapter, checks) {
  const time = chapter.minutes === 0 ? 'before the workshop starts' : duration(chapter.minutes);
  const { total, steps } = linesToWrite(chapter);
  const write = steps.length > 0 ? [strong('You write:'), text(` ${total} lines, in ${plural('step', steps.length)}. `)] : [];
  return [
    paragraph([strong('Time:'), text(` ${time}. `), ...write, strong('Checks:'), text(` ${checks}, run by `), code('npm run workshop -- verify'), text('.')]),
    paragraph([text('In this chapter you:')]),
    { type: 'list', ordered: false, spread: false, children: chapter.goals.map((goal) => ({ type: 'listItem', spread: false, children: [paragraph([text(goal)])] })) },
  ];
}

/**
 * @param {import('../lib/chapter-pages.mjs').FileChange[]} files
 * @param {import('../lib/chapter-pages.mjs').Chapter | undefined} previous
 * @param {import('../lib/chapter-pages.mjs').Chapter | undefined} chapter
 * @returns {Content[]}
 */
function changes(files, previous, chapter) {
  const count = (/** @type {string} */ kind) => files.filter((change) => change.kind === kind).length;
  const [added, removed] = [files.reduce((sum, change) => sum + change.added, 0), files.reduce((sum, change) => sum + change.removed, 0)];
  const since = previous ? `chapter ${previous.number} (${previous.title})` : 'an empty folder';
  const words = [`${plural('file', count('added'))} added`, `${count('changed')} changed`, `${count('removed')} removed`];
  /** @type {import('mdast').TableRow[]} */
  const rows = files.map((change) => ({
    type: 'tableRow',
    children: [{ type: 'tableCell', children: [code(change.file)] }, { type: 'tableCell', children: [text(change.kind)] }, { type: 'tableCell', children: [text(lineCount(change))] }],
  }));
  const header = /** @type {import('mdast').TableRow} */ ({ type: 'tableRow', children: ['File', 'Change', 'Lines'].map((title) => ({ type: 'tableCell', children: [text(title)] })) });
  const written = chapter ? linesToWrite(chapter) : undefined;
  const yours = written && written.total > 0 ? ` Of these, you wrote ${written.total} lines in ${plural('step', written.steps.length)}; the rest was given.` : '';
  return [
    paragraph([text(`Since ${since}: ${words.join(', ')}; ${lineCount({ added, removed }) || 'no'} lines.${yours}`)]),
    { type: 'table', align: ['left', 'left', 'right'], data: { hProperties: { 'data-chapter-changes': '' } }, children: [header, ...rows] },
  ];
}

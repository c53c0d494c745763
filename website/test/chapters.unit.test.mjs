// @ts-check
/**
 * What the chapter pages compute from the chapters (lib/chapter-pages.mjs, put on the pages by
 * plugins/remark-chapter-page.mjs): each part held to what the workshop's own tools say, and each
 * way a chapter page can drift from its chapter shown to fail the build.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { compile } from '@mdx-js/mdx';
import { loadChapters } from '@session-api/workshop/chapters';
import { checkFiles } from '@session-api/workshop/verify';
import { after, describe, it } from 'mocha';
import { VFile } from 'vfile';
import { appChanges, architecture, checkMessages, checkTitles, checkTitlesOf, functionResources, pageSubject, quotesACheck, serviceShape, verifyOutput } from '../lib/chapter-pages.mjs';
import { REPO_ROOT, WEBSITE } from '../lib/site.mjs';
import remarkChapterPage from '../plugins/remark-chapter-page.mjs';
import remarkCheckedCode from '../plugins/remark-checked-code.mjs';

const require = createRequire(import.meta.url);
const chapters = loadChapters(REPO_ROOT);
const folders = /** @type {string[]} */ ([]);
after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

/** A throwaway folder with some files. @param {Record<string, string>} files */
function folderWith(files) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'chapter-pages-'));
  folders.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

describe('chapter pages: the checks, read without running them', () => {
  it('finds every check title mocha finds, in the order it runs them, for every chapter', async () => {
    // mocha's --dry-run loads the check files and reports every test without running any.
    const files = chapters.flatMap((chapter) => checkFiles(chapter));
    assert.ok(files.length >= chapters.length, 'every chapter has check files');
    const mocha = spawnSync(
      process.execPath,
      [require.resolve('mocha/bin/mocha.js'), '--no-config', '--no-package', '--dry-run', '--reporter', 'json', '--require', require.resolve('@session-api/quality/register-typescript'), ...files],
      { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    assert.equal(mocha.status, 0, mocha.stderr);
    /** @type {{tests: {title: string, file: string}[]}} */
    const report = JSON.parse(mocha.stdout.slice(mocha.stdout.indexOf('{')));
    for (const chapter of chapters) {
      const byMocha = report.tests.filter((test) => test.file.startsWith(`${chapter.dir}${path.sep}`)).map((test) => test.title);
      assert.ok(byMocha.length > 0, `mocha found no check of chapter ${chapter.number}`);
      assert.deepEqual(await checkTitles(chapter), byMocha, `chapter ${chapter.number}`);
    }
  });

  it('reads titles made of literals, +, templates, the file\'s constants and imported ones', async () => {
    const dir = folderWith({
      'checks/a.check.ts': [
        "import { APP_PIPELINES_FILE } from '@session-api/gocd/app-pipelines.mjs';",
        'const LIMIT = 10;',
        "const UNIT = 'KiB';",
        "describe('x', () => {",
        "  check('plain', {}, () => {});",
        '  check(`at most ${LIMIT} ${UNIT}`, {}, () => {});',
        "  check('a ' + 'b', {}, () => {});",
        '  check(`${APP_PIPELINES_FILE} passes`, {}, () => {});',
        '});',
      ].join('\n'),
    });
    // The check file imports by package name, as the chapters' checks do: resolved from the repository.
    const file = path.join(dir, 'checks/a.check.ts');
    writeFileSync(path.join(dir, 'package.json'), '{}');
    mkdirSync(path.join(dir, 'node_modules/@session-api'), { recursive: true });
    symlinkSync(path.join(REPO_ROOT, 'scripts/gocd'), path.join(dir, 'node_modules/@session-api/gocd'));
    assert.deepEqual(await checkTitlesOf(file), ['plain', 'at most 10 KiB', 'a b', 'chapter.pipelines.yaml passes']);
  });

  it('refuses a title it cannot read, naming the file and line', async () => {
    const dir = folderWith({ 'checks/b.check.ts': "describe('x', () => {\n  check(titleFromSomewhere(), {}, () => {});\n});\n" });
    await assert.rejects(checkTitlesOf(path.join(dir, 'checks/b.check.ts')), /b\.check\.ts:2: the check's title is not made of literals and constants/);
  });

  it('renders what verify prints in the reporter\'s words, ending with the summary', () => {
    const chapter = /** @type {(typeof chapters)[number]} */ (chapters.find((candidate) => candidate.number === 1));
    assert.equal(
      verifyOutput(chapter, ['first', 'second'], '/somewhere/workspace'),
      `Chapter 1: ${chapter.title} (checking /somewhere/workspace)\n  ✔ first\n  ✔ second\n\n2 of 2 checks of chapter 1 pass.\n\nChapter 1 is done.`,
    );
  });

  it('knows the texts a check fails with, its own and its helpers\', "…" standing for a value', () => {
    const chapter = /** @type {(typeof chapters)[number]} */ (chapters.find((candidate) => candidate.number === 1));
    const texts = checkMessages(chapter);
    assert.ok(quotesACheck(texts, 'serverless.yml has no function named ping under `functions:` yet.'));
    assert.ok(quotesACheck(texts, 'no test ran: write …'), 'a helper\'s text (expectAppTestsPass)');
    assert.ok(quotesACheck(texts, 'GET /ping must answer the JSON {"status":"ok"} (it answered …)'));
    assert.ok(!quotesACheck(texts, 'serverless.yml has no function named pong'));
  });
});

describe('chapter pages: what changed', () => {
  it('lists what was added, changed and removed, with line counts, and leaves the chapter\'s own files out', () => {
    const before = folderWith({ 'a.ts': 'one\ntwo\nthree\n', 'gone.ts': 'x\ny\n', 'same.ts': 's\n', 'chapter.json': '{}', 'checks/x.check.ts': 'a' });
    const after = folderWith({ 'a.ts': 'one\n2\nthree\nfour\n', 'new.ts': 'n\n', 'same.ts': 's\n', 'chapter.json': '{"x":1}', 'README.md': 'r', 'node_modules/p/index.js': 'p' });
    assert.deepEqual(appChanges(before, after), [
      { file: 'a.ts', kind: 'changed', added: 2, removed: 1 },
      { file: 'gone.ts', kind: 'removed', added: 0, removed: 2 },
      { file: 'new.ts', kind: 'added', added: 1, removed: 0 },
    ]);
    assert.deepEqual(appChanges(undefined, before).map((change) => change.kind), ['added', 'added', 'added']);
  });

  it('finds for every chapter exactly the files its chapter.json declares (what `chapters declared` holds it to)', () => {
    for (const [index, chapter] of chapters.entries()) {
      const previous = chapters[index - 1];
      if (!previous) continue;
      const found = appChanges(previous.dir, chapter.dir);
      for (const kind of /** @type {const} */ (['added', 'changed', 'removed'])) {
        assert.deepEqual(
          found.filter((change) => change.kind === kind).map((change) => change.file),
          [...chapter.changes[kind]].sort((a, b) => a.localeCompare(b)),
          `chapter ${chapter.number}: ${kind}`,
        );
      }
    }
  });
});

describe('chapter pages: the architecture', () => {
  it('knows, for every function of final/, the tables it uses, from its IAM role', () => {
    const uses = functionResources(REPO_ROOT);
    const { functions, tables } = serviceShape(path.join(REPO_ROOT, 'final'));
    for (const fn of functions) assert.ok(uses.has(fn.name), `final/infra/iam-roles.yml has no role for ${fn.name}`);
    assert.deepEqual([...(uses.get('createUser')?.tables ?? [])], ['UsersTable']);
    assert.ok(uses.get('authorize')?.ssm);
    for (const use of uses.values()) for (const table of use.tables) assert.ok(tables.includes(table), table);
  });

  it('draws what a chapter has, and highlights what it adds', () => {
    const subject = pageSubject(REPO_ROOT, '03-log-in');
    assert.ok(subject?.chapter && subject.previous);
    const diagram = architecture(REPO_ROOT, subject.dir, subject.previous.dir);
    assert.match(diagram, /^flowchart LR\n/);
    assert.match(diagram, /gateway -->\|"POST \/session"\| createSession/);
    assert.match(diagram, /createSession --> SessionsTable/);
    assert.doesNotMatch(diagram, /authorize|LoginAttempts|ssm/, 'nothing of later chapters');
    assert.match(diagram, /class createSession,SessionsTable new$/);
  });
});

describe('chapter pages: the build refuses a page that drifts from its chapter', () => {
  const chapter = /** @type {(typeof chapters)[number]} */ (chapters.find((candidate) => candidate.number === 1));
  const frontMatter = { slug: chapter.page, title: `Chapter 1: ${chapter.title}`, sidebar_label: `1. ${chapter.title}` };
  /** Each section's heading, with the <Step /> of each step it shows. @param {typeof chapter} of */
  const sectionsOf = (of) => of.sections.map((section) => `## ${section}\n\ntext\n${of.steps.filter((step) => step.section === section).map((step) => `\n<Step name="${step.name}" />\n`).join('')}`).join('\n');
  const sections = sectionsOf(chapter);
  /** @param {string} page @param {Record<string, unknown>} [front] @param {string} [name] */
  const build = async (page, front = frontMatter, name = chapter.folder) =>
    String(
      await compile(new VFile({ value: page, path: path.join(WEBSITE, 'docs/chapters', `${name}.mdx`), data: { frontMatter: front } }), {
        remarkPlugins: [
          [remarkChapterPage, { repoRoot: REPO_ROOT }],
          [remarkCheckedCode, { repoRoot: REPO_ROOT }],
        ],
      }),
    );

  it('builds a page with its parts: time and goals, diagram, changes, what verify prints, a quoted failure', async () => {
    const output = await build(`<ChapterIntro />\n\n<ChapterArchitecture />\n\n${sections}\n<ChapterChanges />\n\n<VerifyOutput />\n\n<CheckFailure quote="ping needs an http event with path ping and method get" />\n`);
    assert.match(output, /15 min/);
    assert.match(output, /Write a Lambda function in TypeScript: GET \/ping/);
    assert.match(output, /"data-diagram": "mermaid"/);
    assert.match(output, /src\/functions\/ping\/handler\.ts/);
    assert.match(output, /3 of 3 checks of chapter 1 pass\./);
    assert.match(output, /"data-check-failure": ""/);
  });

  it('fails on a section heading that is missing, out of order, or not level 2', async () => {
    const [first, second, ...rest] = chapter.sections;
    await assert.rejects(build(rest.map((section) => `## ${section}\n`).join('\n')), new RegExp(`needs the heading "## ${first}"`));
    await assert.rejects(build([second, first, ...rest].map((section) => `## ${section}\n`).join('\n')), /in the order chapter\.json lists the sections/);
    await assert.rejects(build(`### ${first}\n\n${[second, ...rest].map((section) => `## ${section}\n`).join('\n')}`), /as a level-2 heading/);
  });

  it('fails on a second heading with a section\'s anchor', async () => {
    await assert.rejects(build(`${sections}\n### ${chapter.sections[0]}\n`), /no other heading of its page may have the anchor/);
  });

  it('fails on a slug, title or sidebar label that is not the chapter\'s', async () => {
    await assert.rejects(build(sections, { ...frontMatter, slug: '/chapters/hello' }), /must say slug: \/chapters\/01-hello-lambda/);
    await assert.rejects(build(sections, { ...frontMatter, title: 'Hello' }), /must say title: "Chapter 1: /);
    await assert.rejects(build(sections, { ...frontMatter, sidebar_label: 'Hello' }), /must say sidebar_label: "1\. /);
  });

  it('fails on a quoted failure that no check of the chapter has', async () => {
    await assert.rejects(build(`${sections}\n<CheckFailure quote="ping is not feeling well" />\n`), /no check of chapter 1 fails with this text/);
  });

  it('fails on a `chain` block whose command no check of the chapter runs', async () => {
    const chain = (/** @type {string} */ command) => `${sections}\n\`\`\`sh chain\ncd workspace\n${command}\n\`\`\`\n`;
    const nine = /** @type {(typeof chapters)[number]} */ (chapters.find((candidate) => candidate.number === 9));
    const front = { slug: nine.page, title: `Chapter 9: ${nine.title}`, sidebar_label: `9. ${nine.title}` };
    const nineSections = sectionsOf(nine);
    assert.ok(await build(`${nineSections}\n\`\`\`sh chain\nnpm run pipeline -- ping --until code-coverage --working-tree\n\`\`\`\n`, front, nine.folder));
    await assert.rejects(build(chain('npm run pipeline -- ping')), /no check of chapter 1 runs this command/);
    await assert.rejects(build(`${nineSections}\n\`\`\`sh chain\nnpm run pipeline -- createUser\n\`\`\`\n`, front, nine.folder), /no check of chapter 9 runs this command/);
  });

  it('shows every line of each step where its placeholder is, and fails on a step missing, shown twice, or under another section', async () => {
    const output = await build(`${sections}\n<Placeholder step="answer-ping" />\n\n<GivenFiles />\n`);
    assert.match(output, /"data-given-files": ""/);
    assert.match(output, /✍ Step \\"answer-ping\\"/);
    assert.match(output, /workspace\/src\/functions\/ping\/handler\.ts · step answer-ping/);
    assert.match(output, /"step:bind-ping"/);
    const without = sections.replace('<Step name="bind-ping" />', '');
    await assert.rejects(build(without), /must show every step of chapter 1: add <Step name="bind-ping" \/> under "## Bind the route"/);
    await assert.rejects(build(`${sections}\n<Step name="bind-ping" />\n`), /<Step name="bind-ping" \/> is on this page twice|must be under "## Bind the route"/);
    await assert.rejects(build(`${without}\n<Step name="bind-ping" />\n`), /<Step name="bind-ping" \/> must be under "## Bind the route", the section chapter\.json names for it/);
    await assert.rejects(build(`${sections}\n<Step name="no-such-step" />\n`), /chapter 1 has no such step/);
  });

  it('fails on a chapter part on a page that is no chapter\'s', async () => {
    await assert.rejects(build('<VerifyOutput />\n', {}, 'setup'), /belongs on a chapter's page/);
  });
});

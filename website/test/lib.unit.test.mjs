// @ts-check
/**
 * The website's building blocks, alone and fast: regions, the code-block rules, the chapters'
 * metadata, and the two remark plugins compiled by MDX as Docusaurus compiles a page, so that
 * each way a page can go wrong is shown to fail the build.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compile } from '@mdx-js/mdx';
import { after, describe, it } from 'mocha';
import { loadChapters } from '@session-api/workshop/chapters';
import { agenda, duration } from '../lib/chapters.mjs';
import { checkBlocks, commandsOf, missingNpmScript, missingOutput, npmScriptsOf, pageSteps, parseMeta } from '../lib/code-blocks.mjs';
import { extractRegion, languageOf, readRegion } from '@session-api/workshop/regions';
import { REPO_ROOT, WEBSITE, chromiumPath, outsideFetches } from '../lib/site.mjs';
import remarkCheckedCode from '../plugins/remark-checked-code.mjs';
import remarkCodeFile from '../plugins/remark-code-file.mjs';

/** A throwaway repository folder with some files. @param {Record<string, string>} files */
function folderWith(files) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'website-unit-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}
const folders = /** @type {string[]} */ ([]);
after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));
/** @param {Record<string, string>} files */
const repository = (files) => {
  const root = folderWith(files);
  folders.push(root);
  return root;
};

describe('regions', () => {
  const source = [
    'import x from "y";',
    '',
    '// #region sign',
    'export function sign() {',
    '  // #region inner',
    '  return 1;',
    '  // #endregion inner',
    '}',
    '// #endregion sign',
    '',
    'class A {',
    '  //#region method',
    '  method() {',
    '    return 2;',
    '  }',
    '  //#endregion method',
    '}',
    '',
  ].join('\n');

  it('cuts a named region, without the marker lines of regions inside it', () => {
    assert.equal(extractRegion(source, 'sign'), 'export function sign() {\n  return 1;\n}');
  });

  it('removes the indentation the region\'s lines share', () => {
    assert.equal(extractRegion(source, 'inner'), 'return 1;');
    assert.equal(extractRegion(source, 'method'), 'method() {\n  return 2;\n}');
  });

  it('gives the whole file without any marker line when no region is named', () => {
    const whole = extractRegion(source, undefined);
    assert.ok(!whole.includes('#region') && !whole.includes('#endregion'));
    assert.ok(whole.startsWith('import x from "y";') && whole.endsWith('}'));
  });

  it('reads YAML regions marked "# #region" or "#region"', () => {
    const yaml = 'a: 1\n  # #region role\n  Role:\n    Type: x\n  # #endregion role\n#region b\nb: 2\n#endregion b\n';
    assert.equal(extractRegion(yaml, 'role'), 'Role:\n  Type: x');
    assert.equal(extractRegion(yaml, 'b'), 'b: 2');
  });

  it('refuses a missing region, naming the regions the file has', () => {
    assert.throws(() => extractRegion(source, 'verify', 'tokens.ts'), /tokens\.ts has no region "verify".*regions there: sign, inner, method/);
  });

  it('refuses a region that is never closed, one named twice, and an empty one', () => {
    assert.throws(() => extractRegion('// #region a\nx\n', 'a'), /region "a" is never closed/);
    assert.throws(() => extractRegion('// #region a\nx\n// #endregion a\n// #region a\ny\n// #endregion a\n', 'a'), /2 regions named "a"/);
    assert.throws(() => extractRegion('// #region a\n\n// #endregion a\n', 'a'), /region "a" is empty/);
  });

  it('reads a file of the repository by its path from the root, and refuses paths outside it', () => {
    assert.match(readRegion(REPO_ROOT, 'final/src/lib/users.ts', 'create-user'), /^export async function createUser/);
    assert.throws(() => readRegion(REPO_ROOT, 'final/src/lib/nothing.ts', undefined), /"final\/src\/lib\/nothing\.ts" does not exist/);
    assert.throws(() => readRegion(REPO_ROOT, '../etc/passwd', undefined), /from the repository's root/);
    assert.throws(() => readRegion(REPO_ROOT, '/etc/passwd', undefined), /from the repository's root/);
  });

  it('highlights a file by its extension', () => {
    assert.deepEqual(['a.ts', 'a.mjs', 'a.yml', 'a.json', 'a.txt'].map(languageOf), ['ts', 'js', 'yaml', 'json', 'text']);
  });
});

describe('code blocks: the tags', () => {
  /** @param {string} lang @param {string} meta @param {string} [value] @returns {import('../lib/code-blocks.mjs').CodeNode} */
  const block = (lang, meta, value = 'npm start', line = 1) => ({ lang, meta, value, position: { start: { line } } });
  /** @param {import('../lib/code-blocks.mjs').CodeNode[]} blocks */
  const check = (blocks) =>
    checkBlocks(blocks, (message) => {
      throw new Error(message);
    });

  it('reads words, key=value and quoted values', () => {
    assert.deepEqual(parseMeta('run background title="a b" needs=aws'), { run: true, background: true, title: 'a b', needs: 'aws' });
    assert.deepEqual(parseMeta(undefined), {});
  });

  it('turns a page\'s blocks into steps: run, background with its output, needs', () => {
    const steps = check([
      block('sh', 'run', 'npm install', 1),
      block('sh', 'run background', 'npm start', 2),
      block('text', 'output', 'ready', 3),
      block('mermaid', '', 'flowchart LR', 4),
      block('bash', 'run', 'curl -s x', 5),
      block('text', 'output', '{"status":"ok"}', 6),
      block('sh', 'needs=aws', 'npm run deploy -- --stage dev', 7),
    ]);
    assert.deepEqual(
      steps.map((step) => [step.kind, step.line, 'output' in step ? step.output?.text : undefined]),
      [['run', 1, undefined], ['background', 2, 'ready'], ['run', 5, '{"status":"ok"}'], ['needs', 7, undefined]],
    );
  });

  it('lets code shown from a file through (remark-code-file marks it), and what a plugin generates', () => {
    assert.deepEqual(check([{ lang: 'ts', meta: 'title="x"', value: 'x', data: { codeFile: { path: 'x' } } }]), []);
    assert.deepEqual(check([{ lang: 'text', meta: 'title="Output"', value: '3 of 3 checks pass', data: { generated: 'verify-output' } }]), []);
  });

  it('takes a `verify` block of the learner\'s verify only, and does not run it', () => {
    assert.deepEqual(check([block('sh', 'verify', 'npm run workshop -- verify', 4)]), [{ kind: 'verify', code: 'npm run workshop -- verify', line: 4 }]);
    assert.equal(check([block('sh', 'verify', 'npm run workshop -- verify --chapter 3')]).length, 1);
    assert.throws(() => check([block('sh', 'verify', 'npm run workshop -- verify\nrm -rf workspace')]), /holds `npm run workshop -- verify` only \(found: rm -rf workspace\)/);
    assert.throws(() => check([block('sh', 'verify', '')]), /holds `npm run workshop -- verify` only/);
    assert.throws(() => check([block('sh', 'verify', 'npm run workshop -- verify'), block('text', 'output', 'x')]), /does not follow a `run` block/);
  });

  it('refuses pasted code and untagged shell blocks, saying what to do instead', () => {
    assert.throws(() => check([block('ts', '', 'const a = 1;')]), /neither shown from a file nor a tagged shell block.*<CodeFile/);
    assert.throws(() => check([block('sh', '')]), /neither shown from a file nor a tagged shell block/);
    assert.throws(() => check([block('', '', 'anything')]), /\(no language\)/);
    assert.throws(() => check([block('text', '', 'some output')]), /neither shown from a file/);
  });

  it('takes a `chain` block (a command the chapter\'s checks run), and does not run it', () => {
    assert.deepEqual(check([block('sh', 'chain', 'cd workspace\nnpm run pipeline -- ping', 2)]), [{ kind: 'chain', code: 'cd workspace\nnpm run pipeline -- ping', line: 2 }]);
  });

  it('refuses an output block that follows no run block, or a second one', () => {
    assert.throws(() => check([block('text', 'output', 'x')]), /does not follow a `run` block/);
    assert.throws(() => check([block('sh', 'run'), block('text', 'output', 'x'), block('text', 'output', 'y')]), /does not follow a `run` block/);
    assert.throws(() => check([block('sh', 'needs=aws'), block('text', 'output', 'x')]), /does not follow a `run` block/);
  });

  it('refuses a background block without the output that says it is ready', () => {
    assert.throws(() => check([block('sh', 'run background')]), /must be followed by a ```text output block/);
  });

  it('refuses an unknown reason and an unknown tag', () => {
    assert.throws(() => check([block('sh', 'needs=kubernetes')]), /needs=kubernetes: say what it needs with one of aws, gocd, docker, time/);
    assert.throws(() => check([block('sh', 'run quickly')]), /unknown tag quickly/);
  });

  it('parses a page as the build does (MDX), with the line of each block', () => {
    const page = '---\ntitle: T\n---\n\nimport A from "a";\n\n<A />\n\n```sh run\nnpm install\n```\n\n```sh needs=gocd\nnpm run gocd:up\n```\n';
    assert.deepEqual(pageSteps(page, 'page.mdx'), [
      { kind: 'run', code: 'npm install', line: 9 },
      { kind: 'needs', reason: 'gocd', code: 'npm run gocd:up', line: 13 },
    ]);
    assert.throws(() => pageSteps('text\n\n```js\nx()\n```\n', 'page.mdx'), /^Error: page\.mdx:3: /);
    // Docusaurus's heading anchors are no MDX expression.
    assert.deepEqual(pageSteps('## Port taken {#port-taken}\n\n```sh run\nnpm start\n```\n', 'page.mdx'), [{ kind: 'run', code: 'npm start', line: 3 }]);
  });
});

describe('code blocks: commands and output', () => {
  it('splits a block into commands, joining continued lines and leaving comments out', () => {
    assert.deepEqual(commandsOf('# install\nnpm install\n\ncurl -s \\\n  http://x\n'), ['npm install', 'curl -s http://x']);
  });

  it('finds the npm scripts a command names, with their workspace', () => {
    assert.deepEqual(npmScriptsOf('npm run deploy -- --stage dev'), [{ script: 'deploy' }]);
    assert.deepEqual(npmScriptsOf('npm install && npm start'), [{ script: 'start' }]);
    assert.deepEqual(npmScriptsOf('npm run -w final test:unit'), [{ script: 'test:unit', workspace: 'final' }]);
    assert.deepEqual(npmScriptsOf('npm test -- --function ping | tee x'), [{ script: 'test' }]);
    assert.deepEqual(npmScriptsOf('curl -s http://x'), []);
  });

  it('says which npm script does not exist, in the root or in a workspace', () => {
    const root = repository({ 'package.json': '{"scripts":{"deploy":"x"}}', 'final/package.json': '{"scripts":{"test:unit":"x"}}' });
    assert.equal(missingNpmScript('npm run deploy -- --stage dev', root), undefined);
    assert.equal(missingNpmScript('npm run -w final test:unit', root), undefined);
    assert.equal(missingNpmScript('npm run depoly', root), 'the repository has no npm script "depoly"');
    assert.equal(missingNpmScript('npm run deploy -w final', root), 'final has no npm script "deploy"');
  });

  it('matches output loosely: the lines in order, spaces squeezed, … for anything, colours ignored', () => {
    const actual = 'noise\n\x1b[32mLocal stack ready:\x1b[39m   http://localhost:4100/local\nmore\n{"id":"9f1c","email":"ada@example.com"}\nPress Ctrl-C to stop everything.\n';
    assert.equal(missingOutput(actual, 'Local stack ready: http://localhost:4100/local\n…\nPress Ctrl-C to stop everything.'), undefined);
    assert.equal(missingOutput(actual, '{"id":"…","email":"ada@example.com"}'), undefined);
    assert.equal(missingOutput(actual, 'Press Ctrl-C to stop everything.\nLocal stack ready'), 'Local stack ready', 'order matters');
    assert.equal(missingOutput(actual, '{"status":"ok"}'), '{"status":"ok"}');
  });
});

describe('chapters: the agenda', () => {
  it('is empty when there are no chapters yet', () => {
    assert.deepEqual(loadChapters(repository({ 'README.md': '' })), []);
    assert.deepEqual(loadChapters(repository({ 'chapters/README.md': '' })), []);
  });

  it('reads each numbered chapter\'s chapter.json, in order, and adds up the times', () => {
    const files = Object.fromEntries(
      [0, 1, 2, 3, 4, 5, 6].map((number) => [`chapters/0${number}-step-${number}/chapter.json`, JSON.stringify({ title: `Step ${number}`, minutes: number === 0 ? 0 : 20 + number, goals: ['g'] })]),
    );
    const chapters = loadChapters(repository({ ...files, 'chapters/notes/chapter.json': '{}' }));
    assert.deepEqual(chapters.map((chapter) => chapter.folder), ['00-step-0', '01-step-1', '02-step-2', '03-step-3', '04-step-4', '05-step-5', '06-step-6']);
    const shown = agenda(chapters);
    assert.equal(shown.total, '2 h 21 min'); // 21 + 22 + 23 + 24 + 25 + 26
    assert.deepEqual(shown.shortTrack, { numbers: [1, 2, 3, 4, 5], total: '1 h 55 min' });
    assert.deepEqual(shown.chapters[0], { folder: '00-step-0', number: 0, title: 'Step 0', minutes: 0, time: 'before you start', write: { lines: 0, steps: 0 } });
    assert.equal(shown.chapters[1]?.time, '21 min');
  });

  it('refuses a chapter whose chapter.json is missing, broken or incomplete, naming the file', () => {
    assert.throws(() => loadChapters(repository({ 'chapters/01-a/README.md': '' })), /chapters\/01-a\/chapter\.json: ENOENT/);
    assert.throws(() => loadChapters(repository({ 'chapters/01-a/chapter.json': '{"title": "A",' })), /chapters\/01-a\/chapter\.json: .*JSON/);
    assert.throws(() => loadChapters(repository({ 'chapters/01-a/chapter.json': '{"minutes": 5}' })), /"title" must be a non-empty string/);
    assert.throws(() => loadChapters(repository({ 'chapters/01-a/chapter.json': '{"title": "A", "minutes": 2.5}' })), /"minutes" must be a whole number/);
    assert.throws(() => loadChapters(repository({ 'chapters/01-a/chapter.json': '{"title": "A", "minutes": 5, "goals": "all"}' })), /"goals" must be a list of strings/);
  });

  it('writes durations as people say them', () => {
    assert.deepEqual([5, 60, 75, 120].map(duration), ['5 min', '1 h', '1 h 15 min', '2 h']);
  });
});

describe('the remark plugins, compiled by MDX as the build compiles a page', () => {
  const root = repository({
    'package.json': '{"scripts":{"start":"x","docs":"y"}}',
    'final/src/lib/tokens.ts': 'import a from "b";\n// #region verify\nexport const verify = () => true;\n// #endregion verify\n',
  });
  /** @param {string} page */
  const build = async (page) =>
    String(
      await compile(page, {
        remarkPlugins: [
          [remarkCodeFile, { repoRoot: root }],
          [remarkCheckedCode, { repoRoot: root }],
        ],
      }),
    );

  it('shows a file\'s region as a code block, marked for the browser test', async () => {
    const output = await build('<CodeFile path="final/src/lib/tokens.ts" region="verify" />\n');
    assert.match(output, /export const verify = \(\) => true;/);
    assert.doesNotMatch(output, /import a from/);
    assert.match(output, /"data-code-file": "final\/src\/lib\/tokens\.ts"/);
    assert.match(output, /"data-code-region": "verify"/);
  });

  it('fails the build on a missing region, a missing file, or a <CodeFile> inside a sentence', async () => {
    await assert.rejects(build('<CodeFile path="final/src/lib/tokens.ts" region="sign" />\n'), /has no region "sign".*regions there: verify/);
    await assert.rejects(build('<CodeFile path="final/src/lib/token.ts" />\n'), /"final\/src\/lib\/token\.ts" does not exist/);
    await assert.rejects(build('See <CodeFile path="final/src/lib/tokens.ts" /> here.\n'), /on a line of its own/);
    await assert.rejects(build('<CodeFile file="final/src/lib/tokens.ts" />\n'), /has no attribute file/);
  });

  it('fails the build on an untagged code block', async () => {
    await assert.rejects(build('```ts\nexport const verify = () => true;\n```\n'), /neither shown from a file nor a tagged shell block/);
    await assert.rejects(build('```sh\nnpm start\n```\n'), /neither shown from a file nor a tagged shell block/);
  });

  it('fails the build on an inline path or npm script that does not exist', async () => {
    await assert.rejects(build('Read `final/src/lib/token.ts`.\n'), /`final\/src\/lib\/token\.ts` does not exist in the repository/);
    await assert.rejects(build('Run `npm run doc`.\n'), /the repository has no npm script "doc"/);
    assert.ok(await build('Read `final/src/lib/tokens.ts`, run `npm run docs` and `npm start`.\n'));
  });

  it('wraps each diagram so that the browser test can find it', async () => {
    assert.match(await build('```mermaid\nflowchart LR\n  a --> b\n```\n'), /"data-diagram": "mermaid"/);
  });
});

describe('the site\'s own pages', () => {
  const docs = path.join(WEBSITE, 'docs');
  const pages = readdirSync(docs, { recursive: true, encoding: 'utf8' }).filter((file) => /\.mdx?$/.test(file));

  it('are there', () => assert.ok(pages.length >= 3, pages.join(', ')));

  for (const page of pages) {
    it(`${page}: every code block follows the rules`, () => {
      assert.ok(Array.isArray(pageSteps(readFileSync(path.join(docs, page), 'utf8'), page)));
    });
  }
});

describe('the browser checks\' browser', () => {
  it('says how to install Chromium when it is missing', () => {
    assert.throws(() => chromiumPath('/nowhere/chromium'), /Chromium is not installed.*\n.*apt-get install -y chromium/);
  });

  it('finds what built HTML and CSS would fetch from outside the site, and lets plain links be', () => {
    const built = repository({
      'index.html': '<link rel="stylesheet" href="https://fonts.example.com/a.css"><a href="https://docusaurus.io">docs</a><link rel="canonical" href="http://localhost:3001/"><script src="/assets/js/main.js"></script><img src="https://cdn.example.com/x.png">',
      'assets/css/styles.css': '@font-face{src:url(https://fonts.example.com/f.woff2)} .a{background:url(/img/a.svg)}',
    });
    assert.deepEqual(outsideFetches(built).sort(), [
      'assets/css/styles.css: https://fonts.example.com/f.woff2',
      'index.html: https://cdn.example.com/x.png',
      'index.html: https://fonts.example.com/a.css',
    ]);
  });
});

describe('the site\'s build settings', () => {
  it('refuse broken links, anchors, Markdown links and images, and duplicate routes', async () => {
    const { default: config } = await import('../docusaurus.config.mjs');
    assert.deepEqual(
      [config.onBrokenLinks, config.onBrokenAnchors, config.onDuplicateRoutes, config.markdown?.hooks?.onBrokenMarkdownLinks, config.markdown?.hooks?.onBrokenMarkdownImages],
      ['throw', 'throw', 'throw', 'throw', 'throw'],
    );
  });
});

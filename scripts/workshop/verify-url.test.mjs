// @ts-check
/**
 * `verify --url URL`: a chapter's checks against an API at a URL, the way a learner proves that
 * what they deployed works. The API here is the local stack of the chapter's own app, started
 * apart from the CLI: to verify, it is just a URL, as a deployed one is (the same code path),
 * and no AWS credentials are set.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { startLocalStack } from '@session-api/local-stack/start.mjs';
import { scratchRepository } from './scratch-repository.mjs';

/** The chapter whose API is "deployed"; the next chapter's checks must fail on it. */
const CHAPTER = 3;

/** The environment of a learner with no AWS account. */
const NO_AWS = Object.fromEntries(Object.keys(process.env).filter((name) => name.startsWith('AWS_')).map((name) => [name, undefined]));

describe('verify --url: the HTTP checks against an API at a URL', function () {
  this.timeout(180_000);
  /** @type {ReturnType<typeof scratchRepository>} */
  let repo;
  /** @type {import('@session-api/local-stack/start.mjs').LocalStack} */
  let api;

  before(async () => {
    repo = scratchRepository('verify url');
    const folder = (await import('./chapters.mjs')).loadChapters(repo.root).find((chapter) => chapter.number === CHAPTER)?.folder ?? '';
    api = await startLocalStack({ serviceDir: path.join(repo.root, 'chapters', folder) });
    // The learner's workspace is only the START of the chapter: the URL's API, not it, is checked.
    assert.equal(repo.cli(['goto', String(CHAPTER)]).status, 0);
  });
  after(async () => {
    await api?.stop();
    repo?.remove();
  });

  it(`runs chapter ${CHAPTER}'s checks that make sense over HTTP, says which were skipped and why, and records it`, () => {
    const run = repo.workshop(['verify', '--url', api.baseUrl], { env: NO_AWS });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, new RegExp(`^Chapter ${CHAPTER}: .* \\(checking ${api.baseUrl}\\)$`, 'm'));
    const status = JSON.parse(repo.cli(['status', '--json']).stdout);
    const chapter = status.chapters.find((/** @type {any} */ entry) => entry.number === CHAPTER);
    assert.equal(chapter.deployed.url, api.baseUrl);
    assert.equal(chapter.deployed.passed, true);
    assert.equal(chapter.verified, null, 'a deployed API does not verify the workspace');
    assert.ok(chapter.lastVerify.passed > 0, 'some checks ran over HTTP');
    assert.ok(chapter.lastVerify.skipped > 0, 'some checks were skipped');

    const skipped = run.stdout.slice(run.stdout.indexOf('\nSkipped:\n'));
    assert.match(skipped, /: it looks at the app's files, not at the deployed API$/m, 'a check of the app\'s files is skipped, saying why');
    assert.match(skipped, /: it (needs|reads) the local stack's /m, 'a check of the local stack\'s internals is skipped, saying why');
    for (const line of skipped.split('\n').filter((text) => text.startsWith('- '))) {
      assert.ok(run.stdout.includes(`  - ${line.slice(2, line.lastIndexOf(': '))} (skipped: `), `"${line}" was also shown as it ran`);
    }
  });

  it(`fails, naming what is missing, when the API at the URL lacks what a chapter builds (chapter ${CHAPTER + 1}'s checks)`, () => {
    const run = repo.workshop(['verify', '--url', api.baseUrl, '--chapter', String(CHAPTER + 1)], { env: NO_AWS });
    assert.equal(run.status, 1, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /✖ /);
    assert.match(run.stdout, /What is missing:\n1\. .*\n {3}\S/);
  });
});

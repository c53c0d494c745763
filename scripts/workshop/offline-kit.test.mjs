// @ts-check
/**
 * The offline kit, as a room uses it: an instructor packs it (`pack-offline`), an attendee runs
 * the commands its README prints, with the registry pointed at an address that refuses
 * connections and npm told to stay offline, and then checks chapter 1 with `verify`.
 *
 * The kit is made with --this-platform (the packages installed here), because this test must not
 * need the registry; a kit for every platform differs only in fetching other platforms' binaries
 * once, with `npm cache add`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@session-api/local-stack/ports.mjs';
import { contentPath, lockedPackages } from './npm-cache.mjs';
import { learnerEnv, scratchRepository } from './scratch-repository.mjs';

describe('pack-offline: a kit that installs with no network', function () {
  this.timeout(600_000);
  /** @type {ReturnType<typeof scratchRepository>} */
  let repo;
  /** @type {string} */
  let kit;

  before(() => {
    repo = scratchRepository('offline kit');
    kit = path.join(repo.root, '..', 'usb stick', 'session api kit');
  });
  after(() => repo?.remove());

  it('writes the repository, an npm cache holding every package of the lockfile installed here, and a README of commands', () => {
    const run = repo.workshop(['pack-offline', '--this-platform', '--out', kit]);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const lockfile = JSON.parse(readFileSync(path.join(repo.root, 'package-lock.json'), 'utf8'));
    const installed = lockedPackages(lockfile).filter((locked) => existsSync(path.join(repo.root, locked.where, 'package.json')));
    assert.ok(installed.length > 1000, `the lockfile's installed packages (${installed.length})`);
    const missing = installed.filter((locked) => !existsSync(path.join(kit, 'npm-cache', contentPath(locked.integrity))));
    assert.deepEqual(missing.map((locked) => locked.where), [], 'every installed package is in the kit\'s cache');
    assert.equal(JSON.parse(readFileSync(path.join(kit, 'kit.json'), 'utf8')).packages, installed.length);
    assert.ok(existsSync(path.join(kit, 'session-api-workshop', 'chapters', '01-hello-lambda', 'chapter.json')));
    assert.ok(!existsSync(path.join(kit, 'session-api-workshop', 'node_modules')), 'the repository without its node_modules');
    assert.ok(run.stdout.includes('npm ci --offline --cache ../npm-cache --no-audit --no-fund'), 'it prints the commands of the README');
  });

  it('installs with the commands of its README while the registry refuses connections, and verify passes chapter 1', async () => {
    const refused = `http://127.0.0.1:${await freePort()}/`;
    // What an attendee's terminal has: npm with the registry unreachable (and no proxy to reach it by).
    const env = learnerEnv({ npm_config_registry: refused, npm_config_proxy: refused, npm_config_https_proxy: refused });
    const readme = readFileSync(path.join(kit, 'README.md'), 'utf8');
    const commands = /```sh\n([\s\S]*?)```/.exec(readme)?.[1]?.trim().split('\n') ?? [];
    assert.deepEqual(commands.map((line) => line.split(' ').slice(0, 3).join(' ')), ['cd session-api-workshop', 'npm ci --offline', 'npm run workshop', 'npm run workshop']);

    let cwd = kit;
    /** @type {Record<string, string>} */
    const outputs = {};
    for (const line of commands) {
      if (line.startsWith('cd ')) {
        cwd = path.join(cwd, line.slice(3));
        continue;
      }
      const result = spawnSync(line, { cwd, env, shell: true, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      outputs[line] = `${result.stdout}\n${result.stderr}`;
      // doctor may also find port 3000 taken on a shared machine; what matters here is the install.
      if (!line.endsWith('doctor')) assert.equal(result.status, 0, `${line}\n${outputs[line]}`);
    }
    assert.match(outputs['npm ci --offline --cache ../npm-cache --no-audit --no-fund'] ?? '', /added \d+ packages/);
    assert.match(outputs['npm run workshop -- doctor'] ?? '', /✔ dependencies: the \d+ packages of the lockfile are installed/);

    const learner = (/** @type {string[]} */ args) => spawnSync('npm', ['run', '--silent', 'workshop', '--', ...args], { cwd, env, encoding: 'utf8' });
    assert.equal(learner(['goto', '1', '--yes']).status, 0);
    assert.equal(learner(['solve', '--yes']).status, 0);
    const verify = learner(['verify']);
    assert.equal(verify.status, 0, `${verify.stdout}\n${verify.stderr}`);
    assert.match(verify.stdout, /(\d+) of \1 checks of chapter 1 pass\./);
  });
});

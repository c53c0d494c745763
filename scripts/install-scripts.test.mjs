// @ts-check
/**
 * A fresh `npm install` prints nothing that asks the learner to act. npm 11 runs a dependency's
 * install script only if package.json's allowScripts approves it, and warns about every
 * package whose script is neither approved nor denied. Each one is decided in allowScripts
 * (today all are denied: none is needed here); this test fails when a
 * new dependency brings a script nobody has decided on. It only reads node_modules: fast.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * The packages `npm install-scripts ls` lists as not yet covered by allowScripts.
 * @param {string} output what it printed
 * @returns {string[]} e.g. ['esbuild@0.28.2']
 */
function undecided(output) {
  return [...output.matchAll(/^\s+(\S+@\S+) \((?:pre|post)?install:/gm)].map((match) => match[1] ?? '');
}

describe('install scripts', () => {
  it('reads the packages out of npm\'s list (so the check below can fail)', () => {
    const warning = [
      '5 packages have install scripts not yet covered by allowScripts:',
      '  @parcel/watcher@2.6.0 (install: node-gyp rebuild)',
      '  core-js@3.51.0 (postinstall: node -e "try{require(\'./postinstall\')}catch(e){}")',
      '  esbuild@0.28.2 (postinstall: node install.js)',
      '',
      'Run `npm install-scripts approve <pkg>` to allow, or `npm install-scripts deny <pkg>` to deny.',
    ].join('\n');
    assert.deepEqual(undecided(warning), ['@parcel/watcher@2.6.0', 'core-js@3.51.0', 'esbuild@0.28.2']);
    assert.deepEqual(undecided('No packages with unreviewed install scripts.\n'), []);
  });

  it('every installed package with an install script is approved or denied in package.json', function () {
    this.timeout(60_000); // npm reads the whole installed tree: a few seconds
    const output = execFileSync(npm, ['install-scripts', 'ls'], { cwd: root, encoding: 'utf8' });
    assert.deepEqual(undecided(output), [], `decide on each in package.json's allowScripts (npm help install-scripts):\n${output}`);
    assert.match(output, /No packages with unreviewed install scripts/);
  });
});

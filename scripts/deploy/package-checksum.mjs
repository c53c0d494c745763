// @ts-check
/**
 * Records and verifies the checksum of a deployment package, so that a pipeline can prove the
 * package it deploys to test or prod is byte for byte the one it built and tested earlier:
 *
 *   npm run package:checksum -- --write DIR    writes DIR.sha256 (one line per file)
 *   npm run package:checksum -- --verify DIR   exits 1 when DIR differs from DIR.sha256
 *
 * DIR.sha256 has the format of `sha256sum`, so `sha256sum -c` can check it too (run it from
 * DIR's parent folder). Exit code: 0 written or verified, 1 mismatch, 2 usage error.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

/**
 * The `sha256sum` lines of every file below `directory`, sorted by path. Paths start with the
 * directory's own name (`test/session-api.zip`), as `sha256sum test/*` would print them.
 * @param {string} directory
 * @returns {string}
 */
export function checksumLines(directory) {
  const name = path.basename(directory);
  return filesBelow(directory)
    .map((file) => `${sha256(path.join(directory, file))}  ${name}/${file}\n`)
    .join('');
}

/**
 * @param {string} directory
 * @param {string} [prefix]
 * @returns {string[]} paths relative to `directory`, with `/`, sorted
 */
function filesBelow(directory, prefix = '') {
  return readdirSync(path.join(directory, prefix), { withFileTypes: true })
    .flatMap((entry) => {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      return entry.isDirectory() ? filesBelow(directory, relative) : [relative];
    })
    .sort();
}

/**
 * @param {string} file
 * @returns {string}
 */
function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * @param {string[]} argv
 * @returns {number} the exit code
 */
export function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { write: { type: 'boolean', default: false }, verify: { type: 'boolean', default: false } },
  });
  const directory = positionals[0];
  if (positionals.length !== 1 || !directory || values.write === values.verify) {
    console.error('usage: npm run package:checksum -- --write DIR | --verify DIR');
    return 2;
  }
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    console.error(`package-checksum: ${directory} is not a folder`);
    return 2;
  }
  const sumsFile = `${directory.replace(/[/\\]+$/, '')}.sha256`;
  const actual = checksumLines(directory);
  if (values.write) {
    writeFileSync(sumsFile, actual);
    console.log(`${sumsFile}:\n${actual}`);
    return 0;
  }
  if (!existsSync(sumsFile)) {
    console.error(`package-checksum: ${sumsFile} is missing; the package was not recorded with --write`);
    return 1;
  }
  const expected = readFileSync(sumsFile, 'utf8');
  if (expected !== actual) {
    console.error(`package-checksum: ${directory} is not the package recorded in ${sumsFile}\nrecorded:\n${expected}now:\n${actual}`);
    return 1;
  }
  console.log(`package-checksum: ${directory} matches ${sumsFile}`);
  return 0;
}

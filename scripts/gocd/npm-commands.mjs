// @ts-check
/**
 * Reads the npm calls out of a pipeline's tasks (the words of a `script:`, or an `exec` of npm),
 * and works out which script of which package.json each call runs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';

/** @typedef {import('./yaml-nodes.mjs').TaskCommand} TaskCommand */

/**
 * The npm invocations in a task: every `npm ...` command of a script, or an `exec` of npm.
 * @param {TaskCommand} command
 * @returns {{argv: string[], workingDirectory: string, line: number}[]}
 */
export function npmCallsOf(command) {
  if (command.kind === 'script') {
    return shellCommands(command.text)
      .filter(({ words }) => isNpmCommand(words))
      .map(({ words, line }) => ({ argv: words.slice(1), workingDirectory: '', line: command.line + line }));
  }
  if (path.basename(command.command) !== 'npm') return [];
  return [{ argv: command.args, workingDirectory: command.workingDirectory, line: command.line }];
}

/**
 * @param {string[]} words  one simple command, variable assignments (`CI=true`) already removed
 * @returns {boolean}
 */
function isNpmCommand(words) {
  return words[0] !== undefined && path.basename(words[0]) === 'npm';
}

/**
 * Splits shell text into simple commands (lists of words), enough to find npm calls: it knows
 * quotes, comments, line continuations and the separators `&&`, `||`, `;`, `|`, `&`. It does
 * not expand anything and does not follow `cd`.
 * @param {string} text
 * @returns {{words: string[], line: number}[]}  `line` counts from 0, the text's first line
 */
export function shellCommands(text) {
  /** @type {{words: string[], line: number}[]} */
  const commands = [];
  let line = 0;
  let commandLine = 0;
  /** @type {string[]} */
  let words = [];
  let word = '';
  let inWord = false;
  /** @type {string | null} */
  let quote = null;
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    while (words[0] !== undefined && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) words.shift();
    if (words.length > 0) commands.push({ words, line: commandLine });
    words = [];
  };
  const source = text.replace(/\r\n/g, '\n');
  for (let i = 0; i < source.length; i += 1) {
    const ch = source.charAt(i);
    if (ch === '\n') line += 1;
    if (words.length === 0 && !inWord) commandLine = line;
    if (ch === '\\' && source.charAt(i + 1) === '\n') {
      i += 1; // a line continuation: the command goes on on the next line
      line += 1;
    } else if (quote) {
      if (ch === quote) quote = null;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '#' && !inWord) {
      while (i + 1 < source.length && source.charAt(i + 1) !== '\n') i += 1;
    } else if (ch === '\n' || ch === ';' || ch === '|' || ch === '&') {
      endCommand();
    } else if (ch === ' ' || ch === '\t') {
      endWord();
    } else {
      word += ch;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}

/**
 * Replaces `$NAME` and `${NAME}` with the pipeline's environment variables, so that a shared
 * stage running `npm run test:$FUNCTION_NAME` is checked for each function.
 * @param {string} word
 * @param {Map<string, {value: string}>} environment
 * @returns {string}
 */
export function substituteVariables(word, environment) {
  return word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced, bare) => environment.get(braced ?? bare)?.value ?? whole);
}

/**
 * @typedef {object} NpmCall
 * @property {string | null} script  the package.json script it runs, or null for other commands
 * @property {string | undefined} workspace  `-w NAME`: a workspace's package.json instead
 * @property {string | undefined} prefix     `--prefix DIR`: the package.json in DIR instead
 * @property {boolean} ifPresent              `--if-present`: a missing script is no error
 */

/**
 * Understands the npm arguments that decide which script of which package.json runs.
 * @param {string[]} argv  the words after `npm`
 * @returns {NpmCall}
 */
export function parseNpmArguments(argv) {
  /** @type {NpmCall} */
  const call = { script: null, workspace: undefined, prefix: undefined, ifPresent: false };
  /** @type {string[]} */
  const positional = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--') break; // the rest goes to the script
    const [option, inlineValue] = arg.startsWith('--') ? arg.split(/=(.*)/s) : [arg, undefined];
    if (option === '-w' || option === '--workspace') {
      call.workspace = inlineValue ?? argv[++i];
    } else if (option === '--prefix' || option === '-C') {
      call.prefix = inlineValue ?? argv[++i];
    } else if (option === '--if-present') {
      call.ifPresent = true;
    } else if (!arg.startsWith('-')) {
      positional.push(arg);
    }
  }
  const [subcommand, name] = positional;
  if (subcommand === 'run') call.script = name ?? null;
  if (subcommand === 'test' || subcommand === 'start') call.script = subcommand;
  return call;
}

/**
 * @param {NpmCall} call
 * @param {string} directory  where npm runs (repository root or working_directory)
 * @returns {{message: string, fix: string} | null}
 */
export function findNpmProblem(call, directory) {
  const { script } = call;
  if (script === null || call.ifPresent || /\$/.test(`${script}${call.workspace ?? ''}${call.prefix ?? ''}`)) {
    return null; // not a script call, allowed to be missing, or not knowable before run time
  }
  // --prefix DIR: npm uses the package.json in DIR (relative to where it runs), workspace or not.
  const base = call.prefix ? path.join(directory, call.prefix) : directory;
  if (call.prefix && !readPackageJson(base)) {
    return { message: `there is no package.json in ${path.relative(process.cwd(), base) || '.'} (--prefix ${call.prefix})`,
      fix: `Give --prefix the folder of the app whose script runs, relative to where the task runs (the repository root unless working_directory says otherwise).` };
  }
  const packageDirectory = call.workspace ? findWorkspace(base, call.workspace) : base;
  if (!packageDirectory) {
    return { message: `there is no workspace '${call.workspace}' in ${relativeJson(directory)}`,
      fix: `Use a workspace listed under "workspaces" in ${relativeJson(directory)}, by folder or package name.` };
  }
  const scripts = readScripts(packageDirectory);
  if (scripts.has(script)) return null;
  const known = [...scripts].sort().join(', ') || 'none';
  return { message: `there is no script '${script}' in ${relativeJson(packageDirectory)} (it has: ${known})`,
    fix: `Add a "${script}" script to ${relativeJson(packageDirectory)}, or change the task to run a script that exists.` };
}

/**
 * @param {string} directory
 * @returns {string} a short name for the package.json of a directory, for messages
 */
function relativeJson(directory) {
  return path.join(path.relative(process.cwd(), directory), 'package.json');
}

/**
 * @param {string} directory
 * @returns {Set<string>} the script names of the package.json in `directory` (none if missing)
 */
function readScripts(directory) {
  const manifest = readPackageJson(directory);
  const scripts = manifest?.scripts;
  return new Set(scripts && typeof scripts === 'object' ? Object.keys(scripts) : []);
}

/**
 * @param {string} directory
 * @returns {Record<string, unknown> | null}
 */
function readPackageJson(directory) {
  try {
    return JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8'));
  } catch {
    return null;
  }
}

/**
 * The folders of the npm workspaces a package.json declares (`workspaces`, entries ending with
 * `/*` expanded), absolute.
 * @param {string} rootDirectory
 * @returns {string[]}
 */
export function workspaceFolders(rootDirectory) {
  const declared = readPackageJson(rootDirectory)?.workspaces;
  const entries = Array.isArray(declared) ? declared.filter((entry) => typeof entry === 'string') : [];
  return entries.flatMap((entry) => expandWorkspaceEntry(rootDirectory, entry));
}

/**
 * Finds the folder of an npm workspace given by folder path or by package name. Workspace
 * entries may end with `/*` (every folder inside); other glob forms are not supported.
 * @param {string} rootDirectory
 * @param {string} workspace
 * @returns {string | undefined}
 */
function findWorkspace(rootDirectory, workspace) {
  const folders = workspaceFolders(rootDirectory);
  const wanted = normalizeRelative(workspace);
  return folders
    .find((folder) => normalizeRelative(path.relative(rootDirectory, folder)) === wanted || readPackageJson(folder)?.name === workspace);
}

/**
 * @param {string} rootDirectory
 * @param {string} entry  e.g. `final` or `chapters/*`
 * @returns {string[]}
 */
function expandWorkspaceEntry(rootDirectory, entry) {
  if (!entry.endsWith('/*')) return [path.join(rootDirectory, entry)];
  const parent = path.join(rootDirectory, entry.slice(0, -2));
  if (!existsSync(parent)) return [];
  return readdirSync(parent, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => path.join(parent, d.name));
}

/**
 * @param {string} p
 * @returns {string} `./final/` and `final` both become `final`
 */
function normalizeRelative(p) {
  return p.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}

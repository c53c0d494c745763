// @ts-check
/**
 * What a chapter's page shows that the chapter itself already says, computed at build time so
 * that the page cannot drift from it (remark-chapter-page.mjs puts each part on the page):
 *
 *   appChanges()         what changed from the chapter before: files added, changed and removed,
 *                        with their line counts (final/ against the last chapter)
 *   checkTitles()        the titles of a chapter's checks, read from checks/*.check.ts without
 *                        running them
 *   verifyOutput()       what `workshop verify` prints when every check passes, in its reporter's
 *                        words (the docs test runs one real verify and compares)
 *   checkMessages()      the texts a chapter's checks can fail with, so that a troubleshooting
 *                        entry quotes one exactly
 *   architecture()       the API as a diagram, as far as the chapter has built it, from its
 *                        serverless.yml and final/'s IAM roles
 *
 * The chapters, their folders and routes come from the workshop's own package
 * (@session-api/workshop), the one `workshop verify` and `goto` read.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { appFiles, loadChapters } from '@session-api/workshop/chapters';
import { realChanges } from '@session-api/workshop/declared';
import { placeholdersIn, solutionVersion, startVersion } from '@session-api/workshop/steps';
import { checkFiles, summary, verifyHeader } from '@session-api/workshop/verify';
import { readServiceFunctions, readServiceResources } from '@session-api/local-stack/service-resources.mjs';
import { diffLines } from 'diff';
import ts from 'typescript';
import YAML from 'yaml';
import { tableName } from './repository-facts.mjs';

/**
 * @typedef {import('@session-api/workshop/chapters').Chapter} Chapter
 * @typedef {{file: string, kind: 'added' | 'changed' | 'removed', added: number, removed: number}} FileChange
 */

/** The page of final/, after the last chapter. */
export const GOING_FURTHER = { slug: 'going-further', page: '/chapters/going-further' };

/**
 * The chapter a page is about, with the one before it, by the page's file name: a page named
 * like a chapter's folder (03-log-in.mdx) is that chapter's; going-further.mdx is final/'s.
 * @param {string} repoRoot
 * @param {string} name the page's file name without its extension
 * @returns {{chapter: Chapter | undefined, previous: Chapter | undefined, dir: string} | undefined}
 *   chapter is undefined for final/; undefined when the page is neither
 */
export function pageSubject(repoRoot, name) {
  const chapters = loadChapters(repoRoot);
  if (name === GOING_FURTHER.slug) return { chapter: undefined, previous: chapters.at(-1), dir: path.join(repoRoot, 'final') };
  const index = chapters.findIndex((chapter) => chapter.folder === name);
  if (index < 0) return undefined;
  const chapter = /** @type {Chapter} */ (chapters[index]);
  return { chapter, previous: chapters[index - 1], dir: chapter.dir };
}

/** @param {string} file */
const linesOf = (file) => {
  const text = readFileSync(file, 'utf8');
  return text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
};

/**
 * What changed from the app in `before` (none for the starting point) to the app in `after`:
 * the files `chapters declared` finds changed (realChanges(): the app, without the chapter's
 * metadata), each with the lines added and removed.
 * @param {string | undefined} before
 * @param {string} after
 * @returns {FileChange[]} sorted by path
 */
export function appChanges(before, after) {
  const real = before ? realChanges(before, after) : { added: appFiles(after), changed: [], removed: [] };
  /** @param {string} file @returns {FileChange} */
  const changed = (file) => {
    let added = 0;
    let removed = 0;
    for (const part of diffLines(readFileSync(path.join(/** @type {string} */ (before), file), 'utf8'), readFileSync(path.join(after, file), 'utf8'))) {
      if (part.added) added += part.count ?? 0;
      if (part.removed) removed += part.count ?? 0;
    }
    return { file, kind: 'changed', added, removed };
  };
  /** @type {FileChange[]} */
  const changes = [
    ...real.added.map((file) => ({ file, kind: /** @type {const} */ ('added'), added: linesOf(path.join(after, file)), removed: 0 })),
    ...real.changed.map(changed),
    ...real.removed.map((file) => ({ file, kind: /** @type {const} */ ('removed'), added: 0, removed: linesOf(path.join(/** @type {string} */ (before), file)) })),
  ];
  return changes.sort((a, b) => a.file.localeCompare(b.file));
}

// ---------------------------------------------------------------------------------------------
// What a chapter's start gives.

/**
 * @typedef {{file: string, kind: 'added' | 'changed' | 'removed', does: string}} GivenFile
 */

/**
 * A file's text without its ✍ placeholders: what the start gives in it, besides the places of
 * the steps.
 * @param {string} text
 */
function withoutPlaceholders(text) {
  const lines = text.split('\n');
  for (const placeholder of placeholdersIn(text).reverse()) lines.splice(placeholder.line - 1, placeholder.count);
  return lines.join('\n');
}

/**
 * The first sentence of the comment a file starts with (after a shebang or `// @ts-check`), if any.
 * @param {string} text
 */
export function leadingComment(text) {
  const lines = text.split('\n').filter((line, index) => !(index === 0 && line.startsWith('#!')) && !/^\s*\/\/\s*@ts-/.test(line));
  /** @type {string[]} */
  const comment = [];
  for (const line of lines) {
    const trimmed = line.trim();
    if (comment.length === 0 && trimmed === '') continue;
    const match = /^(?:\/\*\*?|\*\/?|\/\/|#)\s?(.*)$/.exec(trimmed);
    if (!match) break;
    comment.push((match[1] ?? '').replace(/\*\/$/, '').trim());
    if (trimmed.endsWith('*/')) break;
  }
  const prose = comment.join(' ').replace(/\s+/g, ' ').trim();
  return /^(.+?\.)(?:\s|$)/.exec(prose)?.[1] ?? (prose || undefined);
}

/**
 * The files a chapter's start gives since the chapter before it: what `goto` adds, changes and
 * removes besides the steps' placeholders, each with what it does (chapter.json's "given", else,
 * for a new file, the first sentence of its first comment).
 * @param {Chapter} chapter
 * @param {Chapter | undefined} previous
 * @returns {GivenFile[]} sorted by path
 */
export function givenFiles(chapter, previous) {
  const start = startVersion(chapter);
  const before = previous ? solutionVersion(previous) : new Map();
  /** @type {GivenFile[]} */
  const files = [];
  const describe = (/** @type {string} */ file, /** @type {GivenFile['kind']} */ kind, /** @type {string | undefined} */ fallback) => {
    const does = chapter.given[file] ?? fallback;
    if (!does) throw new Error(`chapters/${chapter.folder}/chapter.json: "given" must say in a few words what ${file} ${kind === 'changed' ? 'gets in this chapter' : kind === 'removed' ? 'was, and why it goes' : 'does'} (the chapter's page lists it with the files its start gives)`);
    files.push({ file, kind, does });
  };
  for (const [file, bytes] of start) {
    const text = withoutPlaceholders(bytes.toString('utf8'));
    const old = before.get(file);
    if (!old) describe(file, 'added', leadingComment(text));
    else if (old.toString('utf8') !== text) describe(file, 'changed', undefined);
  }
  for (const file of before.keys()) if (!start.has(file)) describe(file, 'removed', undefined);
  return files.sort((a, b) => a.file.localeCompare(b.file));
}

// ---------------------------------------------------------------------------------------------
// The checks, read without running them.

/**
 * The value of an expression made of literals, `+`, template literals and the names in `names`
 * (a check's title is one), or undefined when it holds anything else.
 * @param {ts.Expression} node
 * @param {Map<string, string>} names
 * @returns {string | undefined}
 */
function constantText(node, names) {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isNumericLiteral(node)) return node.text;
  if (ts.isParenthesizedExpression(node)) return constantText(node.expression, names);
  if (ts.isIdentifier(node)) return names.get(node.text);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const [left, right] = [constantText(node.left, names), constantText(node.right, names)];
    return left === undefined || right === undefined ? undefined : left + right;
  }
  if (ts.isTemplateExpression(node)) {
    let text = node.head.text;
    for (const span of node.templateSpans) {
      const value = constantText(span.expression, names);
      if (value === undefined) return undefined;
      text += value + span.literal.text;
    }
    return text;
  }
  return undefined;
}

/**
 * The constants a check file names in its titles: its own top-level `const NAME = <literal>`,
 * and the names it imports whose module exports a string or a number (loaded as the check loads
 * them, from the check file's folder).
 * @param {ts.SourceFile} source
 * @param {string} file the check file's path
 */
async function constantsOf(source, file) {
  /** @type {Map<string, string>} */
  const names = new Map();
  const requireHere = createRequire(file);
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && statement.importClause?.namedBindings && ts.isNamedImports(statement.importClause.namedBindings)) {
      const wanted = statement.importClause.namedBindings.elements.filter((element) => !element.isTypeOnly && /^[A-Z][A-Z0-9_]*$/.test(element.name.text));
      if (wanted.length === 0) continue;
      const module = await import(pathToFileURL(requireHere.resolve(statement.moduleSpecifier.text)).href);
      for (const element of wanted) {
        const value = module[(element.propertyName ?? element.name).text];
        if (typeof value === 'string' || typeof value === 'number') names.set(element.name.text, String(value));
      }
    }
    if (ts.isVariableStatement(statement) && (statement.declarationList.flags & ts.NodeFlags.Const) !== 0) {
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name) || !declaration.initializer) continue;
        const value = constantText(declaration.initializer, names);
        if (value !== undefined) names.set(declaration.name.text, value);
      }
    }
  }
  return names;
}

/**
 * The titles of the checks in one check file, in the order mocha runs them: every
 * `check('title', …)` call. A title that is not made of literals and constants is an error,
 * since the page could not show it.
 * @param {string} file the check file's path
 * @returns {Promise<string[]>}
 */
export async function checkTitlesOf(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const names = await constantsOf(source, file);
  /** @type {string[]} */
  const titles = [];
  /** @param {ts.Node} node */
  const visit = (node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'check' && node.arguments[0]) {
      const title = constantText(node.arguments[0], names);
      if (title === undefined) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        throw new Error(`${file}:${line + 1}: the check's title is not made of literals and constants, so the chapter's page cannot show it`);
      }
      titles.push(title);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return titles;
}

/** Every check title of a chapter, in the order `workshop verify` runs them. @param {Chapter} chapter */
export async function checkTitles(chapter) {
  const titles = [];
  for (const file of checkFiles(chapter)) titles.push(...(await checkTitlesOf(file)));
  return titles;
}

/**
 * What `workshop verify` prints when every check of the chapter passes: the reporter's line for
 * each check (scripts/workshop/reporter.cjs, without the time a slow check took), then the
 * summary, written by the workshop's own summary().
 * @param {Chapter} chapter
 * @param {string[]} titles
 * @param {string} target the folder checked, as the header names it
 */
export function verifyOutput(chapter, titles, target) {
  const results = titles.map((title) => ({ title, state: /** @type {const} */ ('passed'), durationMs: 0 }));
  return [verifyHeader(chapter, target), ...titles.map((title) => `  ✔ ${title}`), summary(chapter, { results })].join('\n');
}

/**
 * The texts a chapter's checks fail with, as written in its check files and in the helpers they
 * fail through (@session-api/workshop/checks): each string and template literal, with "…" where
 * a template puts a value in.
 * @param {Chapter} chapter
 * @returns {string[]}
 */
export function checkMessages(chapter) {
  /** @type {string[]} */
  const texts = [];
  // The chapter's checks, and the helpers they all fail through (expectStatus, expectAppTestsPass, …).
  const helpers = createRequire(import.meta.url).resolve('@session-api/workshop/checks');
  for (const file of [...checkFiles(chapter), helpers]) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    /** @param {ts.Node} node */
    const visit = (node) => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) texts.push(node.text);
      else if (ts.isTemplateExpression(node)) texts.push(node.head.text + node.templateSpans.map((span) => `…${span.literal.text}`).join(''));
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return texts;
}

/**
 * Whether a quoted failure is one of the chapter's texts, or part of one ("…" in the quote stands
 * for any value, as it does in the texts).
 * @param {string[]} texts from checkMessages()
 * @param {string} quote
 */
export function quotesACheck(texts, quote) {
  const pattern = new RegExp(quote.split('…').map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*'));
  return texts.some((text) => pattern.test(text));
}

// ---------------------------------------------------------------------------------------------
// The architecture, as far as a chapter has built it.

/**
 * The tables (and whether it reads the signing key from SSM) each function's code uses, from
 * final/'s IAM roles: each role allows exactly the calls its function makes, so it is the most
 * precise account of that there is (chapter 8's checks hold the roles to the code).
 * @param {string} repoRoot
 * @returns {Map<string, {tables: Set<string>, ssm: boolean}>}
 */
export function functionResources(repoRoot) {
  const roles = YAML.parse(readFileSync(path.join(repoRoot, 'final/infra/iam-roles.yml'), 'utf8'), { merge: true, logLevel: 'silent', strict: false })?.Resources ?? {};
  /** @type {Map<string, {tables: Set<string>, ssm: boolean}>} */
  const uses = new Map();
  for (const role of Object.values(roles)) {
    if (/** @type {any} */ (role)?.Type !== 'AWS::IAM::Role') continue;
    for (const policy of /** @type {any} */ (role).Properties?.Policies ?? []) {
      const entry = uses.get(policy.PolicyName) ?? { tables: new Set(), ssm: false };
      for (const statement of policy.PolicyDocument?.Statement ?? []) {
        const actions = [statement.Action].flat().map(String);
        for (const resource of [statement.Resource].flat()) {
          const target = resource?.['Fn::GetAtt']?.[0];
          if (typeof target === 'string' && actions.some((action) => action.startsWith('dynamodb:'))) entry.tables.add(target);
        }
        if (actions.includes('ssm:GetParameter')) entry.ssm = true;
      }
      uses.set(policy.PolicyName, entry);
    }
  }
  return uses;
}

/**
 * What an app's serverless.yml declares: its functions with their routes and whether the
 * authorizer guards them, its tables, and whether the functions read the key from SSM.
 * @param {string} appDir
 */
export function serviceShape(appDir) {
  const functions = Object.entries(readServiceFunctions(appDir)).map(([name, fn]) => {
    const http = (fn.events ?? []).map((event) => event['http']).filter((event) => event && typeof event === 'object');
    return {
      name,
      routes: http.map((event) => `${String(event.method).toUpperCase()} /${String(event.path).replace(/^\//, '')}`),
      guarded: http.some((event) => event.authorizer),
    };
  });
  const tables = Object.entries(readServiceResources(appDir))
    .filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table')
    .map(([logicalId]) => logicalId);
  const ssm = existsSync(path.join(appDir, 'config/dev.yml')) && /signingKeyParameter/.test(readFileSync(path.join(appDir, 'config/dev.yml'), 'utf8'));
  return { functions, tables, ssm };
}

/**
 * The API as a mermaid flowchart, as far as the app in `appDir` has built it: the client, API
 * Gateway with each route, the authorizer in front of the routes it guards, the functions, their
 * tables and the signing key in SSM. What is new since `previousDir` is highlighted.
 * @param {string} repoRoot
 * @param {string} appDir
 * @param {string | undefined} previousDir
 */
export function architecture(repoRoot, appDir, previousDir) {
  const now = serviceShape(appDir);
  const before = previousDir && existsSync(path.join(previousDir, 'serverless.yml')) ? serviceShape(previousDir) : { functions: [], tables: [], ssm: false };
  const uses = functionResources(repoRoot);
  const isNew = {
    function: (/** @type {string} */ name) => !before.functions.some((fn) => fn.name === name),
    table: (/** @type {string} */ id) => !before.tables.includes(id),
  };
  const lines = ['flowchart LR', '  client["Your app<br/>(X-Client-Id)"] --> gateway["API Gateway"]'];
  /** @type {string[]} */
  const fresh = [];
  const guard = now.functions.find((fn) => fn.name === 'authorize');
  if (guard) {
    lines.push('  authorize{{"authorize<br/>(token + session)"}}', '  gateway --> authorize');
    if (isNew.function('authorize')) fresh.push('authorize');
  }
  for (const fn of now.functions) {
    if (fn.name === 'authorize') continue;
    lines.push(`  ${fn.name}["${fn.name}"]`);
    if (isNew.function(fn.name)) fresh.push(fn.name);
    const label = fn.routes.join('<br/>');
    if (fn.guarded && guard) lines.push(`  authorize -->|"${label}"| ${fn.name}`);
    else if (label) lines.push(`  gateway -->|"${label}"| ${fn.name}`);
  }
  for (const id of now.tables) {
    lines.push(`  ${id}[("${tableName(id)}")]`);
    if (isNew.table(id)) fresh.push(id);
  }
  if (now.ssm) {
    lines.push('  ssm["SSM Parameter Store<br/>(the signing key)"]');
    if (!before.ssm) fresh.push('ssm');
  }
  for (const fn of now.functions) {
    const use = uses.get(fn.name);
    for (const table of use?.tables ?? []) if (now.tables.includes(table)) lines.push(`  ${fn.name} --> ${table}`);
    if (now.ssm && use?.ssm) lines.push(`  ${fn.name} -.-> ssm`);
  }
  if (fresh.length > 0) {
    lines.push('  classDef new stroke-width:3px,stroke:#2e6b4f,fill:#e3f2ea,color:#1b1b1b');
    lines.push(`  class ${fresh.join(',')} new`);
  }
  return lines.join('\n');
}

// @ts-check
/**
 * Every rule the GoCD checker reports, and the shape of a finding. A finding's `rule` is one of
 * these ids (the type `RuleId` makes TypeScript reject a misspelt id), and check.test.mjs checks
 * that each rule has a fixture that triggers it and a line in README.md.
 */

/**
 * @typedef {object} Finding
 * @property {string} file     the file as it was given to the checker
 * @property {number} line     1-based line of the YAML node at fault
 * @property {string} rule     a stable id, e.g. `materials-not-map`
 * @property {string} message  what is wrong
 * @property {string} fix      a plain-English sentence saying what to change
 */

/** Every rule id, with one line on what it catches. */
export const RULES = Object.freeze({
  // Reading the file
  'yaml-syntax': 'the file is not valid YAML',
  'tab-indentation': 'a tab is used for indentation',
  'duplicate-key': 'the same key appears twice in one map',
  'unknown-alias': 'an alias has no anchor before it in the same file',
  'ignored-document': 'a second YAML document, which GoCD never reads',
  // Structure
  'unknown-top-level-key': 'a top-level key other than format_version, pipelines, environments, common',
  'wrong-type': 'a map, list or string where another kind is expected',
  'group-missing': 'a pipeline without group',
  'materials-missing': 'a pipeline without materials',
  'materials-not-map': 'materials written as a list (or another non-map)',
  'stages-missing': 'a pipeline with neither stages nor a template',
  'stage-null': 'a stage whose keys are not indented under its name',
  'stage-without-jobs': 'a stage with neither jobs nor tasks',
  'job-without-tasks': 'a job without tasks',
  'extra-keys-dropped': 'a second key in a single-key map (stage, task, artifact) or a second material type',
  'task-unknown-type': 'a task whose key is not a task type',
  'task-without-command': 'an exec without command, or an empty script',
  'artifact-invalid': 'an artifact of unknown type or without its required fields',
  'tabs-not-map': 'job tabs that are not a map',
  // Values
  'boolean-invalid': 'a boolean field that is not true/false/yes/no/on/off',
  'integer-invalid': 'an integer field that is not a whole number',
  'approval-invalid': 'an approval that is not manual/success/auto or a valid approval map',
  'lock-behavior-invalid': 'lock_behavior not lockOnFailure, unlockWhenFinished or none',
  'run-if-invalid': 'run_if not passed, failed or any',
  'timer-invalid': 'a timer without spec',
  'filter-both-kinds': 'a material with both includes/whitelist and ignore/blacklist',
  'scm-destination-missing': 'several SCM materials, one without destination',
  'resources-and-elastic-profile': 'a job with both resources and elastic_profile_id',
  // Names
  'material-name-duplicate': 'two materials of a pipeline with the same name (ignoring case)',
  'stage-name-duplicate': 'two stages of a pipeline with the same name (ignoring case)',
  'job-name-duplicate': 'two jobs of a stage with the same name (ignoring case)',
  // Across files
  'pipeline-name-duplicate': 'two pipelines with the same name, in any of the files',
  'format-version-mixed': 'files that declare different format_versions (missing means 1)',
  // Project rules (checking the repository)
  'serverless-functions-unreadable': 'final/serverless.yml is missing or has no functions: map',
  'function-pipeline-missing': 'a Lambda function without its per-function pipeline',
  'function-pipeline-duplicate': 'a Lambda function with more than one per-function pipeline',
  'function-pipeline-unknown': 'a per-function pipeline for a function that does not exist',
  'filter-matches-nothing': 'a material filter path that matches no file of the repository',
  'npm-script-missing': 'an npm run/test/start of a script that the package.json does not have',
});

/** @typedef {keyof typeof RULES} RuleId */

/**
 * @param {string} file
 * @param {number} line
 * @param {RuleId} rule
 * @param {string} message
 * @param {string} fix
 * @returns {Finding}
 */
export function finding(file, line, rule, message, fix) {
  return { file, line, rule, message, fix };
}

/**
 * Sorts findings by file and line. A finding inside an anchored part (e.g. shared stages used by
 * every per-function pipeline) is found once per use; it is reported once.
 * @param {Finding[]} findings
 * @returns {Finding[]}
 */
export function sortAndDeduplicate(findings) {
  const seen = new Set();
  return findings
    .filter((finding) => {
      const key = [finding.file, finding.line, finding.rule, finding.message].join('\0');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
}

// @ts-check
/**
 * What the room accepts, as JSON Schemas that Fastify validates every body with before a route
 * sees it. Each object lists its properties and allows no other (additionalProperties: false, and
 * the validator set to refuse rather than strip them: see server.mjs): a report that carries
 * anything more than the workshop's own words (a file, a path, a variable) is refused with a 400,
 * and nothing is stored.
 *
 * An attendee's report holds only: the chapter, each check's title and state (and the section of
 * the chapter's page that explains a failing one), the steps' names and states, the hint level
 * shown, whether solve was used, and times.
 */

/** The states of a check or a step, as `workshop verify` reports them. */
const STATE = { enum: ['passed', 'failed', 'skipped'] };
/** A title, a name or a heading: one line of text, never markup (the pages render it as text). */
const text = (/** @type {number} */ maxLength) => ({ type: 'string', minLength: 1, maxLength, pattern: '^[^\\u0000-\\u001f\\u007f]*$' });
const CHAPTER = { type: 'integer', minimum: 0, maximum: 99 };

/** An attendee's name: what the dashboard shows. */
export const NAME = { ...text(40), pattern: '^(?=.*\\S)[^\\u0000-\\u001f\\u007f]+$' };

export const joinBody = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'name'],
  properties: {
    code: { type: 'string', minLength: 1, maxLength: 20 },
    name: NAME,
  },
};

const check = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'state'],
  properties: { title: text(200), state: STATE, section: text(200) },
};

const step = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'state'],
  properties: { name: text(80), state: STATE },
};

/** What every report has: its id (to send it again safely), its type, the chapter the attendee is on, and when. */
const common = {
  id: { type: 'string', pattern: '^[A-Za-z0-9-]{8,64}$' },
  chapter: CHAPTER,
  at: { type: 'string', format: 'date-time' },
};

/** The reports, one schema per type (goto, verify, hint, solve). */
export const report = {
  type: 'object',
  // Ajv picks the schema of the report's type, so that a refusal names what is wrong with that one.
  discriminator: { propertyName: 'type' },
  required: ['type'],
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'type', 'chapter', 'at'],
      properties: { ...common, type: { const: 'goto' } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'type', 'chapter', 'at', 'checked', 'checks'],
      properties: {
        ...common,
        type: { const: 'verify' },
        checked: CHAPTER, // the chapter whose checks ran (the attendee may have moved on since: `chapter`)
        checks: { type: 'array', maxItems: 100, items: check }, // none: the checks could not run
        steps: { type: 'array', maxItems: 50, items: step },
        seconds: { type: 'number', minimum: 0, maximum: 86400 },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'type', 'chapter', 'at', 'check', 'level'],
      properties: { ...common, type: { const: 'hint' }, check: text(200), level: { type: 'integer', minimum: 1, maximum: 20 }, step: text(80) },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'type', 'chapter', 'at', 'whole'],
      properties: { ...common, type: { const: 'solve' }, whole: { type: 'boolean' }, step: text(80) },
    },
  ],
};

/** A batch of reports: what one command sends, with the ones that waited in the queue. */
export const reportsBody = {
  type: 'object',
  additionalProperties: false,
  required: ['reports'],
  properties: { reports: { type: 'array', minItems: 1, maxItems: 20, items: report } },
};

/** The presenter's controls: the chapter the room is on, and the step on the projector. */
export const presenterBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    chapter: CHAPTER,
    step: { type: 'integer', minimum: 0, maximum: 50 },
  },
};

/**
 * @typedef {{ title: string, state: 'passed' | 'failed' | 'skipped', section?: string }} ReportedCheck
 * @typedef {{ name: string, state: 'passed' | 'failed' | 'skipped' }} ReportedStep
 * @typedef {{ id: string, type: 'goto', chapter: number, at: string }} GotoReport
 * @typedef {{ id: string, type: 'verify', chapter: number, at: string, checked: number, checks: ReportedCheck[], steps?: ReportedStep[], seconds?: number }} VerifyReport
 * @typedef {{ id: string, type: 'hint', chapter: number, at: string, check: string, level: number, step?: string }} HintReport
 * @typedef {{ id: string, type: 'solve', chapter: number, at: string, whole: boolean, step?: string }} SolveReport
 * @typedef {GotoReport | VerifyReport | HintReport | SolveReport} Report
 */

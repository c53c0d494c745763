/**
 * What the reference pages show from the repository's own files, read at build time by
 * plugins/repository-facts.mjs: the benchmark's last results, each function's permissions, the
 * settings of each stage, and the exact error texts of the Troubleshooting page. A figure named
 * in a sentence or an error id that is not there throws, and the build stops: a page never
 * quotes a figure or a message that no longer exists.
 */
import { usePluginData } from '@docusaurus/useGlobalData';
import type { ReactNode } from 'react';

interface Figure {
  name: string;
  value: number | null;
  unit: string;
  floor: number | null;
  ratio: number | null;
  target: number | null;
}

interface Facts {
  bench: { date: string; machine: string; figures: Figure[] };
  permissions: { name: string; dynamodb: { table: string; actions: string[] }[]; ssm: string[]; other: string[] }[];
  stages: { stages: string[]; settings: { key: string; values: string[] }[] };
  errors: { id: string; tool: string; text: string }[];
}

const facts = (): Facts => usePluginData('repository-facts') as Facts;

const show = (value: number | null): string => (value === null ? '–' : String(value));

function verdict(figure: Figure): string {
  if (figure.target === null) return '';
  const met = figure.ratio !== null && figure.ratio <= figure.target;
  return met ? `≤ ${figure.target} ✔` : `≤ ${figure.target} ✘ missed`;
}

/** "Measured 2026-11-30 01:09 UTC on 2 × AMD EPYC, …": when and where the figures were taken. */
export function BenchRun(): ReactNode {
  const { date, machine } = facts().bench;
  return (
    <>
      {date.slice(0, 16).replace('T', ' ')} UTC on {machine}
    </>
  );
}

/** "a, b" → ["a", "b"] */
const list = (text: string | undefined): string[] | undefined => text?.split(',').map((item) => item.trim());

/**
 * The figures of the last run whose names start with one of `prefixes`, in the order the
 * benchmark measured them; with `except`, those whose names start with none of its prefixes
 * (nothing at all when there are none: a page lists there what it does not describe elsewhere).
 */
export function BenchResults({ prefixes, except }: { prefixes?: string; except?: string }): ReactNode {
  const { figures } = facts().bench;
  const [wanted, unwanted] = [list(prefixes), list(except)];
  const starts = (name: string, some: string[]) => some.some((prefix) => name.startsWith(prefix));
  const shown = figures.filter((figure) => (!wanted || starts(figure.name, wanted)) && !(unwanted && starts(figure.name, unwanted)));
  if (shown.length === 0 && unwanted) return null;
  // Said on the page rather than failing the build: a results file from before a figure existed
  // is still worth showing. (A figure quoted in a sentence, <BenchFigure />, must exist.)
  if (shown.length === 0) {
    return (
      <p data-bench-results="none">
        <em>
          The last run has no figure of this kind: run <code>npm run bench</code> to measure it.
        </em>
      </p>
    );
  }
  return (
    <table data-bench-results="">
      <thead>
        <tr>
          <th>Figure</th>
          <th style={{ textAlign: 'right' }}>Value</th>
          <th>Unit</th>
          <th style={{ textAlign: 'right' }}>Floor</th>
          <th style={{ textAlign: 'right' }}>Ratio</th>
          <th>Target</th>
        </tr>
      </thead>
      <tbody>
        {shown.map((figure) => (
          <tr key={figure.name}>
            <td>
              <code>{figure.name}</code>
            </td>
            <td style={{ textAlign: 'right' }}>{show(figure.value)}</td>
            <td>{figure.unit}</td>
            <td style={{ textAlign: 'right' }}>{show(figure.floor)}</td>
            <td style={{ textAlign: 'right' }}>{show(figure.ratio)}</td>
            <td>{verdict(figure)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One field of one figure, inline in a sentence: <BenchFigure name="log-in" field="ratio" />. */
export function BenchFigure({ name, field = 'value' }: { name: string; field?: 'value' | 'floor' | 'ratio' }): ReactNode {
  const figure = facts().bench.figures.find((candidate) => candidate.name === name);
  if (!figure) throw new Error(`<BenchFigure name="${name}" />: bench/results.json has no figure "${name}"`);
  const value = figure[field];
  return <strong data-bench-figure={name}>{field === 'ratio' ? `${show(value)}×` : `${show(value)} ${figure.unit}`}</strong>;
}

/** What each function's own IAM role allows, besides writing its own log group. */
export function FunctionPermissions(): ReactNode {
  const { permissions } = facts();
  return (
    <table data-function-permissions="">
      <thead>
        <tr>
          <th>Function</th>
          <th>DynamoDB (table: calls)</th>
          <th>SSM</th>
        </tr>
      </thead>
      <tbody>
        {permissions.map((fn) => (
          <tr key={fn.name}>
            <td>
              <code>{fn.name}</code>
            </td>
            <td>{fn.dynamodb.length === 0 ? 'nothing' : fn.dynamodb.map(({ table, actions }) => `${table}: ${actions.join(', ')}`).join('; ')}</td>
            <td>{[...fn.ssm, ...fn.other].join(', ') || '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The settings in which the stages differ, one row each, one column per stage. */
export function StageSettings(): ReactNode {
  const { stages, settings } = facts().stages;
  return (
    <table data-stage-settings="">
      <thead>
        <tr>
          <th>Setting</th>
          {stages.map((stage) => (
            <th key={stage}>{stage}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {settings.map(({ key, values }) => (
          <tr key={key}>
            <td>
              <code>{key}</code>
            </td>
            {values.map((value, index) => (
              <td key={stages[index]}>{value}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** An error exactly as a tool prints it ("…" where it puts in a value), from lib/error-texts.mjs. */
export function ErrorText({ id }: { id: string }): ReactNode {
  const entry = facts().errors.find((candidate) => candidate.id === id);
  if (!entry) throw new Error(`<ErrorText id="${id}" />: no such text in website/lib/error-texts.mjs`);
  return (
    <figure className="error-text" data-error-text={id}>
      <figcaption>
        <code>{entry.tool}</code> prints:
      </figcaption>
      <pre>
        <code>{entry.text}</code>
      </pre>
    </figure>
  );
}

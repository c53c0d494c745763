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
  deployment: Deployment;
}

interface TemplateFacts {
  resources: Record<string, number>;
  alarms: { count: number; metrics: number };
  firewall: { rules: number; limit: number; windowSeconds: number } | null;
  throttling: { methods: number; rateLimit: number; burstLimit: number };
  onEverything: string[];
}
interface StageDeployment {
  stage: string;
  facts: TemplateFacts;
  vpc: Record<string, number> | null;
  cost: { item: string; how: string; dollars: number }[];
  total: number;
}
interface Deployment {
  stages: StageDeployment[];
  vpc: { withoutNat: Record<string, number>; withNat: Record<string, number> };
  onEverything: { action: string; where: string }[];
  prices: Record<string, number>;
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

/** $0.10, $5, $14.60 */
const money = (dollars: number): string => `$${Number.isInteger(dollars) ? dollars : dollars.toFixed(2)}`;
const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((total, count) => total + count, 0);

function stageOf(stage: string): StageDeployment {
  const found = facts().deployment.stages.find((candidate) => candidate.stage === stage);
  if (!found) throw new Error(`final/template-facts.json has no stage "${stage}"`);
  return found;
}

/** The resources CloudFormation creates for each stage, by type, from final/template-facts.json. */
export function StageResources(): ReactNode {
  const { stages } = facts().deployment;
  const types = [...new Set(stages.flatMap((stage) => Object.keys(stage.facts.resources)))].sort();
  return (
    <table data-stage-resources="">
      <thead>
        <tr>
          <th>Resource type</th>
          {stages.map(({ stage }) => (
            <th key={stage} style={{ textAlign: 'right' }}>
              {stage}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {types.map((type) => (
          <tr key={type}>
            <td>
              <code>{type}</code>
            </td>
            {stages.map(({ stage, facts: stageFacts }) => (
              <td key={stage} style={{ textAlign: 'right' }}>
                {stageFacts.resources[type] ?? '–'}
              </td>
            ))}
          </tr>
        ))}
        <tr>
          <td>
            <strong>in the stack</strong>
          </td>
          {stages.map(({ stage, facts: stageFacts }) => (
            <td key={stage} style={{ textAlign: 'right' }}>
              <strong>{sum(stageFacts.resources)}</strong>
            </td>
          ))}
        </tr>
        <tr>
          <td>the VPC&apos;s own stack (a stage with runInVpc)</td>
          {stages.map(({ stage, vpc }) => (
            <td key={stage} style={{ textAlign: 'right' }}>
              {vpc ? sum(vpc) : '–'}
            </td>
          ))}
        </tr>
      </tbody>
    </table>
  );
}

/** What each stage costs a month with no traffic at all, line by line, from the templates and PRICES. */
export function CostAtRest(): ReactNode {
  const { stages } = facts().deployment;
  return (
    <table data-cost-at-rest="">
      <thead>
        <tr>
          <th>Stage</th>
          <th>What bills by the month</th>
          <th style={{ textAlign: 'right' }}>A month</th>
        </tr>
      </thead>
      <tbody>
        {stages.flatMap(({ stage, cost, total }) => [
          ...cost.map((line, index) => (
            <tr key={`${stage}-${line.item}`}>
              <td>{index === 0 ? <code>{stage}</code> : ''}</td>
              <td>
                {line.item}: {line.how}
              </td>
              <td style={{ textAlign: 'right' }}>{money(line.dollars)}</td>
            </tr>
          )),
          <tr key={`${stage}-total`}>
            <td />
            <td>
              <strong>{stage}, at rest</strong>
            </td>
            <td style={{ textAlign: 'right' }}>
              <strong data-cost-total={stage}>{money(total)}</strong>
            </td>
          </tr>,
        ])}
      </tbody>
    </table>
  );
}

/** API Gateway's throttling per stage as it applies it: to each method, so the stage accepts up to methods × rate. */
export function Throttling(): ReactNode {
  const { stages } = facts().deployment;
  return (
    <table data-throttling="">
      <thead>
        <tr>
          <th>Stage</th>
          <th style={{ textAlign: 'right' }}>Each method: requests/s</th>
          <th style={{ textAlign: 'right' }}>Burst</th>
          <th style={{ textAlign: 'right' }}>Methods</th>
          <th style={{ textAlign: 'right' }}>The stage, at most: requests/s</th>
        </tr>
      </thead>
      <tbody>
        {stages.map(({ stage, facts: { throttling } }) => (
          <tr key={stage}>
            <td>
              <code>{stage}</code>
            </td>
            <td style={{ textAlign: 'right' }}>{throttling.rateLimit}</td>
            <td style={{ textAlign: 'right' }}>{throttling.burstLimit}</td>
            <td style={{ textAlign: 'right' }}>{throttling.methods}</td>
            <td style={{ textAlign: 'right' }}>{throttling.methods * throttling.rateLimit}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Every action allowed on "*", and whose rights allow it. */
export function OnEverything(): ReactNode {
  const { onEverything } = facts().deployment;
  return (
    <table data-on-everything="">
      <thead>
        <tr>
          <th>Action on &quot;*&quot;</th>
          <th>Allowed to</th>
        </tr>
      </thead>
      <tbody>
        {onEverything.map(({ action, where }) => (
          <tr key={action}>
            <td>
              <code>{action}</code>
            </td>
            <td>{where}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One figure of a stage's template or cost, inline: <DeploymentFigure stage="prod" figure="total" />. */
export function DeploymentFigure({ stage, figure }: { stage: string; figure: 'total' | 'alarms' | 'alarmMetrics' | 'resources' | 'firewallLimit' | 'firewallMinutes' | 'stageRate' }): ReactNode {
  const { facts: stageFacts, total } = stageOf(stage);
  const values: Record<typeof figure, string | number | undefined> = {
    total: money(total),
    alarms: stageFacts.alarms.count,
    alarmMetrics: stageFacts.alarms.metrics,
    resources: sum(stageFacts.resources),
    firewallLimit: stageFacts.firewall?.limit,
    firewallMinutes: stageFacts.firewall ? stageFacts.firewall.windowSeconds / 60 : undefined,
    stageRate: stageFacts.throttling.methods * stageFacts.throttling.rateLimit,
  };
  const value = values[figure];
  if (value === undefined) throw new Error(`<DeploymentFigure stage="${stage}" figure="${figure}" />: the template of ${stage} has no such figure`);
  return <strong data-deployment-figure={`${stage}-${figure}`}>{value}</strong>;
}

/** A unit price of PRICES (website/lib/repository-facts.mjs), inline. */
export function Price({ name }: { name: string }): ReactNode {
  const value = facts().deployment.prices[name];
  if (value === undefined) throw new Error(`<Price name="${name}" />: no such price in website/lib/repository-facts.mjs`);
  return <>{money(value)}</>;
}

/**
 * The local stack the HTTP figures are measured on: `npm start`'s stack (final/test/e2e/
 * local-stack.ts starts it), with dynalite in a process of its own, so that the benchmark's own
 * load generator never slows the database down, and with debug logs on: that is where the
 * functions report every DynamoDB call (src/lib/dynamodb.ts, watchCalls). serverless-offline logs
 * the duration of every invocation anyway.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startLocalStack, type LocalStack } from '../final/test/e2e/local-stack';

/** The sessions table the local stack creates (serverless.yml, stage local). */
export const SESSIONS_TABLE = 'session-api-local-sessions';

export interface Dynalite {
  endpoint: string;
  stop: () => Promise<void>;
}

/** Starts dynalite (in memory, any free loopback port) in a child process. */
export function startDynaliteProcess(): Promise<Dynalite> {
  const script = `
    const { startDynamoDB } = await import('@session-api/local-stack/dynamodb.mjs');
    const { endpoint } = await startDynamoDB();
    process.stdout.write(endpoint + '\\n');`;
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: path.resolve(__dirname, '../final'), stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`dynalite exited with ${code}`)));
    child.stdout?.once('data', (chunk: Buffer) =>
      resolve({
        endpoint: chunk.toString('utf8').trim(),
        stop: () =>
          new Promise((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      }),
    );
  });
}

export function startBenchStack(endpoint: string): Promise<LocalStack> {
  // Not POWERTOOLS_LOG_LEVEL: serverless.yml sets that for every function. AWS_LAMBDA_LOG_LEVEL
  // is Lambda's own log level control, which overrides it (as on AWS), and serverless-offline
  // hands every AWS_ variable of its environment to the functions.
  return startLocalStack({ DYNAMODB_ENDPOINT: endpoint, AWS_LAMBDA_LOG_LEVEL: 'DEBUG', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
}

/** What the stack logged about a stretch of requests. */
export interface Activity {
  /** Invocation durations (ms) by function (authorize, getUser, ...), from serverless-offline. */
  invocations: Map<string, number[]>;
  /** DynamoDB calls (their durations, ms) by the function that made them. */
  databaseCalls: Map<string, number[]>;
}

const INVOCATION = /\(λ: (\w+)\) RequestId: \S+\s+Duration: ([\d.]+) ms/;
/** Log lines can trail the answers: this long after the last one, they have all arrived. */
const LOG_SETTLE_MS = 300;

function add(map: Map<string, number[]>, key: string, value: number): void {
  map.set(key, [...(map.get(key) ?? []), value]);
}

/** Parses the log lines written while `work` ran. */
export async function activityOf(stack: LocalStack, work: () => Promise<void>): Promise<Activity> {
  // Let the lines of earlier requests arrive first, or they would count as this work's.
  await new Promise((resolve) => setTimeout(resolve, LOG_SETTLE_MS));
  const start = stack.logs().length;
  await work();
  await new Promise((resolve) => setTimeout(resolve, LOG_SETTLE_MS));
  const activity: Activity = { invocations: new Map(), databaseCalls: new Map() };
  for (const line of stack.logs().slice(start).split('\n')) {
    const invocation = INVOCATION.exec(line);
    if (invocation) add(activity.invocations, invocation[1] ?? '', Number(invocation[2]));
    if (!line.startsWith('{') || !line.includes('"dynamodb call"')) continue;
    const entry = JSON.parse(line) as { function_name?: string; durationMs?: number };
    // function_name is <service>-<stage>-<function>, e.g. session-api-local-getUser.
    add(activity.databaseCalls, (entry.function_name ?? '').split('-').pop() ?? '', entry.durationMs ?? 0);
  }
  return activity;
}

export const sum = (values: readonly number[] = []): number => values.reduce((total, value) => total + value, 0);

/** The DynamoDB calls these functions made. */
export function countCalls(activity: Activity, functions: readonly string[]): number {
  return sum(functions.map((name) => activity.databaseCalls.get(name)?.length ?? 0));
}

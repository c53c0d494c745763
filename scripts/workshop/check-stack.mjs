// @ts-check
/**
 * The local stack the checks call: an app's `npm start` (serverless offline, as startLocalStack
 * runs it) on an embedded DynamoDB of its own, so that checks can look into the tables and read
 * what the functions logged. A verify starts one and stops it after the last check; `workshop
 * watch` keeps one running for the workspace and hands its address to each run of the checks
 * (WORKSHOP_STACK).
 */
import { startDynamoDB } from '@session-api/local-stack/dynamodb.mjs';
import { LOCAL_DATABASE_TIMEOUT_MS } from '@session-api/local-stack/index.mjs';
import { startLocalStack } from '@session-api/local-stack/start.mjs';

/**
 * @typedef {object} CheckStack
 * @property {string} baseUrl
 * @property {string} dynamodbEndpoint
 * @property {Buffer} signingKey
 * @property {() => string} logs        everything the stack printed so far
 * @property {() => Promise<void>} rebuild
 * @property {() => Promise<void>} stop
 */

/**
 * Where a running stack is, for a check run in another process.
 * @typedef {{ baseUrl: string, dynamodbEndpoint: string, signingKey: string, logFile: string }} StackAddress
 *   signingKey in base64; logFile: the file the stack's output is written to as it comes
 */

/**
 * The app's files whose change needs the stack started again (its routes, tables and settings);
 * a change of any other file needs its functions rebuilt only. Paths relative to the app.
 */
export const RESTARTS_STACK = /^(?:serverless\.ya?ml|config\/|infra\/|package\.json$)/;

/**
 * Where `stack` is, for the checks run in another process (WORKSHOP_STACK holds it as JSON).
 * @param {CheckStack} stack @param {string} logFile the file the stack's output goes to
 * @returns {StackAddress}
 */
export function stackAddress(stack, logFile) {
  return { baseUrl: stack.baseUrl, dynamodbEndpoint: stack.dynamodbEndpoint, signingKey: stack.signingKey.toString('base64'), logFile };
}

/**
 * @param {string} appDir
 * @param {{ logFile?: string, environment?: Record<string, string>, control?: boolean }} [options]
 *   logFile: write what the stack prints there too; control: it rebuilds only on rebuild()
 * @returns {Promise<CheckStack>}
 */
export async function startCheckStack(appDir, { logFile, environment = {}, control = false } = {}) {
  const dynamodb = await startDynamoDB();
  try {
    // The checks' own database, which the stack is given: as patient with it as with its own.
    const database = { DYNAMODB_ENDPOINT: dynamodb.endpoint, DYNAMODB_REQUEST_TIMEOUT_MS: String(LOCAL_DATABASE_TIMEOUT_MS) };
    const stack = await startLocalStack({ serviceDir: appDir, environment: { ...environment, ...database }, control, ...(logFile ? { logFile } : {}) });
    return {
      baseUrl: stack.baseUrl,
      dynamodbEndpoint: dynamodb.endpoint,
      signingKey: stack.signingKey,
      logs: stack.logs,
      rebuild: () => (stack.rebuild ? stack.rebuild() : Promise.reject(new Error('this stack rebuilds on its own'))),
      stop: async () => {
        await stack.stop();
        await dynamodb.close();
      },
    };
  } catch (error) {
    await dynamodb.close();
    throw error;
  }
}

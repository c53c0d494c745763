/**
 * One DynamoDB document client per Lambda container, created at cold start and reused by every
 * request (creating it per request would repeat the TLS handshake each time).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { optionalText, positiveInteger, setting } from './config';

/**
 * Set only by the local stack and the tests: the embedded DynamoDB's URL. On AWS it is unset and
 * the SDK finds DynamoDB, the region and the function's credentials on its own.
 */
const localEndpoint = setting('DYNAMODB_ENDPOINT', optionalText);

/**
 * Timeouts and retries are set on purpose: every route must answer within 3 seconds, with a 503
 * when the database is down, hangs or throttles, never hang until the Lambda timeout (6 s).
 * The SDK's defaults wait for a socket without limit. The worst case of one call is
 *
 *   MAX_ATTEMPTS x REQUEST_TIMEOUT_MS + one backoff = 2 x 800 ms + at most 50 ms ≈ 1.7 s
 *
 * (a database that accepts connections and never answers), which leaves more than a second for
 * the function's own work (bcrypt) on a loaded machine.
 * - CONNECTION_TIMEOUT_MS: opening a TCP connection to DynamoDB takes milliseconds; 500 ms means
 *   the endpoint is unreachable.
 * - REQUEST_TIMEOUT_MS: a whole call (send and answer). DynamoDB answers in single-digit
 *   milliseconds; 800 ms is a hundred times that, so a healthy but busy database is not cut off.
 *   (A timed-out write may still have landed, and its retry then fails its condition: the shorter
 *   this timeout, the more often that happens.)
 * - MAX_ATTEMPTS: 2, one retry. The SDK waits up to 1 s before retrying a throttled call and
 *   doubles that each time, so a third attempt could add 2 s more and break the 3 s promise.
 */
export const CONNECTION_TIMEOUT_MS = 500;
export const REQUEST_TIMEOUT_MS = 800;
export const MAX_ATTEMPTS = 2;

/**
 * The local stack's database is not DynamoDB: dynalite runs in the stack's own process, on a
 * laptop whose two cores it shares with twenty functions at once, a build and a browser, and it
 * can take seconds to answer there. So the local stack sets a longer request timeout (it is not
 * set on AWS, where REQUEST_TIMEOUT_MS holds), so that a busy laptop never turns a correct
 * function's answer into a 503.
 */
const requestTimeout = setting('DYNAMODB_REQUEST_TIMEOUT_MS', positiveInteger.optional());

function createClient(): DynamoDBDocumentClient {
  const endpoint = localEndpoint();
  const client = new DynamoDBClient({
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: requestTimeout() ?? REQUEST_TIMEOUT_MS,
      // Without this the SDK only logs a warning when requestTimeout passes, and keeps waiting.
      throwOnRequestTimeout: true,
    },
    // Locally (npm start, tests) the endpoint is the embedded dynalite, which accepts any
    // credentials; these are placeholders, not secrets. On AWS the function's role is used.
    ...(endpoint
      ? { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

let documentClient: DynamoDBDocumentClient | undefined;

export function db(): DynamoDBDocumentClient {
  documentClient ??= createClient();
  return documentClient;
}

/** Replaces the client, for tests that point at their own dynalite. */
export function setDb(client: DynamoDBDocumentClient | undefined): void {
  documentClient = client;
}

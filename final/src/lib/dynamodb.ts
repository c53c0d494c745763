/**
 * One DynamoDB document client per Lambda container, created at cold start and reused by every
 * request (creating it per request would repeat the TLS handshake each time).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Timeouts and retries are set on purpose. The SDK's defaults wait for a socket without limit,
 * so a database that accepts connections and never answers would hold the request until the
 * Lambda times out. Here a call gives up after 1 s, is tried at most twice, and the request
 * answers 503 well within 3 seconds.
 */
export const CONNECTION_TIMEOUT_MS = 500;
export const REQUEST_TIMEOUT_MS = 1000;
export const MAX_ATTEMPTS = 2;

function createClient(): DynamoDBDocumentClient {
  const endpoint = process.env['DYNAMODB_ENDPOINT'];
  const client = new DynamoDBClient({
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
    // Locally (npm start, tests) the endpoint is the embedded dynalite, which accepts any
    // credentials; these are placeholders, not secrets. On AWS the function's role is used.
    ...(endpoint
      ? { endpoint, region: process.env['AWS_REGION'] ?? 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
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

export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

const unavailableErrorNames = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
]);

const unavailableErrorCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

/** The database is down, slow or throttling: the client should retry later (503), not give up. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return unavailableErrorNames.has(error.name) || (typeof code === 'string' && unavailableErrorCodes.has(code));
}

/**
 * The authorizer's whole cost per request: the authorize function's handler, called in this
 * process as Lambda calls it in a warm container, against the benchmark's dynalite. That is
 * everything the function does for one Bearer request: read the header, verify the token, read
 * the session, build the policy. Floor: the two things it cannot skip, measured alternately in
 * the same run: one HMAC-SHA256 check of the token (token-check's floor) and the session read
 * itself, the same consistent GetItem through the function's own DynamoDB client. The ratio is
 * everything else, token verification included. (API Gateway's call of the function is not in
 * it: the HTTP figures, `…-gateway`, show that part.)
 */
import { createSecretKey, randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { handler } from '../final/src/functions/authorize/handler';
import { db } from '../final/src/lib/dynamodb';
import { signToken } from '../final/src/lib/tokens';
import { authorizerEvent, context } from '../final/test/helpers/events';
import { figure, median, type Figure } from './figures';
import { SESSIONS_TABLE } from './stack';
import { hmacCheck } from './token-check';

const WARM_UP_CALLS = 50;
const ROUNDS = 10;
const CALLS_PER_ROUND = 30;

/** Milliseconds per call of `operation`, over one round of sequential calls. */
async function millisecondsPerCall(operation: () => Promise<unknown>, calls: number): Promise<number> {
  const started = performance.now();
  for (let call = 0; call < calls; call += 1) await operation();
  return (performance.now() - started) / calls;
}

/** The settings serverless.yml gives the authorizer, for this process while it runs. */
function withSettings<T>(settings: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(settings).map((name) => [name, process.env[name]]));
  Object.assign(process.env, settings);
  return work().finally(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
}

export async function measureAuthorizer(databaseEndpoint: string): Promise<Figure[]> {
  const rawKey = randomBytes(32);
  const key = createSecretKey(rawKey);
  const issuer = 'urn:session-api:bench';
  const settings = {
    SESSIONS_TABLE,
    TOKEN_ISSUER: issuer,
    CLIENT_IDS: 'workshop-web,workshop-cli',
    SIGNING_KEY_PARAMETER: '',
    LOCAL_SIGNING_KEY: rawKey.toString('base64'),
    DYNAMODB_ENDPOINT: databaseEndpoint,
  };
  const direct = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: databaseEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
  try {
    const now = Math.floor(Date.now() / 1000);
    const session = { sessionId: randomUUID(), userId: randomUUID(), email: 'bench@example.com', clientId: 'workshop-web', createdAt: now, expiresAt: now + 3600, refreshTokenHash: 'unused' };
    await direct.send(new PutCommand({ TableName: SESSIONS_TABLE, Item: session }));
    const token = signToken(key, { use: 'access', issuer, clientId: session.clientId, userId: session.userId, sessionId: session.sessionId, expiresAt: now + 900 }, now);
    const event = authorizerEvent(`Bearer ${token}`);

    return await withSettings(settings, async () => {
      const authorize = async () => {
        const result = await handler(event, context);
        // A refusal would be timed as if it were the work: every call must allow.
        if (result.policyDocument.Statement[0]?.Effect !== 'Allow') throw new Error('the authorizer refused the benchmark token');
      };
      const floor = async () => {
        if (!hmacCheck(key, token)) throw new Error('the floor refused the benchmark token');
        await db().send(new GetCommand({ TableName: SESSIONS_TABLE, Key: { sessionId: session.sessionId }, ConsistentRead: true }));
      };
      await millisecondsPerCall(authorize, WARM_UP_CALLS);
      await millisecondsPerCall(floor, WARM_UP_CALLS);
      const [authorizerMs, floorMs]: [number[], number[]] = [[], []];
      // Alternate rounds, so that a busy moment of the machine slows both down alike.
      for (let round = 0; round < ROUNDS; round += 1) {
        authorizerMs.push(await millisecondsPerCall(authorize, CALLS_PER_ROUND));
        floorMs.push(await millisecondsPerCall(floor, CALLS_PER_ROUND));
      }
      return [figure('authorizer', median(authorizerMs), 'ms', median(floorMs))];
    });
  } finally {
    direct.destroy();
  }
}

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
const CALLS = 400;

/** Milliseconds one call of `operation` takes. */
async function timed(operation: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await operation();
  return performance.now() - started;
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
      for (let call = 0; call < WARM_UP_CALLS; call += 1) {
        await authorize();
        await floor();
      }
      const [authorizerMs, floorMs]: [number[], number[]] = [[], []];
      // One call of each in turn, the first of the pair swapped every time, so that a busy
      // moment of the machine (or dynalite) slows both down alike; medians, so that the
      // garbage collector's pauses do not decide the figure.
      for (let call = 0; call < CALLS; call += 1) {
        if (call % 2 === 0) {
          authorizerMs.push(await timed(authorize));
          floorMs.push(await timed(floor));
        } else {
          floorMs.push(await timed(floor));
          authorizerMs.push(await timed(authorize));
        }
      }
      return [figure('authorizer', median(authorizerMs), 'ms p50', median(floorMs))];
    });
  } finally {
    direct.destroy();
  }
}

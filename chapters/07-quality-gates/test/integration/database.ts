/**
 * An embedded DynamoDB (dynalite) for the integration tests, with the tables created from
 * serverless.yml's own `resources`: the tests run against the same keys and attributes that
 * CloudFormation deploys, never a hand-written copy.
 */
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setDb } from '../../src/lib/dynamodb';
import { testEnvironment } from '../helpers/environment';

/** The environment variable that names each table, by its logical id in serverless.yml. */
const tableVariables: Record<string, string> = {
  UsersTable: 'USERS_TABLE',
  SessionsTable: 'SESSIONS_TABLE',
  LoginAttemptsTable: 'LOGIN_ATTEMPTS_TABLE',
};

export interface TestDatabase {
  client: DynamoDBDocumentClient;
  tables: { users: string; sessions: string; loginAttempts: string };
  stop: () => Promise<void>;
}

export async function startTestDatabase(): Promise<TestDatabase> {
  const { startDynamoDB, createTables } = await import('@session-api/local-stack/dynamodb.mjs');
  const { readServiceResources } = await import('@session-api/local-stack/service-resources.mjs');
  const resources = readServiceResources(path.join(__dirname, '../..'));
  const dynamodb = await startDynamoDB();
  const environment = testEnvironment();
  await createTables(dynamodb.endpoint, resources, (logicalId: string) => {
    const variable = tableVariables[logicalId];
    if (!variable) throw new Error(`serverless.yml has a table ${logicalId} that the tests do not know: add it to tableVariables`);
    return environment[variable] ?? variable;
  });
  Object.assign(process.env, environment);
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: dynamodb.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  setDb(client);
  return {
    client,
    tables: { users: environment['USERS_TABLE'] ?? '', sessions: environment['SESSIONS_TABLE'] ?? '', loginAttempts: environment['LOGIN_ATTEMPTS_TABLE'] ?? '' },
    stop: async () => {
      setDb(undefined);
      client.destroy();
      await dynamodb.close();
    },
  };
}

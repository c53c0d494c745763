// @ts-check
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- a JS file can only reach an ambient .d.ts this way
/// <reference path="./dynalite.d.ts" />
/**
 * The embedded DynamoDB: dynalite, a DynamoDB wire-protocol server written in Node (no Java, no
 * Docker), in memory by default or on disk. Tables are created from the service's own
 * `resources` (the same definitions CloudFormation deploys), never from a second copy.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';

/**
 * @typedef {{ Type: string, Properties?: Record<string, any> }} CloudFormationResource
 * @typedef {{ endpoint: string, close: () => Promise<void>, unref: () => void }} RunningDynamoDB
 *   unref: let the process end while dynalite still listens (as long as nothing else keeps it)
 */

/**
 * Starts dynalite on a loopback port (0 = any free port).
 * @param {{ port?: number, path?: string }} [options] path: a folder to keep the data in
 * @returns {Promise<RunningDynamoDB>}
 */
export async function startDynamoDB({ port = 0, path } = {}) {
  // Tables become ACTIVE at once: real DynamoDB's creation delay would only slow tests down.
  const server = dynalite({ ...(path ? { path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('dynalite did not start on a TCP port');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
    unref: () => void server.unref(),
  };
}

/**
 * The DynamoDB tables among a template's resources, as CreateTable inputs.
 * @param {Record<string, CloudFormationResource>} resources
 * @param {(logicalId: string, tableName: string) => string} [rename] to give tests their own names
 */
export function tableDefinitions(resources, rename = (_id, name) => name) {
  return Object.entries(resources)
    .filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table')
    .map(([logicalId, { Properties: p = {} }]) => ({
      TableName: rename(logicalId, p['TableName']),
      AttributeDefinitions: p['AttributeDefinitions'],
      KeySchema: p['KeySchema'],
      BillingMode: p['BillingMode'] ?? 'PAY_PER_REQUEST',
      ...(p['GlobalSecondaryIndexes'] ? { GlobalSecondaryIndexes: p['GlobalSecondaryIndexes'] } : {}),
      ...(p['LocalSecondaryIndexes'] ? { LocalSecondaryIndexes: p['LocalSecondaryIndexes'] } : {}),
      ...(p['ProvisionedThroughput'] ? { ProvisionedThroughput: p['ProvisionedThroughput'] } : {}),
    }));
}

/**
 * Creates the tables of a template's resources; tables that already exist (kept on disk) stay.
 * TTL, point-in-time recovery and tags are AWS-side settings that dynalite does not model.
 * @param {string} endpoint
 * @param {Record<string, CloudFormationResource>} resources
 * @param {(logicalId: string, tableName: string) => string} [rename]
 * @returns {Promise<string[]>} the table names
 */
export async function createTables(endpoint, resources, rename) {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const definitions = tableDefinitions(resources, rename);
  try {
    for (const definition of definitions) {
      try {
        await client.send(new CreateTableCommand(definition));
      } catch (error) {
        if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
      }
    }
  } finally {
    client.destroy();
  }
  return definitions.map((definition) => definition.TableName);
}

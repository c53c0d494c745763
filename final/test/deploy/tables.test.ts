/** The DynamoDB tables of every deployed stage, as the packaged templates define them. */
import assert from 'node:assert/strict';
import { DEPLOYMENTS, resourcesOfType, STAGES, usePackages } from './packages';

/** The TTL attribute of each table: the expiry the code writes (src/lib/sessions.ts, login-throttle.ts). */
const TIME_TO_LIVE: Record<string, string | undefined> = {
  UsersTable: undefined, // accounts never expire
  SessionsTable: 'expiresAt',
  LoginAttemptsTable: 'windowEndsAt',
};

describe('deploy: tables', function () {
  const packages = usePackages();

  for (const stage of STAGES) {
    describe(stage, () => {
      it('has exactly the three tables', () => {
        assert.deepEqual(resourcesOfType(packages[stage].template, 'AWS::DynamoDB::Table').map(([id]) => id).sort(), Object.keys(TIME_TO_LIVE).sort());
      });

      for (const [id, ttlAttribute] of Object.entries(TIME_TO_LIVE)) {
        it(`${id}: on-demand, point-in-time recovery, ${ttlAttribute ? `TTL on ${ttlAttribute}` : 'no TTL'}`, () => {
          const table = packages[stage].template.Resources[id]?.Properties ?? {};
          assert.equal(table['BillingMode'], 'PAY_PER_REQUEST');
          assert.deepEqual(table['PointInTimeRecoverySpecification'], { PointInTimeRecoveryEnabled: true });
          assert.deepEqual(table['TimeToLiveSpecification'], ttlAttribute ? { AttributeName: ttlAttribute, Enabled: true } : undefined);
          assert.equal(table['TableName'], `${DEPLOYMENTS[stage]}-${stage}-${id.replace(/Table$/, '').replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}`);
        });

        const production = stage === 'prod';
        it(`${id}: ${production ? 'kept (Retain) and protected from deletion' : 'deleted with the stack'}`, () => {
          const table = packages[stage].template.Resources[id];
          const policy = production ? 'Retain' : 'Delete';
          assert.equal(table?.DeletionPolicy, policy);
          assert.equal(table?.UpdateReplacePolicy, policy);
          assert.equal(table?.Properties?.['DeletionProtectionEnabled'], production);
        });
      }
    });
  }
});

/**
 * template-facts.json, the figures the website's Deploy and Security pages state about the
 * templates (resources per type, alarms, firewall, throttling, actions on "*"), against the
 * packages themselves: a change to the templates that the record does not follow fails here,
 * with the command that records it again.
 */
import assert from 'node:assert/strict';
import { STAGES, usePackages } from './packages';

type Facts = typeof import('@session-api/deploy/template-facts.mjs');

describe('deploy: template-facts.json says what the templates hold', function () {
  const packages = usePackages();
  let facts: Facts;
  before(async () => {
    facts = await import('@session-api/deploy/template-facts.mjs');
  });

  for (const stage of STAGES) {
    it(`${stage}: the record is the package's`, () => {
      const recorded = facts.readFacts(require.resolve('../../template-facts.json'))[stage];
      assert.deepEqual(recorded, facts.templateFacts(packages[stage].dir), `template-facts.json is out of date for ${stage}: npm run package -- --stage ${stage} --record-facts`);
    });
  }

  it('counts what CloudFormation creates: prod has the firewall, dev and test do not; every stage its alarms', () => {
    const prod = facts.templateFacts(packages.prod.dir);
    const dev = facts.templateFacts(packages.dev.dir);
    assert.deepEqual(prod.firewall, { rules: 1, limit: 100, windowSeconds: 300 });
    assert.equal(dev.firewall, null);
    assert.equal(prod.resources['AWS::WAFv2::WebACL'], 1);
    assert.equal(dev.resources['AWS::WAFv2::WebACL'], undefined);
    assert.deepEqual(dev.alarms, { count: 21, metrics: 24 });
    assert.deepEqual(prod.onEverything, ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    assert.deepEqual(dev.onEverything, []);
  });
});

/**
 * What watches a deployed stage (infra/watch.mjs), in the packaged templates: an alarm on each
 * thing that should make someone look (the API's 5xx rate and p99 latency, each function's
 * errors and throttles, each table's throttled requests), all to the stage's SNS topic, which
 * e-mails the address of config/<stage>.yml when there is one; and the plugin itself on a small
 * template.
 */
import assert from 'node:assert/strict';
import { DEPLOYMENTS, lambdaFunctions, resourcesOfType, STAGES, usePackages, type Json, type Resource } from './packages';

type Plugin = typeof import('../../infra/watch.mjs');

/** An alarm's metrics as "namespace metric statistic dimension=value ...", one for each it reads. */
function metricsOf(alarm: Resource): string[] {
  const properties = alarm.Properties ?? {};
  const describe = (metric: Json, statistic: string) =>
    [metric.Namespace, metric.MetricName, statistic, ...metric.Dimensions.map((dimension: Json) => `${dimension.Name}=${dimension.Value}`)].join(' ');
  if (properties['Metrics']) {
    return properties['Metrics'].filter((entry: Json) => entry.MetricStat).map((entry: Json) => describe(entry.MetricStat.Metric, entry.MetricStat.Stat));
  }
  return [describe(properties, properties['Statistic'] ?? properties['ExtendedStatistic'])];
}

describe('deploy: what watches a stage (alarms, topic)', function () {
  const packages = usePackages();

  for (const stage of STAGES) {
    describe(stage, () => {
      const settingsOf = () => packages[stage].state.service.custom.settings;
      const alarms = () => new Map(resourcesOfType(packages[stage].template, 'AWS::CloudWatch::Alarm'));

      it('alarms on the API, on each function and on each table, and on nothing else', () => {
        const template = packages[stage].template;
        const prefix = `${DEPLOYMENTS[stage]}-${stage}`;
        const api = `ApiName=${stage}-${DEPLOYMENTS[stage]} Stage=${stage}`;
        const expected = new Map<string, string[]>([
          [`${prefix}-api-5xx-rate`, [`AWS/ApiGateway 5XXError Average ${api}`]],
          [`${prefix}-api-p99-latency`, [`AWS/ApiGateway Latency p99 ${api}`]],
        ]);
        for (const [name, fn] of lambdaFunctions(template)) {
          const functionName = `FunctionName=${fn.Properties?.['FunctionName']}`;
          assert.equal(fn.Properties?.['FunctionName'], `${prefix}-${name}`);
          expected.set(`${prefix}-${name}-errors`, [`AWS/Lambda Errors Sum ${functionName}`]);
          expected.set(`${prefix}-${name}-throttles`, [`AWS/Lambda Throttles Sum ${functionName}`]);
        }
        for (const [, table] of resourcesOfType(template, 'AWS::DynamoDB::Table')) {
          const tableName = table.Properties?.['TableName'];
          expected.set(`${tableName}-table-throttles`, [`AWS/DynamoDB ReadThrottleEvents Sum TableName=${tableName}`, `AWS/DynamoDB WriteThrottleEvents Sum TableName=${tableName}`]);
        }
        const actual = new Map([...alarms().values()].map((alarm) => [alarm.Properties?.['AlarmName'], metricsOf(alarm)]));
        assert.deepEqual(actual, expected);
        assert.equal(actual.size, 2 + 2 * lambdaFunctions(template).size + 3);
      });

      it('goes off at the thresholds of config/<stage>.yml, never on missing data', () => {
        const { apiErrorRatePercent, apiLatencyP99Ms } = settingsOf()['alarms'];
        for (const [id, alarm] of alarms()) {
          const properties = alarm.Properties ?? {};
          assert.equal(properties['ComparisonOperator'], 'GreaterThanOrEqualToThreshold', id);
          assert.equal(properties['TreatMissingData'], 'notBreaching', id);
          const periods = id === 'ApiLatencyAlarm' ? 3 : 1;
          assert.equal(properties['EvaluationPeriods'], periods, id);
          assert.equal(properties['DatapointsToAlarm'], periods, id);
          const threshold = { ApiErrorRateAlarm: apiErrorRatePercent / 100, ApiLatencyAlarm: apiLatencyP99Ms }[id] ?? 1;
          assert.equal(properties['Threshold'], threshold, id);
        }
      });

      it('sends every alarm, and its end, to the stage\'s topic', () => {
        const [[topicId, topic] = []] = resourcesOfType(packages[stage].template, 'AWS::SNS::Topic');
        assert.equal(topicId, 'AlarmTopic');
        assert.equal(topic?.Properties?.['TopicName'], `${DEPLOYMENTS[stage]}-${stage}-alarms`);
        for (const [id, alarm] of alarms()) {
          assert.deepEqual(alarm.Properties?.['AlarmActions'], [{ Ref: 'AlarmTopic' }], id);
          assert.deepEqual(alarm.Properties?.['OKActions'], [{ Ref: 'AlarmTopic' }], id);
        }
      });

      it(`e-mails the topic's alarms ${stage === 'dev' ? 'to nobody unless config/dev.yml names someone' : 'to the address of config/' + stage + '.yml'}`, () => {
        const email = settingsOf()['alarms'].email;
        const subscriptions = resourcesOfType(packages[stage].template, 'AWS::SNS::Subscription').map(([, subscription]) => subscription.Properties);
        if (stage === 'dev') assert.equal(email, '', 'optional in dev: config/dev.yml has none');
        else assert.match(email, /^[^@\s]+@[^@\s]+$/);
        assert.deepEqual(subscriptions, email ? [{ TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: email }] : []);
      });
    });
  }

  describe('infra/watch.mjs', () => {
    let plugin: Plugin;
    before(async () => {
      plugin = await import('../../infra/watch.mjs');
    });
    const settings = { alarms: { email: '', apiErrorRatePercent: 5, apiLatencyP99Ms: 2500 }, logDeletionPolicy: 'Retain' as const, prefix: 'app-dev', stage: 'dev' };

    it('watches whatever a template has: a new function gets its alarms without anyone copying them', () => {
      const template: { Resources: Record<string, Resource> } = {
        Resources: {
          NewOneLambdaFunction: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'app-dev-newOne' } },
          NewOneLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: {} },
        },
      };
      plugin.addWatch(template, settings);
      assert.deepEqual(Object.keys(template.Resources).sort(), ['AlarmTopic', 'NewOneErrorsAlarm', 'NewOneLogGroup', 'NewOneLambdaFunction', 'NewOneThrottlesAlarm'].sort());
      assert.equal(template.Resources['NewOneThrottlesAlarm']?.Properties?.['AlarmName'], 'app-dev-newOne-throttles');
      assert.equal(template.Resources['NewOneLogGroup']?.DeletionPolicy, 'Retain');
    });

    it('subscribes the e-mail address, when there is one', () => {
      const template: { Resources: Record<string, Resource> } = { Resources: {} };
      plugin.addWatch(template, { ...settings, alarms: { ...settings.alarms, email: 'ops@example.org' } });
      assert.deepEqual(template.Resources[plugin.SUBSCRIPTION_LOGICAL_ID]?.Properties, { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: 'ops@example.org' });
    });

    it('refuses to package without its settings', () => {
      const instance = new plugin.default({ service: { service: 'app', custom: {}, provider: { stage: 'dev', compiledCloudFormationTemplate: { Resources: {} } } } });
      assert.throws(() => instance.hooks['after:aws:package:finalize:mergeCustomProviderResources'](), /custom\.watch/);
    });
  });
});

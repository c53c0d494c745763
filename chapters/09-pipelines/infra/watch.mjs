// @ts-check
/**
 * A small Serverless plugin: what watches a deployed stage. It runs while packaging, once the
 * template is complete, because the alarms are one per function and per table of that template:
 * written out by hand they would be some twenty copies of one block, and a new function would be
 * unwatched until someone remembered to copy it once more.
 *
 * - An SNS topic, <service>-<stage>-alarms, that every alarm notifies when it goes off and when it
 *   is back to normal; subscribed by the e-mail address of custom.watch.alarms.email when the
 *   stage's settings give one (AWS mails that address a link to confirm first).
 * - CloudWatch alarms on what should make a person look, each over periods of 5 minutes:
 *     the API: more than apiErrorRatePercent % of its answers are 5xx (API Gateway's 5XXError
 *       metric, whose average is that share); the slowest 1 % of its answers (p99 of Latency)
 *       take more than apiLatencyP99Ms, three periods in a row, so that one cold start is not
 *       a page;
 *     each function: any error (an exception it did not turn into an answer, or a timeout), any
 *       throttle (Lambda refused to run it: its reserved concurrency, or the account's, is full);
 *     each table: any throttled read or write.
 *   No data (no traffic) is not an alarm.
 * - Every log group (the functions', the API's access log) gets the stage's logDeletionPolicy as
 *   its DeletionPolicy: Retain keeps it, and its retention, when the stack is removed.
 *
 * Cost: $0.10 a month per metric an alarm reads (us-east-1; the first 10 are free per account):
 * one for each alarm, two for a table's (reads and writes).
 */

/** @typedef {{ Type: string, Properties?: Record<string, any>, DependsOn?: string[] | string, DeletionPolicy?: string, UpdateReplacePolicy?: string, Condition?: string }} Resource */
/** @typedef {{ email: string, apiErrorRatePercent: number, apiLatencyP99Ms: number }} AlarmSettings */
/** @typedef {{ alarms: AlarmSettings, logDeletionPolicy: 'Delete' | 'Retain' }} WatchSettings */

export const TOPIC_LOGICAL_ID = 'AlarmTopic';
export const SUBSCRIPTION_LOGICAL_ID = 'AlarmEmailSubscription';
const PERIOD_SECONDS = 300;

/** "CreateSession" → "createSession": a function's name from its logical id. @param {string} name */
const camel = (name) => name.charAt(0).toLowerCase() + name.slice(1);

/**
 * An alarm that notifies the topic when it goes off and when it is back.
 * @param {string} name  the alarm's name in CloudWatch
 * @param {string} description  what it means, in the e-mail and the console
 * @param {Record<string, unknown>} what  the metric (or metrics) and the statistic
 * @param {{ threshold: number, periods?: number }} when  above `threshold` (at or above 1 for counts) for `periods` periods
 * @returns {Resource}
 */
function alarm(name, description, what, { threshold, periods = 1 }) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: name,
      AlarmDescription: description,
      ...what,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: periods,
      DatapointsToAlarm: periods,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: TOPIC_LOGICAL_ID }],
      OKActions: [{ Ref: TOPIC_LOGICAL_ID }],
    },
  };
}

/**
 * @param {string} namespace @param {string} metricName @param {{ Name: string, Value: string }[]} dimensions
 * @param {{ Statistic?: string, ExtendedStatistic?: string }} statistic
 */
const metric = (namespace, metricName, dimensions, statistic) => ({ Namespace: namespace, MetricName: metricName, Dimensions: dimensions, Period: PERIOD_SECONDS, ...statistic });

/**
 * Changes the template in place: the topic, its subscription, the alarms, and the log groups'
 * deletion policy.
 * @param {{ Resources: Record<string, Resource> }} template
 * @param {WatchSettings & { prefix: string, stage: string }} settings  prefix: <service>-<stage>, the start of every alarm's name
 */
export function addWatch(template, { alarms, logDeletionPolicy, prefix, stage }) {
  const resources = template.Resources;
  const ofType = (/** @type {string} */ type) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
  /** @type {Record<string, Resource>} */
  const added = {};

  added[TOPIC_LOGICAL_ID] = { Type: 'AWS::SNS::Topic', Properties: { TopicName: `${prefix}-alarms` } };
  if (alarms.email) {
    added[SUBSCRIPTION_LOGICAL_ID] = { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: { Ref: TOPIC_LOGICAL_ID }, Protocol: 'email', Endpoint: alarms.email } };
  }

  for (const [, api] of ofType('AWS::ApiGateway::RestApi')) {
    const dimensions = [{ Name: 'ApiName', Value: api.Properties?.['Name'] }, { Name: 'Stage', Value: stage }];
    added['ApiErrorRateAlarm'] = alarm(
      `${prefix}-api-5xx-rate`,
      `More than ${alarms.apiErrorRatePercent} % of the API's answers in 5 minutes were 5xx: look at the functions' errors and the access log.`,
      metric('AWS/ApiGateway', '5XXError', dimensions, { Statistic: 'Average' }),
      { threshold: alarms.apiErrorRatePercent / 100 },
    );
    added['ApiLatencyAlarm'] = alarm(
      `${prefix}-api-p99-latency`,
      `The slowest 1 % of the API's answers took more than ${alarms.apiLatencyP99Ms} ms for 15 minutes.`,
      metric('AWS/ApiGateway', 'Latency', dimensions, { ExtendedStatistic: 'p99' }),
      { threshold: alarms.apiLatencyP99Ms, periods: 3 },
    );
  }

  for (const [id, fn] of ofType('AWS::Lambda::Function')) {
    const name = id.replace(/LambdaFunction$/, '');
    const dimensions = [{ Name: 'FunctionName', Value: fn.Properties?.['FunctionName'] }];
    added[`${name}ErrorsAlarm`] = alarm(
      `${prefix}-${camel(name)}-errors`,
      `The function failed (an error it did not answer, or a timeout): its log group says why.`,
      metric('AWS/Lambda', 'Errors', dimensions, { Statistic: 'Sum' }),
      { threshold: 1 },
    );
    added[`${name}ThrottlesAlarm`] = alarm(
      `${prefix}-${camel(name)}-throttles`,
      `Lambda refused to run the function: its reserved concurrency, or the account's, was full.`,
      metric('AWS/Lambda', 'Throttles', dimensions, { Statistic: 'Sum' }),
      { threshold: 1 },
    );
  }

  for (const [id, table] of ofType('AWS::DynamoDB::Table')) {
    const dimensions = [{ Name: 'TableName', Value: table.Properties?.['TableName'] }];
    const events = (/** @type {string} */ metricId, /** @type {string} */ metricName) => ({
      Id: metricId,
      MetricStat: { Metric: { Namespace: 'AWS/DynamoDB', MetricName: metricName, Dimensions: dimensions }, Period: PERIOD_SECONDS, Stat: 'Sum' },
      ReturnData: false,
    });
    added[`${id}ThrottlesAlarm`] = alarm(
      `${prefix}-${id.replace(/Table$/, '').replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}-table-throttles`,
      'DynamoDB throttled reads or writes of the table (on demand, a sudden peak above twice the previous one).',
      {
        Metrics: [
          events('reads', 'ReadThrottleEvents'),
          events('writes', 'WriteThrottleEvents'),
          { Id: 'throttled', Expression: 'FILL(reads, 0) + FILL(writes, 0)', Label: 'Throttled requests', ReturnData: true },
        ],
      },
      { threshold: 1 },
    );
  }

  Object.assign(resources, added);
  for (const [, group] of ofType('AWS::Logs::LogGroup')) {
    group.DeletionPolicy = logDeletionPolicy;
    group.UpdateReplacePolicy = logDeletionPolicy;
  }
}

export default class WatchPlugin {
  /** @param {any} serverless */
  constructor(serverless) {
    this.hooks = {
      // After the resources of serverless.yml are merged in, before the template is written.
      'after:aws:package:finalize:mergeCustomProviderResources': () => {
        const settings = serverless.service.custom?.watch;
        if (!settings?.alarms || !['Delete', 'Retain'].includes(settings.logDeletionPolicy)) {
          throw new Error('custom.watch (alarms, and logDeletionPolicy Delete or Retain) is missing from serverless.yml');
        }
        const stage = serverless.service.provider.stage;
        addWatch(serverless.service.provider.compiledCloudFormationTemplate, { ...settings, prefix: `${serverless.service.service}-${stage}`, stage });
      },
    };
  }
}

/**
 * infra/account.yml: what API Gateway needs, once per account and region, to write the stages'
 * access logs (`npm run account:init` creates it when the account has none). A role only API
 * Gateway may take, on behalf of this account only, and the account's setting that names it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { APP_DIR, type Template } from './packages';

const account = YAML.parse(readFileSync(path.join(APP_DIR, 'infra', 'account.yml'), 'utf8')) as Template;
const budget = YAML.parse(readFileSync(path.join(APP_DIR, 'infra', 'budget.yml'), 'utf8')) as Template & { Parameters: Record<string, { Default?: number }> };

describe('deploy: the account\'s API Gateway logging role (infra/account.yml)', () => {
  it('has a role and the account setting that names it, nothing else', () => {
    assert.deepEqual(Object.fromEntries(Object.entries(account.Resources).map(([id, resource]) => [id, resource.Type])), {
      ApiGatewayLogsRole: 'AWS::IAM::Role',
      ApiGatewayAccountSettings: 'AWS::ApiGateway::Account',
    });
    assert.deepEqual(account.Resources['ApiGatewayAccountSettings']?.Properties, { CloudWatchRoleArn: { 'Fn::GetAtt': ['ApiGatewayLogsRole', 'Arn'] } });
  });

  it('lets only API Gateway take the role, for this account\'s APIs, with AWS\'s policy for it', () => {
    const role = account.Resources['ApiGatewayLogsRole']?.Properties ?? {};
    assert.deepEqual(role['AssumeRolePolicyDocument'].Statement, [
      { Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } },
    ]);
    assert.deepEqual(role['ManagedPolicyArns'], [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs' }]);
    assert.equal(role['Policies'], undefined);
  });
});

describe('deploy: the budget alert of the account (infra/budget.yml)', () => {
  it('is one monthly cost budget, $10 unless told otherwise', () => {
    assert.deepEqual(Object.values(budget.Resources).map((resource) => resource.Type), ['AWS::Budgets::Budget']);
    const { Budget } = budget.Resources['MonthlyBudget']?.Properties ?? {};
    assert.deepEqual([Budget.BudgetType, Budget.TimeUnit, Budget.BudgetLimit], ['COST', 'MONTHLY', { Amount: { Ref: 'MonthlyLimitUsd' }, Unit: 'USD' }]);
    assert.equal(budget.Parameters['MonthlyLimitUsd']?.Default, 10);
  });

  it('e-mails the address given at 80 % of the month\'s costs, and when the forecast passes the budget', () => {
    const notifications = budget.Resources['MonthlyBudget']?.Properties?.['NotificationsWithSubscribers'];
    assert.deepEqual(
      notifications.map((entry: { Notification: Record<string, unknown> }) => [entry.Notification['NotificationType'], entry.Notification['Threshold']]),
      [['ACTUAL', 80], ['FORECASTED', 100]],
    );
    for (const entry of notifications) assert.deepEqual(entry.Subscribers, [{ SubscriptionType: 'EMAIL', Address: { Ref: 'Email' } }]);
  });
});

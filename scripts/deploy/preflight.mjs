// @ts-check
/**
 * The checks a deploy command makes before it changes anything in AWS, each failing with one
 * line that says what is wrong and what to type (PreflightError), rather than an SDK stack trace
 * or a CloudFormation rollback minutes later:
 *
 * - credentials: the AWS SDK finds some (and the profile named by AWS_PROFILE exists), and AWS
 *   takes them (STS GetCallerIdentity, which any identity may call);
 * - the signing key of the stage exists (SSM), since every function reads it at cold start;
 * - for a stage that runs in its VPC, the VPC stack exists (CloudFormation), since the service
 *   imports its subnets;
 * - API Gateway may write logs in this account and region (it needs a role for the stage's
 *   access log: `npm run account:init` gives it one).
 *
 * The region is checked earlier, with the command line (common.mjs: chooseRegion).
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetAccountCommand } from '@aws-sdk/client-api-gateway';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { loadSharedConfigFiles } from '@smithy/core/config';

/** A check that failed: the script prints the message alone, and exits 1. */
export class PreflightError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'PreflightError';
  }
}

/** @typedef {{ send: (command: any) => Promise<any> }} Client */

/** The shared config and credentials files, as the SDK names them (the variables win). @param {NodeJS.ProcessEnv} env */
const profileFiles = (env) => `${env['AWS_CONFIG_FILE'] ?? '~/.aws/config'} or ${env['AWS_SHARED_CREDENTIALS_FILE'] ?? '~/.aws/credentials'}`;

const HOW_TO_GIVE_CREDENTIALS =
  'export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones), or name a profile of your AWS config files with AWS_PROFILE';

/**
 * Who the credentials of this terminal are, in AWS's words: the account and the identity's ARN.
 * The AWS SDK looks, in this order: the profile AWS_PROFILE names (and then nothing else), the
 * variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, the profile "default", then what the
 * machine itself offers (an EC2 instance's or a container's role, as on a GoCD agent).
 * @param {{ region: string, env?: NodeJS.ProcessEnv, sts?: Client, credentials?: () => Promise<unknown>, readProfiles?: typeof loadSharedConfigFiles }} options
 *   sts, credentials: the STS client and the credentials provider (default: the SDK's, as any client finds them)
 * @returns {Promise<{ account: string, arn: string }>}
 */
export async function checkCredentials({ region, env = process.env, sts, credentials, readProfiles = loadSharedConfigFiles }) {
  const profile = env['AWS_PROFILE'] || undefined;
  const fromVariables = profile === undefined && Boolean(env['AWS_ACCESS_KEY_ID'] && env['AWS_SECRET_ACCESS_KEY']);
  const { configFile, credentialsFile } = fromVariables ? { configFile: {}, credentialsFile: {} } : await readProfiles({ ignoreCache: true });
  const known = [...new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)])].sort();
  const theirs = known.length > 0 ? ` The profiles there: ${known.join(', ')}.` : '';
  if (profile !== undefined && !known.includes(profile)) {
    throw new PreflightError(
      `The AWS profile "${profile}" (AWS_PROFILE) is in neither ${profileFiles(env)}.${theirs} Fix: set AWS_PROFILE to one of yours, or add the profile ${profile} with its credentials to those files (aws configure --profile ${profile} writes it, if you have the AWS CLI).`,
    );
  }

  const client = sts ?? new STSClient({ region, maxAttempts: 2 });
  const provider = credentials ?? /** @type {{ config: { credentials: () => Promise<unknown> } }} */ (/** @type {unknown} */ (client)).config.credentials;
  try {
    await provider();
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    if (profile === undefined && !known.includes('default')) {
      throw new PreflightError(`No AWS credentials: none in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, no AWS_PROFILE, and no profile "default" in ${profileFiles(env)}.${theirs} Fix: ${HOW_TO_GIVE_CREDENTIALS}.`);
    }
    throw new PreflightError(`The AWS profile "${profile ?? 'default'}" holds no credentials the AWS SDK can use (${reason}). Fix: give it an access key (aws_access_key_id, aws_secret_access_key), or sign in again if it is an SSO profile (aws sso login --profile ${profile ?? 'default'}).`);
  }

  const whose = fromVariables ? 'of AWS_ACCESS_KEY_ID' : profile !== undefined || known.includes('default') ? `of the profile "${profile ?? 'default'}"` : 'of this machine';
  try {
    const identity = await client.send(new GetCallerIdentityCommand({}));
    return { account: identity.Account ?? '', arn: identity.Arn ?? '' };
  } catch (error) {
    throw credentialsProblem(error, { whose, region });
  }
}

/**
 * What an error of the credentials check means for the learner.
 * @param {unknown} error
 * @param {{ whose: string, region: string }} context
 */
function credentialsProblem(error, { whose, region }) {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  const code = /** @type {{ code?: string }} */ (error)?.code;
  if (['InvalidClientTokenId', 'SignatureDoesNotMatch', 'ExpiredToken', 'ExpiredTokenException', 'UnrecognizedClientException', 'AccessDenied', 'InvalidAccessKeyId'].includes(name)) {
    return new PreflightError(`AWS refused the credentials ${whose} (${name}: ${message}). Fix: use current keys (temporary ones expire), or another profile with AWS_PROFILE.`);
  }
  if (code && ['ENOTFOUND', 'ECONNREFUSED', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN'].includes(code)) {
    return new PreflightError(`Cannot reach AWS in ${region} (${message}). Fix: check the network (a VPN or a proxy?), then run the command again.`);
  }
  return new PreflightError(`Checking the AWS credentials ${whose} failed: ${name ? `${name}: ` : ''}${message}`);
}

/**
 * Does the stage's signing key exist? Its value is never read (no decryption).
 * @param {Client} ssm
 * @param {{ parameterName: string, region: string, fix: string }} key  fix: the command that creates it
 */
export async function checkSigningKey(ssm, { parameterName, region, fix }) {
  try {
    await ssm.send(new GetParameterCommand({ Name: parameterName, WithDecryption: false }));
  } catch (error) {
    if (error instanceof Error && error.name === 'ParameterNotFound') {
      throw new PreflightError(`The signing key ${parameterName} does not exist in ${region}, and the functions read it at every cold start. Create it first: ${fix}`);
    }
    throw error;
  }
}

/**
 * Does the VPC stack the service imports from exist, complete?
 * @param {Client} cloudFormation
 * @param {{ stackName: string, stage: string, region: string, fix: string }} vpc
 */
export async function checkVpcStack(cloudFormation, { stackName, stage, region, fix }) {
  let status;
  try {
    const { Stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    status = Stacks[0]?.StackStatus;
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message))) throw error;
  }
  if (status === undefined || status === 'DELETE_COMPLETE') {
    throw new PreflightError(`Stack ${stackName} does not exist in ${region}, and ${stage} runs in its VPC (config/${stage}.yml: runInVpc: true). Create it first: ${fix}`);
  }
  if (!/_COMPLETE$/.test(status) || /ROLLBACK_COMPLETE$|^DELETE/.test(status)) {
    throw new PreflightError(`Stack ${stackName} is ${status}, not ready for ${stage} to run in its VPC. Wait for it, or create it again: ${fix}`);
  }
}

/**
 * May API Gateway write logs in this account and region? It needs a role, set once for the
 * account (apigateway:GetAccount says which).
 * @param {Client} apiGateway
 * @param {{ region: string }} where
 */
export async function checkApiGatewayLogging(apiGateway, { region }) {
  const account = await apiGateway.send(new GetAccountCommand({}));
  if (!account.cloudwatchRoleArn) {
    throw new PreflightError(`API Gateway has no role to write logs with in this account's ${region}, so the stage's access log cannot be turned on. Give it one, once per account and region: npm run account:init -- --region ${region}`);
  }
}


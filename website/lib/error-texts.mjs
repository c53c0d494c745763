// @ts-check
/**
 * The error texts the Troubleshooting page (and the Instructor guide) quote, each exactly as the
 * tool prints it, with "…" where it puts in a value (a path, a number, a time). A page shows one
 * with <ErrorText id="…" />; the build fails on an id that is not here.
 *
 * Each text has one source: this list. website/test/troubleshooting.test.mjs makes the real tool
 * print every one of them (the learner's CLI, npm start, verify, npm, curl, the deploy commands
 * and the smoke test) and fails when the
 * output no longer holds the text, or when a text here has no way to make it, so that no entry of
 * the page can outlive its error. Pages show the default port, 3000: the test runs on a free port
 * and reads its output as if it were 3000.
 *
 * @typedef {{id: string, tool: string, text: string}} ErrorTextEntry
 *   tool: what prints it, in the learner's words (the page says "<tool> prints:")
 */

/** @type {ErrorTextEntry[]} */
export const ERROR_TEXTS = [
  // The learner's CLI: one line that says what is wrong and what to type.
  {
    id: 'unknown-command',
    tool: 'npm run workshop',
    text: 'Unknown command "…". The commands are …; npm run workshop -- help says what each does.',
  },
  {
    id: 'no-such-chapter',
    tool: 'npm run workshop',
    text: 'There is no chapter …: the chapters are 0 to 9. For example: npm run workshop -- goto …',
  },
  {
    id: 'no-workspace',
    tool: 'npm run workshop',
    text: 'There is no workspace yet (…). To start, type: npm run workshop -- goto 1',
  },
  {
    id: 'no-progress-file',
    tool: 'npm run workshop',
    text: 'There is no progress file (.workshop/progress.json), so the chapter you are on is unknown. Say which it is (workspace/ stays as it is): npm run workshop -- goto N --keep',
  },
  {
    id: 'damaged-progress-file',
    tool: 'npm run workshop',
    text: '.workshop/progress.json is damaged (…). Say which chapter you are on to start a new one (the damaged file is kept): npm run workshop -- goto N --keep',
  },
  {
    id: 'not-an-app',
    tool: 'npm run workshop',
    text: "workspace/ is not an app: it has no package.json. To set it up again (your files are saved first), type: npm run workshop -- goto N with your chapter's number",
  },
  {
    id: 'serve-port-taken',
    tool: 'npm run workshop -- serve',
    text: 'Port 3000 is taken: another program listens there (another npm start, or serve in another terminal?). Stop it, or serve on another port: npm run workshop -- serve --port 3001',
  },
  // doctor: a line per finding, its fix below it.
  {
    id: 'doctor-port-taken',
    tool: 'npm run workshop -- doctor',
    text: '✖ port 3000 is taken by another program (another npm start, or serve in another terminal?)\n  Fix: stop that program, or serve on another port: npm run workshop -- serve --port 3001',
  },
  {
    id: 'doctor-node-too-old',
    tool: 'npm run workshop -- doctor',
    text: '✖ Node.js v18.… is too old: the workshop needs 20.19.0 or later\n  Fix: install Node.js 22 or 24 from https://nodejs.org (or with nvm: nvm install 22)',
  },
  {
    id: 'doctor-node-20',
    tool: 'npm run workshop -- doctor',
    text: '! Node.js v20.… works, but Node 20 left support in April 2026',
  },
  {
    id: 'doctor-not-installed',
    tool: 'npm run workshop -- doctor',
    text: '✖ … packages are not installed as the lockfile says (…)\n  Fix: run npm install at the root of the repository (offline: …)',
  },
  // The local stack (npm start, npm run workshop -- serve).
  {
    id: 'start-port-taken',
    tool: 'npm start',
    text: 'Port 3000 is taken: another program listens there (another npm start, or serve in another terminal?). Stop it, or start on another port: PORT=3001 npm start',
  },
  {
    id: 'yaml-indentation',
    tool: 'npm start',
    text: 'Cannot parse "serverless.yml": bad indentation of a mapping entry in "…serverless.yml" (…)',
  },
  {
    id: 'handler-not-found',
    tool: 'npm start',
    text: 'Compilation failed for function alias …. Please ensure you have an index file with ext .ts or .js, or have a path listed as main key in package.json',
  },
  {
    id: 'serverless-not-found',
    tool: 'npm start',
    text: 'serverless: …not found',
  },
  // What the API answers a request it refuses (curl).
  {
    id: 'curl-not-running',
    tool: 'curl',
    text: 'curl: (7) Failed to connect to localhost port 3000 …',
  },
  {
    id: 'http-no-client-id',
    tool: 'curl',
    text: '{"type":"about:blank","status":401,"title":"Unknown client","detail":"Send the X-Client-Id header of a registered client application.","code":"invalid_client"}',
  },
  {
    id: 'http-no-content-type',
    tool: 'curl',
    text: '{"type":"about:blank","status":415,"title":"Unsupported media type","detail":"Send the body as application/json.","code":"unsupported_media_type"}',
  },
  {
    id: 'http-no-route',
    tool: 'curl',
    text: '{"type":"about:blank","status":404,"title":"Not found","detail":"No such route.","code":"not_found"}',
  },
  {
    id: 'http-invalid-token',
    tool: 'curl',
    text: '{"type":"about:blank","status":401,"title":"Invalid token","detail":"Send a valid access token as \\"Authorization: Bearer <token>\\".","code":"invalid_token"}',
  },
  // verify: the checks of a chapter on your workspace.
  {
    id: 'verify-summary',
    tool: 'npm run workshop -- verify',
    text: '… of … checks of chapter … pass.\n\nWhat is missing:',
  },
  {
    id: 'verify-start-failed',
    tool: 'npm run workshop -- verify',
    text: 'npm start failed, so nothing could be called. The last lines it printed:',
  },
  {
    id: 'verify-no-test',
    tool: 'npm run workshop -- verify',
    text: 'no test ran: write …',
  },
  // The deploy commands (npm run secrets:init, package, deploy, vpc:create, account:init, remove):
  // what they check before anything is sent to AWS.
  {
    id: 'aws-no-credentials',
    tool: 'npm run secrets:init (or deploy, vpc:create, account:init, remove)',
    text: 'No AWS credentials: none in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, no AWS_PROFILE, and no profile "default" in … Fix: export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones), or name a profile of your AWS config files with AWS_PROFILE.',
  },
  {
    id: 'aws-no-such-profile',
    tool: 'npm run secrets:init (or deploy, vpc:create, account:init, remove)',
    text: 'The AWS profile "…" (AWS_PROFILE) is in neither … Fix: set AWS_PROFILE to one of yours, or add the profile … with its credentials to those files (aws configure --profile … writes it, if you have the AWS CLI).',
  },
  {
    id: 'aws-profile-without-credentials',
    tool: 'npm run secrets:init (or deploy, vpc:create, account:init, remove)',
    text: 'The AWS profile "…" holds no credentials the AWS SDK can use (…). Fix: give it an access key (aws_access_key_id, aws_secret_access_key), or sign in again if it is an SSO profile (aws sso login --profile …).',
  },
  {
    id: 'aws-credentials-refused',
    tool: 'npm run secrets:init (or deploy, vpc:create, account:init, remove)',
    text: 'AWS refused the credentials of … (…). Fix: use current keys (temporary ones expire), or another profile with AWS_PROFILE.',
  },
  {
    id: 'aws-unreachable',
    tool: 'npm run secrets:init (or deploy, vpc:create, account:init, remove)',
    text: 'Cannot reach AWS in … (…). Fix: check the network (a VPN or a proxy?), then run the command again.',
  },
  {
    id: 'aws-unknown-region',
    tool: 'npm run secrets:init (or package, deploy, vpc:create, account:init, remove)',
    text: '"…" (--region) is not an AWS region. Did you mean …? Fix: --region …, with a region such as us-east-1 or eu-west-1.',
  },
  {
    id: 'deploy-region-mismatch',
    tool: 'npm run deploy',
    text: 'The package in … was built for …, and this deploy goes to … (AWS_REGION). Package it for …: npm run package -- --stage … --region …',
  },
  {
    id: 'deploy-no-logging-role',
    tool: 'npm run deploy',
    text: "API Gateway has no role to write logs with in this account's …, so the stage's access log cannot be turned on. Give it one, once per account and region: npm run account:init -- --region …",
  },
  {
    id: 'deploy-no-signing-key',
    tool: 'npm run deploy',
    text: 'The signing key … does not exist in …, and the functions read it at every cold start. Create it first: npm run secrets:init -- --stage … --region …',
  },
  {
    id: 'deploy-no-vpc-stack',
    tool: 'npm run deploy',
    text: 'Stack …-vpc does not exist in …, and prod runs in its VPC (config/prod.yml: runInVpc: true). Create it first: npm run vpc:create -- --stage prod --region …',
  },
  {
    id: 'deploy-another-app',
    tool: 'npm run deploy',
    text: 'Refused: stack … runs the app of …/, and this package is of …/. Two apps never share a deployment: give this one its own name, npm run package -- --stage … --name NAME, then deploy that package.',
  },
  {
    id: 'smoke-nothing-answers',
    tool: 'npm run smoke',
    text: "Nothing answers at … (…). Check the URL: a deployed stage's is the start of the endpoints npm run deploy printed, stage included (…/dev); a local one needs npm start first.",
  },
  // npm itself.
  {
    id: 'npm-missing-script',
    tool: 'npm',
    text: 'npm error Missing script: "…"',
  },
  {
    id: 'npm-no-package-json',
    tool: 'npm',
    text: 'npm error enoent Could not read package.json: Error: ENOENT: no such file or directory, open \'…package.json\'',
  },
  {
    id: 'npm-network',
    tool: 'npm install',
    text: 'npm error network request to … failed, reason: getaddrinfo ENOTFOUND …\nnpm error network This is a problem related to network connectivity.',
  },
];

/**
 * Chapter 2's checks: POST /user creates accounts, one per email, and refuses bad input with
 * problem documents. Run them with `npm run workshop -- verify` (or `npm test` in this folder).
 */
import assert from 'node:assert/strict';
import { api, call, check, expectAppTestsPass, expectProblem, expectStatus, newEmail, PASSWORD, simultaneously, warmUp } from '@session-api/workshop/checks';

const signUp = (email: string, password = PASSWORD) => call('POST', '/user', { json: { email, password }, clientId: true });
const ROUTE_MISSING = { 404: 'the route is not in serverless.yml yet' };

describe('Chapter 2: sign up', () => {
  check(
    'POST /user creates an account: 201 with its new id and its email in canonical form (trimmed, lower case)',
    {
      explained: 'Bind the route',
      hints: [
        'A function answers HTTP only once serverless.yml gives it an http event: try the "Sign up" curl command of the chapter\'s page against `npm run workshop -- serve`.',
        'In serverless.yml, under `functions:`, add `createUser:` with its handler (src/functions/createUser/handler.handler), memorySize 1024 (bcrypt needs the CPU), and its route.',
        'Its events: `- http: { path: user, method: post }`; then restart serve, which reads serverless.yml only when it starts.',
      ],
    },
    async () => {
      const email = newEmail();
      const answer = await signUp(`  ${email.toUpperCase()} `);
      expectStatus(answer, 201, { ...ROUTE_MISSING, 401: 'the client id workshop-web is refused: is it listed under clients in config/local.yml, and CLIENT_IDS set from it in serverless.yml?' });
      assert.deepEqual(Object.keys(answer.json ?? {}).sort(), ['email', 'id'], `the answer must hold exactly id and email (it was ${answer.text})`);
      assert.match(String(answer.json.id), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'the id must be a random UUID (randomUUID from node:crypto)');
      assert.equal(answer.json.email, email, `"  ${email.toUpperCase()} " must be stored and answered as "${email}": trimmed, NFC-normalized and lower-cased (canonicalEmail in src/lib/email.ts)`);
    },
  );

  check(
    'the users table stores a bcrypt hash of the password, of cost 10 or more, and never the password itself',
    {
      explained: 'Hash the password',
      local: 'it reads the local stack\'s database',
      hints: [
        'Only a slow, salted hash of the password is stored: bcrypt makes a salt of its own for every hash.',
        'hashPassword in src/lib/passwords.ts hashes with bcryptjs, at the cost it is given (by default BCRYPT_COST: config/local.yml bcryptCost: 10).',
        'return bcrypt.hash(password, cost);',
      ],
    },
    async () => {
      const email = newEmail();
      expectStatus(await signUp(email), 201, ROUTE_MISSING);
      const item = (await (await api()).scan('users')).find((candidate) => candidate['email'] === email);
      assert.ok(item, `no item with email ${email} in the users table: does createUser put the account under its canonical email?`);
      assert.ok(!JSON.stringify(item).includes(PASSWORD), 'the users table holds the password itself: store only its bcrypt hash');
      const hash = Object.values(item).find((value): value is string => typeof value === 'string' && /^\$2[aby]\$\d{2}\$/.test(value));
      assert.ok(hash, `the account has no bcrypt hash (a value like "$2b$10$..."): ${Object.keys(item).join(', ')}`);
      const cost = Number(hash.slice(4, 6));
      assert.ok(cost >= 10, `the bcrypt cost is ${cost}: OWASP asks for at least 10`);
    },
  );

  check(
    'an email already registered, typed in another case or with spaces around it, gets 409 email_taken',
    {
      explained: 'The users table',
      hints: [
        'The table\'s key is the canonical email, so one conditional put keeps emails unique.',
        'serverless.yml\'s UsersTable has the key email (KeySchema HASH); createUser in src/lib/users.ts puts the item with ConditionExpression \'attribute_not_exists(email)\' and turns ConditionalCheckFailedException into Problem(\'email_taken\').',
        'if (!isConditionalCheckFailed(error)) throw error; ... throw new Problem(\'email_taken\', \'An account with this email already exists.\');',
      ],
    },
    async () => {
      const email = newEmail();
      expectStatus(await signUp(email), 201, ROUTE_MISSING);
      const again = await signUp(` ${email.toUpperCase()}\t`);
      expectProblem(again, 409, 'email_taken', { 201: `a second account was created for ${email}: the key of the users table must be the canonical email` });
    },
  );

  check(
    '20 simultaneous sign-ups with one email create exactly one account: one 201 and nineteen 409',
    {
      explained: 'The users table',
      hints: [
        'Reading "is this email taken?" and then writing leaves a gap in which another request can write too.',
        'Let DynamoDB decide in one write: PutCommand with ConditionExpression \'attribute_not_exists(email)\', the email being the table\'s key.',
        'new PutCommand({ TableName: usersTable(), Item: item, ConditionExpression: \'attribute_not_exists(email)\' })',
      ],
    },
    async () => {
      // Twenty requests refused before any hashing (an empty body) warm twenty workers first.
      await warmUp(20, () => call('POST', '/user', { json: {}, clientId: true }));
      const answers = await simultaneously(20, () => {
        const email = newEmail();
        return (index) => signUp(index % 2 === 0 ? email : email.toUpperCase());
      });
      for (const answer of answers) if (answer.status !== 201 && answer.status !== 409) expectStatus(answer, 409, ROUTE_MISSING);
      const created = answers.filter((answer) => answer.status === 201).length;
      assert.equal(created, 1, `${created} of 20 simultaneous sign-ups with one email succeeded: exactly one may`);
    },
  );

  check(
    'bad input gets a problem document: 400 for bad JSON, a missing field, a short password or an unknown field, 413 for a body over 16 KiB, 415 for text/plain',
    {
      explained: 'Validate the input',
      hints: [
        'Every way a body can be wrong is the client\'s mistake: a 4xx problem document, never a 500, and nothing stored.',
        'In src/functions/createUser/handler.ts, the handler reads its body with parseJsonBody(event, bodySchema) (given, in src/lib/http.ts: Content-Type, size, JSON, then your zod schema) before it hashes or stores anything.',
        'const bodySchema = z.strictObject({ email: emailSchema, password: newPasswordSchema }); then, in the handler: const { email, password } = parseJsonBody(event, bodySchema);',
      ],
    },
    async () => {
      const email = newEmail();
      const json = { 'content-type': 'application/json' };
      const cases = [
        { what: 'a missing password', status: 400, code: 'invalid_request', answer: call('POST', '/user', { json: { email }, clientId: true }), names: 'password' },
        { what: 'an 11-character password', status: 400, code: 'invalid_request', answer: signUp(email, 'short short'), names: 'password' },
        { what: 'an unknown field', status: 400, code: 'invalid_request', answer: call('POST', '/user', { json: { email, password: PASSWORD, role: 'admin' }, clientId: true }), names: 'role' },
        { what: 'a body that is not JSON', status: 400, code: 'invalid_request', answer: call('POST', '/user', { body: '{"email":', headers: json, clientId: true }) },
        { what: 'a body over 16 KiB', status: 413, code: 'payload_too_large', answer: signUp(email, 'x'.repeat(17 * 1024)) },
        { what: 'a Content-Type of text/plain', status: 415, code: 'unsupported_media_type', answer: call('POST', '/user', { body: JSON.stringify({ email, password: PASSWORD }), headers: { 'content-type': 'text/plain' }, clientId: true }) },
      ];
      for (const { what, status, code, answer, names } of cases) {
        const answered = await answer;
        answered.request = `POST /user with ${what}`;
        expectProblem(answered, status, code, ROUTE_MISSING);
        if (names) assert.match(String(answered.json?.detail), new RegExp(names), `POST /user with ${what}: the problem's detail must name the field "${names}" (it was ${JSON.stringify(answered.json?.detail)})`);
      }
      expectStatus(await signUp(email), 201, { 409: 'a refused request created the account anyway: validate the whole body before anything is stored' });
    },
  );

  check(
    'a request without a registered X-Client-Id gets 401 invalid_client, with a WWW-Authenticate challenge',
    {
      explained: 'Registered clients',
      hints: [
        'Each stage lists the client applications allowed to call it: clients in config/local.yml, handed to the functions as CLIENT_IDS.',
        'requireClient(event, registered) in src/lib/clients.ts reads the X-Client-Id header with header(event, CLIENT_ID_HEADER) and throws Problem(\'invalid_client\') when it is missing or not in registered; the handler calls it first. problem.ts adds the WWW-Authenticate challenge.',
        'if (clientId === undefined || !registered.has(clientId)) { throw new Problem(\'invalid_client\', `Send the ${CLIENT_ID_HEADER} header of a registered client application.`); } return clientId;',
      ],
    },
    async () => {
      for (const clientId of ['someone-else', undefined]) {
        const answer = await call('POST', '/user', { json: { email: newEmail(), password: PASSWORD }, ...(clientId ? { clientId } : {}) });
        answer.request = `POST /user ${clientId ? `with X-Client-Id: ${clientId}` : 'without X-Client-Id'}`;
        expectProblem(answer, 401, 'invalid_client', ROUTE_MISSING);
        assert.match(answer.headers['www-authenticate'] ?? '', /^ClientId /, `${answer.request}: a 401 must say how to authenticate, in a WWW-Authenticate header (ClientId realm="session-api")`);
      }
    },
  );

  check(
    'createUser has unit tests, and they pass (sinon and proxyquire, no database)',
    {
      explained: 'Unit tests with sinon and proxyquire',
      hints: [
        'A unit test proves what the handler decides, with the modules it calls replaced by stubs: run `npm --prefix workspace run test:unit` to see which test fails.',
        'load() in src/functions/createUser/handler.test.ts makes two sinon stubs, createUser (answers an account) and hashPassword (resolves a hash), and loads ./handler with proxyquire, which hands the handler the stubs instead of \'../../lib/users\' and \'../../lib/passwords\'.',
        'const { handler } = proxyquire<typeof import(\'./handler\')>(\'./handler\', { \'../../lib/users\': { createUser }, \'../../lib/passwords\': { hashPassword } }); return { handler, createUser, hashPassword };',
      ],
      timeoutMs: 60_000,
    },
    () => expectAppTestsPass(['src/functions/createUser/**/*.test.ts'], "createUser's unit tests (src/functions/createUser/handler.test.ts)"),
  );

  check(
    'the integration test signs up against the embedded DynamoDB, and passes (npm run test:integration)',
    {
      explained: 'The users table',
      hints: [
        'The integration test (given: test/integration/users.test.ts) runs your handler, createUser and the users table of serverless.yml against an embedded DynamoDB: run `npm --prefix workspace run test:integration` to see what fails.',
        'It creates the tables from serverless.yml\'s resources (UsersTable, keyed by email), then expects 201 for a new email, 409 email_taken for the same email typed another way, and one winner among 20 sign-ups at once.',
        'new PutCommand({ TableName: usersTable(), Item: item, ConditionExpression: \'attribute_not_exists(email)\' }), and if (!isConditionalCheckFailed(error)) throw error; in its catch.',
      ],
      timeoutMs: 60_000,
    },
    () => expectAppTestsPass(['test/integration/**/*.test.ts'], 'an integration test (test/integration/users.test.ts)'),
  );
});

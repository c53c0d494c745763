/**
 * How many DynamoDB calls one successful request of each route makes, its authorizer's included,
 * and why no fewer would do. db-calls.test.ts pins these numbers, so a change that adds a call
 * fails `npm test`; the benchmark (bench/) counts the calls again on the local stack.
 */
export const DATABASE_CALLS = {
  // A health check: it touches nothing but the function.
  'GET /ping': 0,
  // One conditional put. The key is the email, so the condition IS the uniqueness check: a read
  // first would cost a second call and still race with another sign-up.
  'POST /user': 1,
  // Two calls sent at once, both needed before bcrypt runs: one conditional update counts the
  // attempt in the email's log-in window (refused when it is full: a read-then-write would let
  // simultaneous guesses all through), and a read of the account (its password hash). Then, at
  // once, the put of the new session and one update that gives the attempt back (a right
  // password is no failure). A wrong password makes 2 calls, a refused one 3 (the window is read
  // for Retry-After), and the first attempt after a window ended 2 more (read, then a new window).
  'POST /session': 4,
  // One conditional update swaps the refresh token's hash. Its condition checks the presented
  // token, owner, client, expiry and revocation, so nothing has to be read first.
  'PUT /session': 1,
  // The authorizer reads the session (no caching: a log-out takes effect at once), the handler
  // reads the account (created_at is stored only there, and the account must still exist).
  'GET /user': 2,
  // Only the authorizer's read: the answer needs nothing beyond the authorizer's context.
  'GET /session': 1,
  // The authorizer's read, then one update that marks the session revoked.
  'DELETE /session': 2,
} as const;

export type Route = keyof typeof DATABASE_CALLS;

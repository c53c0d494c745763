/**
 * Every secret the end-to-end suite handed to the API or received from it: passwords sent,
 * access and refresh tokens issued. The log test (logs.after-all.ts, which runs last) reads this
 * list and proves none of them ever reached the stack's logs.
 *
 * The list is explicit on purpose: a helper that signs up, logs in or refreshes registers what
 * it used, so a test cannot forget to. Tests that send a password by hand call
 * `rememberPassword` themselves.
 */

export interface IssuedTokens {
  access_token: string;
  refresh_token: string;
}

const passwords = new Set<string>();
const tokens = new Set<string>();

export function rememberPassword(password: string): string {
  passwords.add(password);
  return password;
}

export function rememberTokens(issued: IssuedTokens): void {
  tokens.add(issued.access_token);
  tokens.add(issued.refresh_token);
}

export function passwordsSeen(): readonly string[] {
  return [...passwords];
}

export function tokensSeen(): readonly string[] {
  return [...tokens];
}

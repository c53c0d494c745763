/**
 * Configuration, read once per cold start from the environment that serverless.yml sets from
 * config/<stage>.yml. It is validated up front so that a missing or mistyped setting fails the
 * first request loudly instead of producing subtly wrong tokens later.
 */
import { z } from 'zod';

const positiveInteger = z.coerce.number().int().positive();

const environmentSchema = z.object({
  STAGE: z.string().min(1),
  USERS_TABLE: z.string().min(1),
  SESSIONS_TABLE: z.string().min(1),
  LOGIN_ATTEMPTS_TABLE: z.string().min(1),
  TOKEN_ISSUER: z.string().min(1),
  ACCESS_TOKEN_TTL_SECONDS: positiveInteger,
  SESSION_TTL_SECONDS: positiveInteger,
  BCRYPT_COST: z.coerce.number().int().min(10).max(31),
  LOGIN_MAX_FAILURES: positiveInteger,
  LOGIN_WINDOW_SECONDS: positiveInteger,
  // A comma-separated list, because Lambda environment variables are flat strings.
  CLIENT_IDS: z.string().min(1),
});

export interface Config {
  stage: string;
  usersTable: string;
  sessionsTable: string;
  loginAttemptsTable: string;
  tokenIssuer: string;
  accessTokenTtlSeconds: number;
  sessionTtlSeconds: number;
  bcryptCost: number;
  loginMaxFailures: number;
  loginWindowSeconds: number;
  clientIds: ReadonlySet<string>;
}

export function readConfig(environment: NodeJS.ProcessEnv): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const names = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`Invalid configuration in environment variables: ${names}`);
  }
  const env = parsed.data;
  return {
    stage: env.STAGE,
    usersTable: env.USERS_TABLE,
    sessionsTable: env.SESSIONS_TABLE,
    loginAttemptsTable: env.LOGIN_ATTEMPTS_TABLE,
    tokenIssuer: env.TOKEN_ISSUER,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    sessionTtlSeconds: env.SESSION_TTL_SECONDS,
    bcryptCost: env.BCRYPT_COST,
    loginMaxFailures: env.LOGIN_MAX_FAILURES,
    loginWindowSeconds: env.LOGIN_WINDOW_SECONDS,
    clientIds: new Set(
      env.CLIENT_IDS.split(',')
        .map((id) => id.trim())
        .filter((id) => id.length > 0),
    ),
  };
}

let cached: Config | undefined;

/** The configuration of this Lambda container, read on first use. */
export function config(): Config {
  cached ??= readConfig(process.env);
  return cached;
}

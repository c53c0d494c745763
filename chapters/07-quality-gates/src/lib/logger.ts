/**
 * Structured JSON logs, one line per event, each with the Lambda request id, through AWS Lambda
 * Powertools' Logger. The rule for everything logged in this code base: never a password, a
 * token, a password hash or the signing key. Log what happened and to whom (ids), not secrets.
 *
 * Powertools reads its own settings from the environment that serverless.yml sets:
 * POWERTOOLS_SERVICE_NAME (the `service` field of every line) and POWERTOOLS_LOG_LEVEL.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger();

/** GET /ping: a health check that touches nothing but the function itself. */
import { httpHandler } from '../../lib/http';

// #region step:answer-ping
// #start: export const handler = httpHandler(async () => { throw new Error('Step "answer-ping" is not written yet'); });
export const handler = httpHandler(async () => ({ status: 200, body: { status: 'ok' } }));
// #endregion step:answer-ping

/** GET /ping: a health check that touches nothing but the function itself. */
import { httpHandler } from '../../lib/http';

export const handler = httpHandler(async () => ({ status: 200, body: { status: 'ok' } }));

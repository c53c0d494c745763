/**
 * A small TCP proxy in front of DynamoDB (dynalite) that misbehaves on demand, so that tests can
 * show what the API does when its database fails. Modes:
 *
 * - pass      forwards every byte both ways: a healthy database;
 * - refuse    stops listening: connections are refused, as when the database is down;
 * - hang      accepts connections and reads requests, but never answers: a stuck database;
 * - throttle  answers every request with HTTP 400 and a ThrottlingException, as DynamoDB does
 *             when a table exceeds its capacity.
 *
 * Changing the mode closes every open connection, as a restarting or failing database would:
 * a client must not keep a healthy connection through an outage, nor a stuck one after it.
 */
import http from 'node:http';
import net from 'node:net';

export type FaultMode = 'pass' | 'refuse' | 'hang' | 'throttle';

export interface FaultProxy {
  /** The endpoint to give the API (DYNAMODB_ENDPOINT). */
  endpoint: string;
  setMode: (mode: FaultMode) => Promise<void>;
  close: () => Promise<void>;
}

/** DynamoDB's answer when it throttles: its JSON protocol names the error in `__type`. */
const THROTTLING_BODY = JSON.stringify({
  __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
  message: 'Rate of requests exceeds the allowed throughput.',
});

export async function startFaultProxy(upstream: URL): Promise<FaultProxy> {
  let mode: FaultMode = 'pass';
  const open = new Set<net.Socket>();

  // Throttle mode hands each accepted socket to this HTTP server, which parses the requests.
  const throttler = http.createServer((request, response) => {
    request.resume(); // read (and drop) the body before answering
    request.on('end', () => {
      response.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.0', 'Content-Length': Buffer.byteLength(THROTTLING_BODY) });
      response.end(THROTTLING_BODY);
    });
  });

  const server = net.createServer((socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
    if (mode === 'throttle') {
      throttler.emit('connection', socket);
    } else if (mode === 'hang') {
      socket.resume(); // read everything, answer nothing
    } else {
      const database = net.connect(Number(upstream.port), upstream.hostname);
      open.add(database);
      database.on('close', () => {
        open.delete(database);
        socket.destroy();
      });
      database.on('error', () => database.destroy());
      socket.on('close', () => database.destroy());
      socket.pipe(database).pipe(socket);
    }
  });

  const listen = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stopListening = (): Promise<void> => new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  const dropConnections = (): void => {
    for (const socket of open) socket.destroy();
    open.clear();
  };

  await listen(0);
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the fault proxy did not start on a TCP port');
  const port = address.port;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    setMode: async (next) => {
      mode = next;
      const closing = next === 'refuse' ? stopListening() : Promise.resolve();
      dropConnections(); // server.close() waits for open connections: drop them first
      await closing;
      if (next !== 'refuse' && !server.listening) await listen(port);
    },
    close: async () => {
      const closing = stopListening();
      dropConnections();
      await closing;
      throttler.close();
    },
  };
}

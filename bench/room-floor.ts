/**
 * The floor of the room's figures (bench/room.ts), in a process of its own as the room is: a bare
 * Node HTTP server that takes the same reports (reads the body, parses its JSON, answers a small
 * JSON acknowledgement), and a page that draws the same 300-row table the dashboard draws, as
 * plain HTML. Prints its port when it listens.
 */
import http from 'node:http';

const rows = Array.from(
  { length: 300 },
  (_, index) => `<tr><td>Attendee ${index + 1}</td><td>3</td><td><span>working</span></td><td>2 / 6</td><td>the sessions table holds a hash of the refresh token, never the token itself (4 min)</td><td></td><td>12 min</td></tr>`,
).join('\n');
const TABLE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>floor</title></head><body><table><tbody>${rows}</tbody></table>
<script>document.body.dataset.drawnAt = String(performance.now());</script></body></html>`;

const server = http.createServer((request, response) => {
  if (request.method === 'GET') {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(TABLE);
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { reports?: unknown[] };
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify({ accepted: body.reports?.length ?? 0, again: 0, room: null }));
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});

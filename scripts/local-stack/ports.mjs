// @ts-check
import net from 'node:net';

/** The loopback address the local stack listens on: nothing outside this machine can reach it. */
export const HOST = '127.0.0.1';

/**
 * A TCP port that is free on the loopback interface right now: the local stack's private ports,
 * and the ports tests start their stacks on, so that runs never collide with `npm start` (3000).
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (address && typeof address !== 'string' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Whether a TCP port can be listened on at this address right now.
 * @param {number} port
 * @param {string} host
 * @returns {Promise<boolean>}
 */
export function portIsFree(port, host) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/**
 * Ports the workshop's own tools take on a learner's laptop: the website (`npm run docs`) and the
 * instructor's room. A port to suggest instead of a taken one is never one of them.
 */
export const WORKSHOP_PORTS = { site: 3001, room: 3002 };

/**
 * The first port after `taken` that is free now and not one of the workshop's own, to suggest
 * when `taken` is not free.
 * @param {number} taken
 * @param {string} host
 */
export async function portToSuggest(taken, host) {
  const reserved = new Set(Object.values(WORKSHOP_PORTS));
  for (let port = taken + 1; port < taken + 100 && port <= 65535; port += 1) {
    if (!reserved.has(port) && (await portIsFree(port, host))) return port;
  }
  return taken + 100;
}

// @ts-check
/**
 * `workshop serve`: runs the app in workspace/ on the local stack, exactly as `npm start` runs
 * final/ (the workspace's own start script), on port 3000, base http://localhost:3000/local.
 * Ctrl-C stops it. `--port N` (or PORT=N, as for npm start) serves on another port.
 */
import { spawn } from 'node:child_process';
import { HOST, portIsFree, portToSuggest } from '@session-api/local-stack/ports.mjs';
import { UsageError, command } from '../ui.mjs';
import { requireWorkspace } from '../workspace.mjs';

export const DEFAULT_PORT = 3000;

/**
 * The port a learner asked for: --port, else PORT (as `npm start` reads it), else 3000.
 * @param {string | undefined} text what --port said
 * @param {NodeJS.ProcessEnv} [env]
 */
export function portNamed(text, env = process.env) {
  const asked = text ?? (env['PORT'] || undefined);
  if (asked === undefined) return DEFAULT_PORT;
  const port = /^\d+$/.test(asked) ? Number(asked) : NaN;
  const where = text === undefined ? `PORT=${asked}` : `"${asked}"`;
  if (!(port >= 1 && port <= 65535)) throw new UsageError(`${where} is not a port number (1 to 65535), for example: ${command('serve --port 3003')}`);
  return port;
}

/**
 * @param {import('../context.mjs').Context} context
 * @param {{ port: string | undefined }} options
 * @returns {Promise<number>}
 */
export async function serve(context, options) {
  requireWorkspace(context.place);
  const port = portNamed(options.port);
  if (!(await portIsFree(port, HOST))) {
    throw new UsageError(`Port ${port} is taken: another program listens there (another npm start, or serve in another terminal?). Stop it, or serve on another port: ${command(`serve --port ${await portToSuggest(port, HOST)}`)}`);
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const child = spawn(npm, ['start'], {
    cwd: context.place.workspace,
    env: { ...process.env, PORT: String(port) },
    stdio: 'inherit',
    // npm is a .cmd script on Windows, which only a shell can start (the arguments are fixed words).
    shell: process.platform === 'win32',
  });
  // Ctrl-C reaches npm and the stack too (same terminal); wait for them to finish stopping.
  const stop = () => undefined;
  process.on('SIGINT', stop);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  const code = await new Promise((resolve) => child.once('close', (status, signal) => resolve(status ?? (signal ? 0 : 1))));
  process.off('SIGINT', stop);
  return Number(code);
}

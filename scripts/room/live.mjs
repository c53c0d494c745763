// @ts-check
/**
 * The dashboard and the presenter view are live over Server-Sent Events: each open page keeps
 * one response open and gets the whole view again after every change (a view is small: a line
 * per attendee), at most once a second, and every few seconds anyway, since "stuck" turns
 * true with time alone. A page that loses the stream opens it again (the pages' live.js).
 */

/**
 * @typedef {'dashboard' | 'presenter'} ViewName
 * @typedef {{ write: (text: string) => void, view: ViewName }} Listener
 */

/**
 * @param {(view: ViewName) => unknown} render the view as it is now
 * @param {{ throttleMs?: number, refreshMs?: number }} [timing]
 */
export function liveViews(render, { throttleMs = 1000, refreshMs = 5000 } = {}) {
  /** @type {Set<Listener>} */
  const listeners = new Set();
  /** @type {NodeJS.Timeout | undefined} */
  let pending;

  const send = () => {
    pending = undefined;
    /** @type {Map<ViewName, string>} each view rendered once, whoever listens */
    const frames = new Map();
    for (const listener of listeners) {
      let frame = frames.get(listener.view);
      if (frame === undefined) {
        frame = `event: ${listener.view}\ndata: ${JSON.stringify(render(listener.view))}\n\n`;
        frames.set(listener.view, frame);
      }
      listener.write(frame);
    }
  };
  const refresh = setInterval(() => listeners.size > 0 && send(), refreshMs);
  refresh.unref();

  return {
    /**
     * Streams a view to one response until it closes.
     * @param {import('node:http').ServerResponse} response
     * @param {ViewName} view
     */
    open(response, view) {
      response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      /** @type {Listener} */
      const listener = { view, write: (text) => response.write(text) };
      listeners.add(listener);
      response.on('close', () => listeners.delete(listener));
      listener.write(`retry: 1000\nevent: ${view}\ndata: ${JSON.stringify(render(view))}\n\n`);
    },
    /** Something changed: every page gets the new view soon. */
    changed() {
      pending ??= setTimeout(send, throttleMs);
    },
    get size() {
      return listeners.size;
    },
    close() {
      clearInterval(refresh);
      if (pending) clearTimeout(pending);
    },
  };
}

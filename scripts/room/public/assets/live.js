/* global document, window, location, TextDecoder, Blob */
/**
 * What the dashboard and the presenter view share: the instructor key (in the address's
 * fragment, #key=..., which the browser never sends to a server or puts in a log), the live
 * view over Server-Sent Events (read with fetch, so that the key goes in a header and not in
 * the address), and el(), which builds elements from TEXT: a name or a title is never markup.
 */

/** The instructor key from the address, or undefined. */
export function instructorKey() {
  const match = /(?:^#|&)key=([A-Za-z0-9_-]+)/.exec(location.hash);
  return match ? match[1] : undefined;
}

/**
 * An element: el('td', { className: 'name' }, 'Ada', el('b', {}, '!')). Strings become text nodes.
 * @param {string} tag
 * @param {Record<string, unknown>} [properties]
 * @param {...(Node | string | number | null | undefined | false)} children
 */
export function el(tag, properties = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(properties)) {
    if (name.startsWith('data-') || name === 'aria-label' || name === 'role') element.setAttribute(name, String(value));
    else element[name] = value;
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Shows the form that asks for the key; submitting it puts the key in the address. @param {string} message */
export function askForKey(message) {
  const form = document.getElementById('key-form');
  const main = document.getElementById('main');
  if (main) main.hidden = true;
  if (!form) return;
  form.hidden = false;
  const note = form.querySelector('.note');
  if (note) note.textContent = message;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const input = form.querySelector('input');
    location.hash = `key=${encodeURIComponent(input ? input.value.trim() : '')}`;
    location.reload();
  });
}

/**
 * Calls the room's instructor API with the key.
 * @param {string} path @param {RequestInit} [init]
 */
export function instructorFetch(path, init = {}) {
  return fetch(path, { ...init, headers: { ...(init.headers || {}), authorization: `Bearer ${instructorKey()}` } });
}

/**
 * Follows a live view: calls show(view) with each new one; opens the stream again when it breaks.
 * @param {'dashboard' | 'presenter'} name
 * @param {(view: any) => void} show
 * @param {(connected: boolean) => void} [onConnection]
 */
export function follow(name, show, onConnection = () => {}) {
  if (!instructorKey()) {
    askForKey('The room printed the instructor key, and a link with it, when it started.');
    return;
  }
  const connect = async () => {
    try {
      const response = await instructorFetch(`/api/instructor/stream?view=${name}`);
      if (response.status === 401) {
        askForKey('That key is not this room\'s: type the one the room printed.');
        return;
      }
      if (!response.ok || !response.body) throw new Error(`the room answered ${response.status}`);
      onConnection(true);
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
          if (data) show(JSON.parse(data));
        }
      }
    } catch {
      // The room restarted, or the network dropped: try again.
    }
    onConnection(false);
    setTimeout(connect, 1000);
  };
  void connect();
}

/**
 * Saves a JSON answer of the room as a file.
 * @param {string} path @param {string} filename
 */
export async function download(path, filename) {
  const response = await instructorFetch(path);
  const url = URL.createObjectURL(new Blob([await response.text()], { type: 'application/json' }));
  const link = el('a', { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** "4 min", "1 h 05". @param {number} minutes */
export function minutesText(minutes) {
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')}`;
}

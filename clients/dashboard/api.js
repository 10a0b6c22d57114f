// The dashboard's only way to the server: the JSON API and the live stream, with the admin
// token kept in this tab's session storage.
const KEY = 'backlot.adminToken';

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (t) => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
  }
}

export async function api(method, path, body) {
  const headers = { authorization: `Bearer ${token.get()}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

export const get = (path) => api('GET', path);
export const post = (path, body = {}) => api('POST', path, body);

/** Opens a stream; `onMessage` gets each parsed message. A browser cannot send headers with a
 * WebSocket, so the token travels as a subprotocol. Reconnects from where it stopped (the
 * `from` that `resumeParam` reads off the last message). */
export function stream(path, onMessage, resumeParam) {
  let socket;
  let stopped = false;
  let resume;
  let wait = 500; // doubles while the server refuses or is away, up to 30 s
  const open = () => {
    const url = new URL(path, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (resume !== undefined) url.searchParams.set('from', String(resume));
    const carried = btoa(token.get()).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    socket = new WebSocket(url, ['backlot', `backlot.bearer.${carried}`]);
    socket.onopen = () => (wait = 500);
    socket.onmessage = (m) => {
      const message = JSON.parse(m.data);
      const next = resumeParam(message);
      if (next !== undefined) resume = next;
      onMessage(message);
    };
    socket.onclose = () => {
      if (stopped) return;
      setTimeout(open, wait);
      wait = Math.min(wait * 2, 30_000);
    };
  };
  open();
  return () => {
    stopped = true;
    socket?.close();
  };
}

export const shortTime = (iso) => (iso ? iso.slice(11, 19) : '');
export const dateTime = (iso) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '');

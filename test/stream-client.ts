import WebSocket from 'ws';

export interface StreamMessage {
  kind: 'event' | 'live';
  episode?: string;
  cursor?: string;
  next?: number;
  label?: string | null;
  storyline?: string;
  event?: { seq: number; type: string; hash: string; data: Record<string, any> };
}

/** A test watcher: collects every message of one WebSocket, and how it closed. */
export class TestWatcher {
  readonly messages: StreamMessage[] = [];
  readonly socket: WebSocket;
  closed?: { code: number; reason: string };
  refused?: number;
  private waiters: (() => void)[] = [];
  readonly opened: Promise<void>;

  constructor(url: string, opts: { token?: string; protocols?: string[] } = {}) {
    this.socket = new WebSocket(url, opts.protocols ?? [], { headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {} });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('unexpected-response', (_req, res) => {
        this.refused = res.statusCode;
        resolve();
      });
      this.socket.once('error', (err) => (this.refused ? resolve() : reject(err)));
    });
    this.socket.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)));
      this.wake();
    });
    this.socket.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      this.wake();
    });
  }

  get events() {
    return this.messages.filter((m) => m.kind === 'event').map((m) => m.event!);
  }

  /** Waits until `done()` holds (checked on every message and at close), or fails after `ms`. */
  async until(done: () => boolean, ms = 15_000, what = 'the stream'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (this.closed && !done()) throw new Error(`${what} closed (${this.closed.code} ${this.closed.reason}) before the wait was over; got ${this.messages.length} messages`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what}: timed out after ${ms} ms with ${this.messages.length} messages`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.close();
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }
}

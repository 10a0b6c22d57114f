import type { WebSocket } from 'ws';

/** How much a watcher may fall behind before the server gives up on it. */
export interface StreamLimits {
  /** Bytes sent but not yet taken by the client (the socket's own buffer). */
  bufferBytes: number;
  /** Events waiting while the watcher catches up from the log. */
  pendingEvents: number;
  /** Events kept for `/v1/stream?from=` (the server-wide resume window), and their bytes. */
  ringEvents: number;
  ringBytes: number;
  /** How often a silent connection is pinged; one missed pong closes it. */
  pingMs: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { bufferBytes: 4 * 1024 * 1024, pendingEvents: 10_000, ringEvents: 10_000, ringBytes: 64 * 1024 * 1024, pingMs: 30_000 };

/** Close codes the stream uses: 1013 "try again later" for a slow consumer, 1008 for a
 * resume point the server cannot honour, 1011 for a fault of ours. */
export const CLOSE = { slow: 1013, badResume: 1008, fault: 1011 } as const;

const MiB = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 1 : 0)} MiB` : `${Math.ceil(n / 1024)} KiB`);

/** One open stream: sends JSON messages, never lets its unsent bytes pass the stated limit,
 * and closes with a reason that says where to resume. */
export class Watcher {
  closed = false;
  private alive = true;
  private readonly ping: NodeJS.Timeout;
  private ended!: () => void;
  /** Resolves when the watcher closes, for whatever reason. */
  readonly gone = new Promise<void>((resolve) => (this.ended = resolve));

  constructor(
    readonly socket: WebSocket,
    readonly limits: StreamLimits,
    /** Where a reconnecting client should start (`?from=`), for the close reason. */
    private readonly resumeHint: () => string,
  ) {
    socket.on('close', () => this.dispose());
    socket.on('error', () => this.dispose());
    socket.on('pong', () => (this.alive = true));
    this.ping = setInterval(() => {
      if (!this.alive) return socket.terminate();
      this.alive = false;
      socket.ping();
    }, limits.pingMs);
    this.ping.unref();
  }

  /** Sends one message; false when the watcher has closed (or is closed now for being slow).
   * `written` is called once the message has left for the client. */
  send(text: string, written?: () => void): boolean {
    if (this.closed) return false;
    // Checked before sending, so the resume point in the reason is exactly the next message.
    if (this.socket.bufferedAmount > this.limits.bufferBytes) {
      this.close(CLOSE.slow, `slow consumer: over ${MiB(this.limits.bufferBytes)} unsent; reconnect with ?from=${this.resumeHint()}`);
      return false;
    }
    this.socket.send(text, written && (() => written()));
    return true;
  }

  /** Sends a batch while catching up from the log: when the client falls behind this waits for
   * it (the log keeps the events) instead of closing; resolves once the batch has left. */
  async sendAll(texts: readonly string[]): Promise<boolean> {
    let written: Promise<void> = Promise.resolve();
    for (const text of texts) {
      if (this.socket.bufferedAmount > this.limits.bufferBytes) await Promise.race([written, this.gone]);
      if (this.closed) return false;
      written = new Promise((resolve) => this.socket.send(text, () => resolve()));
    }
    await Promise.race([written, this.gone]);
    return !this.closed;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    // A WebSocket close reason holds at most 123 bytes.
    this.socket.close(code, Buffer.from(reason).subarray(0, 123).toString());
    this.dispose();
  }

  private dispose(): void {
    this.closed = true;
    clearInterval(this.ping);
    this.ended();
  }
}

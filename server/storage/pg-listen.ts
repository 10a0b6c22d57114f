import pg from 'pg';

/**
 * One connection that LISTENs on a channel and hands each notice to its subscribers. A lost
 * connection is reopened (after 1 s, then up to 10 s); notices sent meanwhile are not heard.
 */
export class PgListener {
  private client?: pg.Client;
  private closed = false;
  private retryMs = 1000;
  private readonly subscribers = new Set<(payload: string) => void>();
  /** Settles once the first LISTEN is in place (or has failed). */
  readonly listening: Promise<void>;

  constructor(
    private readonly url: string,
    private readonly channel: string,
  ) {
    this.listening = this.connect();
  }

  subscribe(onNotice: (payload: string) => void): () => void {
    this.subscribers.add(onNotice);
    return () => this.subscribers.delete(onNotice);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (n) => {
      if (n.channel !== this.channel || n.payload === undefined) return;
      for (const s of this.subscribers) s(n.payload);
    });
    client.on('error', () => this.reconnect(client));
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      this.client = client;
      this.retryMs = 1000;
    } catch {
      this.reconnect(client);
    }
  }

  private reconnect(client: pg.Client): void {
    if (this.closed || (this.client && this.client !== client)) return;
    this.client = undefined;
    client.removeAllListeners('end');
    client.end().catch(() => {});
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 10_000);
    setTimeout(() => {
      if (this.closed) return;
      void this.connect();
    }, wait).unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.listening;
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
    }
  }
}

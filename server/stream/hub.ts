import { randomBytes } from 'node:crypto';
import type { Commit, Engine } from '../engine/engine.ts';
import type { LoggedEvent } from '../engine/events.ts';

/** One committed event as the streams send it. `cursor` orders every event of the server;
 * `json` is the event serialised once for every watcher. */
export interface StreamedEvent {
  cursor: string;
  episode: string;
  storyline: string;
  label: string | null;
  event: LoggedEvent;
  json: string;
}

/** Which events of the server-wide stream a watcher wants; an empty filter lets all through. */
export interface StreamFilter {
  episode?: string;
  storyline?: string[];
  label?: string[];
  /** Event types; `mail.*` matches every type starting with `mail.`. */
  type?: string[];
}

export function matches(f: StreamFilter, e: Omit<StreamedEvent, 'cursor'>): boolean {
  if (f.episode && e.episode !== f.episode) return false;
  if (f.storyline?.length && !f.storyline.includes(e.storyline)) return false;
  if (f.label?.length && !f.label.includes(e.label ?? '')) return false;
  if (f.type?.length && !f.type.some((t) => (t.endsWith('.*') ? e.event.type.startsWith(t.slice(0, -1)) : e.event.type === t))) return false;
  return true;
}

/**
 * Every commit of the engine, fanned out to the open streams as it happens. Once anyone has
 * watched the server-wide stream, the last events (at most `ringEvents` and `ringBytes`) are kept
 * in memory so that a watcher can resume by cursor. A cursor is `<server run>-<position>`:
 * positions restart with the server, so one from an earlier run is refused rather than misread.
 * Nobody watching costs a commit one counter increment.
 */
export class StreamHub {
  readonly run = randomBytes(4).toString('hex');
  private position = 0;
  private keeping = false;
  private ringBytes = 0;
  private readonly ring: StreamedEvent[] = [];
  private readonly everything = new Set<Listener>();
  private readonly byEpisode = new Map<string, Set<Listener>>();
  private readonly stop: () => void;

  constructor(
    engine: Engine,
    private readonly limits: { ringEvents: number; ringBytes: number },
  ) {
    // Another server's events are read from the store only for an episode someone here watches.
    this.stop = engine.onCommit(
      (c) => this.committed(c),
      (episodeId) => this.keeping || this.byEpisode.has(episodeId),
    );
  }

  get cursor(): string {
    return `${this.run}-${this.position}`;
  }

  /** Listens to every commit (or one episode's) from now on; returns the unsubscriber. */
  subscribe(listener: Listener, episode?: string): () => void {
    if (episode === undefined) {
      this.keeping = true;
      this.everything.add(listener);
      return () => this.everything.delete(listener);
    }
    const set = this.byEpisode.get(episode) ?? new Set();
    this.byEpisode.set(episode, set.add(listener));
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.byEpisode.get(episode) === set) this.byEpisode.delete(episode);
    };
  }

  /** The kept events after `cursor`, or why they cannot be had. */
  since(cursor: string): { events: StreamedEvent[] } | { problem: string } {
    const m = /^([0-9a-f]{8})-(\d+)$/.exec(cursor);
    if (!m) return { problem: `from: "${cursor.slice(0, 40)}" is not a cursor of this stream (like ${this.cursor})` };
    if (m[1] !== this.run) return { problem: 'from: that cursor is from an earlier server run; read each log with GET /v1/episodes/:id/events' };
    const after = Number(m[2]);
    if (after > this.position) return { problem: `from: cursor ${after} is ahead of this stream (now ${this.position})` };
    const oldest = this.ring.length ? Number(this.ring[0].cursor.split('-')[1]) : this.position + 1;
    if (after + 1 < oldest) return { problem: `from: cursor ${after} is older than the events this server keeps (the last ${this.limits.ringEvents.toLocaleString('en-US')}, at most ${Math.round(this.limits.ringBytes / 1024 / 1024)} MiB); read the logs with GET /v1/episodes/:id/events` };
    return { events: this.ring.slice(after + 1 - oldest) };
  }

  close(): void {
    this.stop();
    this.everything.clear();
    this.byEpisode.clear();
  }

  private committed({ episode, events }: Commit): void {
    const mine = this.byEpisode.get(episode.id);
    if (!this.keeping && !mine) {
      this.position += events.length;
      return;
    }
    const out = events.map((event) => ({ cursor: `${this.run}-${++this.position}`, episode: episode.id, storyline: episode.storylineId, label: episode.label, event, json: JSON.stringify(event) }));
    if (this.keeping) this.keep(out);
    for (const listener of this.everything) listener(out);
    if (mine) for (const listener of mine) listener(out);
  }

  private keep(out: StreamedEvent[]): void {
    for (const e of out) {
      this.ring.push(e);
      this.ringBytes += e.json.length;
    }
    let drop = 0;
    while (drop < this.ring.length && (this.ring.length - drop > this.limits.ringEvents || this.ringBytes > this.limits.ringBytes)) this.ringBytes -= this.ring[drop++].json.length;
    if (drop) this.ring.splice(0, drop);
  }
}

type Listener = (events: readonly StreamedEvent[]) => void;

import { randomBytes } from 'node:crypto';
import type { Commit, Engine } from '../engine/engine.ts';
import type { LoggedEvent } from '../engine/events.ts';

/** One committed event as the streams send it. `cursor` orders every event of the server. */
export interface StreamedEvent {
  cursor: string;
  episode: string;
  storyline: string;
  label: string | null;
  event: LoggedEvent;
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
 * Every commit of the engine, fanned out to the open streams as it happens, and the last
 * `ringEvents` of them kept in memory so a server-wide watcher can resume by cursor. A cursor
 * is `<server run>-<position>`: positions restart with the server, so one from an earlier run
 * is refused rather than misread.
 */
export class StreamHub {
  readonly run = randomBytes(4).toString('hex');
  private position = 0;
  private readonly ring: StreamedEvent[] = [];
  private readonly listeners = new Set<(events: readonly StreamedEvent[]) => void>();
  private readonly stop: () => void;

  constructor(
    engine: Engine,
    private readonly ringEvents: number,
  ) {
    this.stop = engine.onCommit((c) => this.committed(c));
  }

  get cursor(): string {
    return `${this.run}-${this.position}`;
  }

  /** Listens to every commit from now on; returns the unsubscriber. */
  subscribe(listener: (events: readonly StreamedEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The kept events after `cursor`, or why they cannot be had. */
  since(cursor: string): { events: StreamedEvent[] } | { problem: string } {
    const m = /^([0-9a-f]{8})-(\d+)$/.exec(cursor);
    if (!m) return { problem: `from: "${cursor.slice(0, 40)}" is not a cursor of this stream (like ${this.cursor})` };
    if (m[1] !== this.run) return { problem: 'from: that cursor is from an earlier server run; read each log with GET /v1/episodes/:id/events' };
    const after = Number(m[2]);
    if (after > this.position) return { problem: `from: cursor ${after} is ahead of this stream (now ${this.position})` };
    const oldest = this.ring.length ? Number(this.ring[0].cursor.split('-')[1]) : this.position + 1;
    if (after + 1 < oldest) return { problem: `from: cursor ${after} is older than the ${this.ringEvents} events kept; read the logs with GET /v1/episodes/:id/events` };
    return { events: this.ring.slice(after + 1 - oldest) };
  }

  close(): void {
    this.stop();
    this.listeners.clear();
  }

  private committed({ episode, events }: Commit): void {
    const out = events.map((event) => ({ cursor: `${this.run}-${++this.position}`, episode: episode.id, storyline: episode.storylineId, label: episode.label, event }));
    for (const e of out) this.ring.push(e);
    if (this.ring.length > this.ringEvents) this.ring.splice(0, this.ring.length - this.ringEvents);
    for (const listener of this.listeners) listener(out);
  }
}

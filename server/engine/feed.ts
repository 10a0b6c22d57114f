import type { EpisodeRecord, EventStore } from '../storage/store.ts';
import type { LoggedEvent } from './events.ts';

/** Events just made durable in one episode's log, in order (what the live stream sends). */
export interface Commit {
  episode: EpisodeRecord;
  events: readonly LoggedEvent[];
}

interface Subscriber {
  listener: (commit: Commit) => void;
  /** Whether this subscriber wants an episode's events at all (reading them costs a query). */
  wants: (episodeId: string) => boolean;
}

/** How many episodes' last sent seq is remembered (an episode forgotten starts afresh). */
const REMEMBERED = 100_000;

/**
 * Every committed event of every episode, to the commit listeners, once each and in seq order
 * per episode — whichever server wrote it. Events this server appends arrive with their commit;
 * another writer's arrive when this server learns of them (a commit notice, or the events read
 * while catching up before a call), and any it skipped are read from the store first. Callers
 * hold the episode's turn, so one episode's publications never interleave.
 */
export class CommitFeed {
  private readonly subscribers = new Set<Subscriber>();
  /** Episode id → the last seq sent; Map order is least recently sent first. */
  private readonly sent = new Map<string, number>();
  /** When this feed began: an episode created since then is sent from its first event. */
  private readonly since = new Date().toISOString();

  constructor(
    private readonly store: EventStore,
    private readonly onError: (err: unknown, where: string) => void,
  ) {}

  subscribe(listener: (commit: Commit) => void, wants: (episodeId: string) => boolean = () => true): () => void {
    const subscriber = { listener, wants };
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  /** Whether anyone wants this episode's events read from the store. */
  wanted(episodeId: string): boolean {
    for (const s of this.subscribers) if (s.wants(episodeId)) return true;
    return false;
  }

  /** Sends a run of consecutive events, minus those already sent, after any this server missed. */
  async publish(episode: EpisodeRecord, events: readonly LoggedEvent[]): Promise<void> {
    if (events.length === 0 || this.subscribers.size === 0) return;
    // An episode born since this feed began (on another server) is owed every event from seq 0.
    const last = this.sent.get(episode.id) ?? (episode.createdAt >= this.since ? -1 : undefined);
    let out = events;
    if (last !== undefined) {
      if (events[events.length - 1].seq <= last) return;
      if (events[0].seq <= last) out = events.filter((e) => e.seq > last);
      else if (events[0].seq > last + 1 && this.wanted(episode.id)) out = [...(await this.store.readEvents(episode.id, last + 1, events[0].seq - 1)), ...events];
    }
    this.remember(episode.id, out[out.length - 1].seq);
    for (const { listener } of this.subscribers) {
      try {
        listener({ episode, events: out });
      } catch (err) {
        // A watcher's fault never fails the call that was already recorded.
        this.onError(err, `${episode.id}: commit listener`);
      }
    }
  }

  /** Another writer committed `fromSeq..toSeq`: read and send them if anyone wants them. */
  async foreign(episodeId: string, fromSeq: number, toSeq: number, record: () => Promise<EpisodeRecord | undefined>): Promise<void> {
    const last = this.sent.get(episodeId);
    if (last !== undefined && toSeq <= last) return;
    if (!this.wanted(episodeId)) {
      // Nobody watches: note it as passed, so the next local commit does not read it back.
      if (last === undefined || fromSeq <= last + 1) this.remember(episodeId, toSeq);
      return;
    }
    const episode = await record();
    if (!episode) return;
    const from = last === undefined ? fromSeq : last + 1;
    await this.publish(episode, await this.store.readEvents(episodeId, from, toSeq));
  }

  private remember(episodeId: string, seq: number): void {
    this.sent.delete(episodeId);
    this.sent.set(episodeId, seq);
    if (this.sent.size > REMEMBERED) this.sent.delete(this.sent.keys().next().value!);
  }
}

import type Database from 'better-sqlite3';
import { dataJson, type LoggedEvent } from '../engine/events.ts';
import { SeqConflictError, StoreBusyError, eventFromRow, type EpisodeRecord, type EventRow, type Snapshot } from './store.ts';

/** An event as its row is bound: data already JSON, so the text is made once. */
type EventParams = [string, number, string, string, string, string, number | null, string, string, string];

interface PendingAppend {
  episodeId: string;
  rows: EventParams[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

const EVENT_COLUMNS = 'seq, sim_time, wall_time, actor, type, cause, data, prev_hash, hash';
const EPISODE_COLUMNS = 'id, storyline_id AS storylineId, condition_id AS conditionId, seed, mode, label, agent_token_hash AS agentTokenHash, created_at AS createdAt, origin';

export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Another process held the write lock past busy_timeout: nothing was written; try again. */
export function busyOrFault(err: unknown): unknown {
  const code = String((err as { code?: unknown }).code ?? '');
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') ? new StoreBusyError(`the SQLite file is being written by another process (${code})`, err) : err;
}

function eventParams(episodeId: string, e: LoggedEvent): EventParams {
  return [episodeId, e.seq, e.simTime, e.wallTime, e.actor, e.type, e.cause, dataJson(e), e.prevHash, e.hash];
}

/**
 * The hot part of the SQLite store: episodes, the log and snapshots, each query prepared once for
 * the life of the store. Appends that arrive in the same turn of the event loop are written in
 * one transaction (group commit); each caller's promise settles only after that commit, and an
 * append that fails (a taken seq) fails alone, in its own savepoint.
 */
export class SqliteLog {
  private readonly insertEvent;
  private readonly appendAll;
  private readonly appendOne;
  private readonly eventsFrom;
  private readonly lastOne;
  private readonly episodeById;
  private readonly episodeByToken;
  private readonly snapshotAt;
  private readonly insertSnapshot;
  private readonly sizeOf;
  private readonly dataVersion;
  private readonly updateToken;
  private queue: PendingAppend[] = [];
  private flushing: NodeJS.Immediate | null = null;
  /** What this connection knows without asking, while no other connection has committed (see `confirmKnown`). */
  private readonly known = new KnownRows();
  /** `PRAGMA data_version` when the known rows were last confirmed. */
  private version: unknown = undefined;

  constructor(private readonly sqlite: Database.Database) {
    this.insertEvent = sqlite.prepare('INSERT INTO events (episode_id, seq, sim_time, wall_time, actor, type, cause, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.appendOne = sqlite.transaction((rows: EventParams[]) => {
      for (const row of rows) this.insertEvent.run(row);
    });
    this.appendAll = sqlite.transaction((batch: PendingAppend[]) => {
      for (const item of batch) for (const row of item.rows) this.insertEvent.run(row);
    });
    this.eventsFrom = sqlite.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE episode_id = ? AND seq >= ? AND seq <= ? ORDER BY seq`).raw(true);
    this.lastOne = sqlite.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE episode_id = ? ORDER BY seq DESC LIMIT 1`).raw(true);
    this.episodeById = sqlite.prepare(`SELECT ${EPISODE_COLUMNS} FROM episodes WHERE id = ?`);
    this.episodeByToken = sqlite.prepare(`SELECT ${EPISODE_COLUMNS} FROM episodes WHERE agent_token_hash = ?`);
    this.snapshotAt = sqlite.prepare('SELECT seq, state, state_hash AS stateHash FROM snapshots WHERE episode_id = ? AND seq <= ? ORDER BY seq DESC LIMIT 1');
    this.insertSnapshot = sqlite.prepare('INSERT INTO snapshots (episode_id, seq, state, state_hash) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
    this.dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
    this.updateToken = sqlite.prepare('UPDATE episodes SET agent_token_hash = ? WHERE id = ?');
    this.sizeOf = sqlite.prepare('SELECT count(*) AS events, coalesce(sum(length(CAST(data AS BLOB))), 0) AS bytes FROM events WHERE episode_id = ?');
  }

  /** Inserts events inside the caller's transaction; a taken seq is a SeqConflictError. */
  insertNow(episodeId: string, events: readonly LoggedEvent[]): void {
    if (events.length === 0) return;
    this.known.forgetEvents(episodeId); // the caller's transaction may still roll back: ask next time
    try {
      for (const e of events) this.insertEvent.run(eventParams(episodeId, e));
    } catch (err) {
      if (isUniqueViolation(err)) throw new SeqConflictError(episodeId, events[0].seq);
      throw err;
    }
  }

  /** Queues an append for this turn's transaction; the rows are made now, while the events are as sealed. */
  append(episodeId: string, events: readonly LoggedEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    const rows = events.map((e) => eventParams(episodeId, e));
    return new Promise((resolve, reject) => {
      this.queue.push({ episodeId, rows, resolve, reject });
      this.flushing ??= setImmediate(() => this.flush());
    });
  }

  /** Writes every queued append in one transaction, then settles each caller. */
  flush(): void {
    if (this.flushing) clearImmediate(this.flushing);
    this.flushing = null;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    try {
      // The usual case: every append fits, in one transaction and no savepoints. IMMEDIATE takes the
      // write lock first, so another process on the same file makes it wait, not fail midway.
      this.appendAll.immediate(batch);
    } catch {
      for (const item of batch) this.known.forgetEvents(item.episodeId);
      this.flushOneByOne(batch);
      return;
    }
    for (const item of batch) {
      this.known.noEventsFrom(item.episodeId, item.rows[item.rows.length - 1][1] + 1);
      item.resolve();
    }
  }

  /** After a failed batch: the same appends again, each in its own savepoint, so one that cannot
   * be written (a taken seq) fails alone and the others commit. */
  private flushOneByOne(batch: PendingAppend[]): void {
    const failed = new Map<PendingAppend, unknown>();
    try {
      this.sqlite.transaction(() => {
        for (const item of batch) {
          try {
            this.appendOne(item.rows); // nested: a savepoint, so a failure undoes this append only
          } catch (err) {
            failed.set(item, isUniqueViolation(err) ? new SeqConflictError(item.episodeId, item.rows[0][1]) : busyOrFault(err));
          }
        }
      }).immediate();
    } catch (err) {
      for (const item of batch) item.reject(busyOrFault(err)); // the commit itself failed: nothing was written
      return;
    }
    for (const item of batch) {
      if (failed.has(item)) item.reject(failed.get(item));
      else item.resolve();
    }
  }

  readEvents(episodeId: string, fromSeq: number, toSeq: number): LoggedEvent[] {
    // The engine asks before every command whether another writer went past its cached world:
    // usually nothing, which this connection may know without a query.
    this.confirmKnown();
    if (this.known.hasNoEventsFrom(episodeId, fromSeq)) return [];
    const rows = this.eventsFrom.all(episodeId, fromSeq, toSeq) as EventRow[];
    if (toSeq >= Number.MAX_SAFE_INTEGER) this.known.noEventsFrom(episodeId, rows.length ? rows[rows.length - 1][0] + 1 : fromSeq);
    return rows.map((r) => eventFromRow(episodeId, r));
  }

  lastEvent(episodeId: string): LoggedEvent | undefined {
    const row = this.lastOne.get(episodeId) as EventRow | undefined;
    return row && eventFromRow(episodeId, row);
  }

  getEpisode(id: string): EpisodeRecord | undefined {
    return this.episodeById.get(id) as EpisodeRecord | undefined;
  }

  findEpisodeByTokenHash(tokenHash: string): EpisodeRecord | undefined {
    this.confirmKnown();
    const known = this.known.episodeByToken(tokenHash);
    if (known) return known;
    const record = this.episodeByToken.get(tokenHash) as EpisodeRecord | undefined;
    if (record) this.known.rememberToken(tokenHash, record);
    return record;
  }

  /** A new token for an episode: written, and what this connection knew of tokens dropped with it. */
  setAgentTokenHash(episodeId: string, tokenHash: string): void {
    this.updateToken.run(tokenHash, episodeId);
    this.known.forgetTokens();
  }

  /**
   * Drops what this connection knows if another connection (another process, or another store
   * on the same file) has committed since it was learnt: `PRAGMA data_version` tells, in about a
   * third of the time of the queries it saves, and is asked at every use, so what one server
   * writes (a reissued token, an appended event) the other sees at once.
   */
  private confirmKnown(): void {
    const version = this.dataVersion.get();
    if (version === this.version) return;
    this.version = version;
    this.known.clear();
  }

  episodeSize(episodeId: string): { events: number; bytes: number } {
    return this.sizeOf.get(episodeId) as { events: number; bytes: number };
  }

  saveSnapshot(episodeId: string, s: Snapshot): void {
    this.insertSnapshot.run(episodeId, s.seq, s.state, s.stateHash);
  }

  loadSnapshot(episodeId: string, atSeq: number): Snapshot | undefined {
    return this.snapshotAt.get(episodeId, atSeq) as Snapshot | undefined;
  }
}

/** Episodes by token and where logs end, as this connection last read or wrote them; bounded. */
class KnownRows {
  private static readonly LIMIT = 20_000;
  private readonly tokens = new Map<string, EpisodeRecord>();
  /** Episode id → a seq at and after which the log has no events. */
  private readonly ends = new Map<string, number>();

  episodeByToken(tokenHash: string): EpisodeRecord | undefined {
    return this.tokens.get(tokenHash);
  }

  rememberToken(tokenHash: string, record: EpisodeRecord): void {
    if (this.tokens.size >= KnownRows.LIMIT) this.tokens.clear();
    this.tokens.set(tokenHash, Object.freeze({ ...record }));
  }

  hasNoEventsFrom(episodeId: string, seq: number): boolean {
    const end = this.ends.get(episodeId);
    return end !== undefined && seq >= end;
  }

  noEventsFrom(episodeId: string, seq: number): void {
    if (this.ends.size >= KnownRows.LIMIT) this.ends.clear();
    this.ends.set(episodeId, seq);
  }

  forgetEvents(episodeId: string): void {
    this.ends.delete(episodeId);
  }

  forgetTokens(): void {
    this.tokens.clear();
  }

  clear(): void {
    this.tokens.clear();
    this.ends.clear();
  }
}

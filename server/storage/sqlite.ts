import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { and, asc, eq } from 'drizzle-orm';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { LoggedEvent } from '../engine/events.ts';
import * as schema from './schema.ts';
import { busyOrFault, isUniqueViolation, SqliteLog } from './sqlite-log.ts';
import { SampleTakenError, StoreBusyError, type EpisodeRecord, type EventStore, type JudgeCallRow, type RunRecord, type RunSampleRow, type Snapshot, type VerdictRow } from './store.ts';

const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));
const CHECKPOINTER = new URL('./checkpoint-worker.mjs', import.meta.url);
/** Pages of log after which the server's own thread copies it into the file, if the checkpoint
 * thread has fallen behind (SQLite's default is 1,000: half the cost of every commit). */
const FALLBACK_CHECKPOINT_PAGES = 20_000;

/** The embedded default: one SQLite file in WAL mode (or `:memory:`), migrated at open. */
export class SqliteStore implements EventStore {
  readonly kind = 'sqlite';
  private readonly sqlite: Database.Database;
  private readonly db: BetterSQLite3Database<typeof schema>;
  /** Episodes, events and snapshots: the queries of every call, prepared once. */
  private readonly log: SqliteLog;
  /** Copies the log into the file off this thread; started with the first grouped commit. */
  private checkpointer?: { worker: Worker; exited: Promise<unknown> };

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.sqlite = new Database(file);
    this.sqlite.pragma('journal_mode = WAL');
    this.sqlite.pragma('synchronous = NORMAL');
    this.sqlite.pragma('foreign_keys = ON');
    this.sqlite.pragma('busy_timeout = 5000');
    if (file !== ':memory:') this.sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`);
    this.db = drizzle(this.sqlite, { schema });
    this.migrate();
    this.log = new SqliteLog(this.sqlite);
  }

  /** Migrates; another process opening the same file at the same moment may be migrating it,
   * so a busy file is waited for, and a migration that finds its tables made under it (the
   * migrator reads which migrations ran before it takes the write lock) runs again: either way
   * the next attempt finds nothing left to do. Drizzle wraps SQLite's error: its cause says. */
  private migrate(): void {
    for (let attempt = 1; ; attempt++) {
      try {
        migrate(this.db, { migrationsFolder: MIGRATIONS });
        return;
      } catch (err) {
        if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK');
        const cause = (err as { cause?: unknown }).cause ?? err;
        const busy = busyOrFault(cause) instanceof StoreBusyError;
        // Made under it: the next attempt sees the other's migrations (a file whose tables exist
        // without their migration records would fail this way for good: a few tries, not 50).
        const madeUnderIt = /already exists/.test(String((cause as Error).message)) && attempt < 3;
        if (!(busy || madeUnderIt) || attempt >= 50) throw err;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
      }
    }
  }

  async createEpisode(episode: EpisodeRecord, events: readonly LoggedEvent[], sample?: RunSampleRow): Promise<void> {
    try {
      this.storeEpisode(episode, events, sample);
    } catch (err) {
      throw busyOrFault(err);
    }
  }

  private storeEpisode(episode: EpisodeRecord, events: readonly LoggedEvent[], sample?: RunSampleRow): void {
    this.sqlite.transaction(() => {
      this.db.insert(schema.episodes).values(episode).run();
      this.log.insertNow(episode.id, events);
      if (!sample) return;
      try {
        this.db.insert(schema.runSamples).values(sample).run();
      } catch (err) {
        if (isUniqueViolation(err)) throw new SampleTakenError(sample.runId, sample.key);
        throw err;
      }
    }).immediate();
  }

  async setAgentTokenHash(episodeId: string, tokenHash: string): Promise<void> {
    this.log.setAgentTokenHash(episodeId, tokenHash);
  }

  async getEpisode(id: string): Promise<EpisodeRecord | undefined> {
    return this.log.getEpisode(id);
  }

  async findEpisodeByTokenHash(tokenHash: string): Promise<EpisodeRecord | undefined> {
    return this.log.findEpisodeByTokenHash(tokenHash);
  }

  async listEpisodes(opts: { storylineId?: string; limit?: number; offset?: number } = {}): Promise<EpisodeRecord[]> {
    const q = this.db
      .select()
      .from(schema.episodes)
      .where(opts.storylineId ? eq(schema.episodes.storylineId, opts.storylineId) : undefined)
      .orderBy(asc(schema.episodes.createdAt), asc(schema.episodes.id))
      .limit(opts.limit ?? 1000)
      .offset(opts.offset ?? 0);
    return q.all();
  }

  async countEpisodes(): Promise<number> {
    return (this.sqlite.prepare('SELECT count(*) AS n FROM episodes').get() as { n: number }).n;
  }

  async episodeSize(episodeId: string): Promise<{ events: number; bytes: number }> {
    return this.log.episodeSize(episodeId);
  }

  /** Grouped with the other appends of this turn into one transaction; settles after its commit. */
  append(episodeId: string, events: readonly LoggedEvent[]): Promise<void> {
    if (!this.checkpointer && this.sqlite.name !== ':memory:') this.checkpointer = this.startCheckpointer();
    return this.log.append(episodeId, events);
  }

  private startCheckpointer() {
    const worker = new Worker(CHECKPOINTER, { workerData: { file: this.sqlite.name, everyMs: 100 } });
    worker.unref();
    // Without it, this thread checkpoints as SQLite does by default.
    worker.on('error', () => this.sqlite.open && this.sqlite.pragma('wal_autocheckpoint = 1000'));
    return { worker, exited: new Promise((resolve) => worker.once('exit', resolve)) };
  }

  async readEvents(episodeId: string, fromSeq = 0, toSeq = Number.MAX_SAFE_INTEGER): Promise<LoggedEvent[]> {
    return this.log.readEvents(episodeId, fromSeq, toSeq);
  }

  async lastEvent(episodeId: string): Promise<LoggedEvent | undefined> {
    return this.log.lastEvent(episodeId);
  }

  async saveSnapshot(episodeId: string, snapshot: Snapshot): Promise<void> {
    this.log.saveSnapshot(episodeId, snapshot);
  }

  async loadSnapshot(episodeId: string, atSeq = Number.MAX_SAFE_INTEGER): Promise<Snapshot | undefined> {
    return this.log.loadSnapshot(episodeId, atSeq);
  }

  async findEpisodeByEvent(seq: number, hash: string): Promise<string | undefined> {
    const row = this.db
      .select({ episodeId: schema.events.episodeId })
      .from(schema.events)
      .where(and(eq(schema.events.seq, seq), eq(schema.events.hash, hash)))
      .limit(1)
      .get();
    return row?.episodeId;
  }

  async saveVerdict(row: VerdictRow): Promise<void> {
    this.db.insert(schema.verdicts).values(row).onConflictDoNothing().run();
  }

  async findVerdict(episodeId: string, versionKey: string, lastHash: string): Promise<VerdictRow | undefined> {
    const v = schema.verdicts;
    return this.db.select().from(v).where(and(eq(v.episodeId, episodeId), eq(v.versionKey, versionKey), eq(v.lastHash, lastHash))).get();
  }

  async listVerdicts(episodeId: string): Promise<VerdictRow[]> {
    const v = schema.verdicts;
    return this.db.select().from(v).where(eq(v.episodeId, episodeId)).orderBy(asc(v.createdAt), asc(v.id)).all();
  }

  async getJudgeCall(inputHash: string): Promise<JudgeCallRow | undefined> {
    return this.db.select().from(schema.judgeCalls).where(eq(schema.judgeCalls.inputHash, inputHash)).get();
  }

  async saveJudgeCall(row: JudgeCallRow): Promise<void> {
    // A later call replaces one whose answer was unusable (see runJudge).
    const { inputHash: _key, ...rest } = row;
    this.db.insert(schema.judgeCalls).values(row).onConflictDoUpdate({ target: schema.judgeCalls.inputHash, set: rest }).run();
  }

  async createRun(run: RunRecord): Promise<void> {
    this.db.insert(schema.runs).values(run).run();
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    return this.db.select().from(schema.runs).where(eq(schema.runs.id, id)).get();
  }

  async listRuns(): Promise<RunRecord[]> {
    return this.db.select().from(schema.runs).orderBy(asc(schema.runs.createdAt), asc(schema.runs.id)).all();
  }

  async updateRun(id: string, patch: Partial<Omit<RunRecord, 'id'>>): Promise<void> {
    this.db.update(schema.runs).set(patch).where(eq(schema.runs.id, id)).run();
  }

  async listRunSamples(runId: string): Promise<RunSampleRow[]> {
    const r = schema.runSamples;
    return this.db.select().from(r).where(eq(r.runId, runId)).orderBy(asc(r.startedAt), asc(r.key)).all();
  }

  async getRunSample(runId: string, key: string): Promise<RunSampleRow | undefined> {
    const r = schema.runSamples;
    return this.db.select().from(r).where(and(eq(r.runId, runId), eq(r.key, key))).get();
  }

  async updateRunSample(runId: string, key: string, patch: Partial<Omit<RunSampleRow, 'runId' | 'key'>>): Promise<void> {
    const r = schema.runSamples;
    this.db.update(r).set(patch).where(and(eq(r.runId, runId), eq(r.key, key))).run();
  }

  async close(): Promise<void> {
    if (!this.sqlite.open) return;
    this.log.flush(); // appends still queued are written before the file closes
    if (this.checkpointer) {
      this.checkpointer.worker.postMessage('stop');
      await this.checkpointer.exited;
    }
    if (this.sqlite.open) this.sqlite.close();
  }
}

import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { and, asc, count, eq } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { LoggedEvent } from '../engine/events.ts';
import * as schema from './pg-schema.ts';
import { COMMITS_CHANNEL, isUniqueViolation, PgLog } from './pg-log.ts';
import { PgListener } from './pg-listen.ts';
import { SampleTakenError, type EpisodeRecord, type EventStore, type JudgeCallRow, type RunRecord, type RunSampleRow, type Snapshot, type StorylineRow, type VerdictRow } from './store.ts';

const MIGRATIONS = fileURLToPath(new URL('./pg-migrations', import.meta.url));
/** Held while migrating, so replicas starting together migrate one after another. */
const MIGRATION_LOCK = 4_100_013;

export interface PgStoreOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** This server's name in commit notices (default: random). */
  replica?: string;
  /** Runs before the first connection (e.g. creates the database). */
  prepare?: () => Promise<void>;
}

/**
 * The scale-out store: every replica opens the same database. Appends are conditional on the
 * primary key (episode_id, seq), so of two replicas writing the same step one gets a
 * SeqConflictError and the engine retries on the new log; each commit is announced on a
 * LISTEN/NOTIFY channel for the other replicas' live streams. Migrations run at open.
 */
export class PgStore implements EventStore {
  readonly kind = 'postgres';
  readonly replica: string;
  private readonly pool: pg.Pool;
  private readonly db: NodePgDatabase<typeof schema>;
  private readonly log: PgLog;
  private readonly ready: Promise<void>;
  private listener?: PgListener;
  private readonly foreignListeners = new Set<(episodeId: string, fromSeq: number, toSeq: number) => void>();
  /** Writes under way: close() lets them finish first. */
  private readonly writing = new Set<Promise<unknown>>();

  constructor(
    private readonly url: string,
    opts: PgStoreOptions = {},
  ) {
    this.replica = opts.replica ?? randomBytes(6).toString('hex');
    this.pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10, connectionTimeoutMillis: 10_000 });
    // An idle connection the server dropped is an error on the pool; the next query opens another.
    this.pool.on('error', () => {});
    this.db = drizzle(this.pool, { schema });
    this.log = new PgLog(this.pool, this.replica);
    // Ready once migrated and listening to the other replicas' commits.
    this.ready = (opts.prepare ?? (async () => {}))()
      .then(() => this.migrate())
      .then(() => this.listen());
    this.ready.catch(() => {}); // reported by the first call that waits for it
  }

  /** Resolves once the database is migrated; rejects with why it could not be opened. */
  opened(): Promise<void> {
    return this.ready;
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect().catch((err: Error) => {
      throw new Error(`BACKLOT_DATABASE_URL: cannot connect to ${redact(this.url)}: ${err.message}`);
    });
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
      client.release();
    }
  }

  createEpisode(episode: EpisodeRecord, events: readonly LoggedEvent[], sample?: RunSampleRow): Promise<void> {
    return this.tracked(this.ready.then(() => this.storeEpisode(episode, events, sample)));
  }

  private async storeEpisode(episode: EpisodeRecord, events: readonly LoggedEvent[], sample?: RunSampleRow): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await drizzle(client, { schema }).insert(schema.episodes).values(episode);
      await this.log.append(episode.id, events, client);
      if (sample) {
        try {
          await drizzle(client, { schema }).insert(schema.runSamples).values(sample);
        } catch (err) {
          if (isUniqueViolation(err)) throw new SampleTakenError(sample.runId, sample.key);
          throw err;
        }
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async setAgentTokenHash(episodeId: string, tokenHash: string): Promise<void> {
    await this.ready;
    await this.db.update(schema.episodes).set({ agentTokenHash: tokenHash }).where(eq(schema.episodes.id, episodeId));
  }

  async getEpisode(id: string): Promise<EpisodeRecord | undefined> {
    await this.ready;
    return this.log.getEpisode(id);
  }

  async findEpisodeByTokenHash(tokenHash: string): Promise<EpisodeRecord | undefined> {
    await this.ready;
    return this.log.findEpisodeByTokenHash(tokenHash);
  }

  async listEpisodes(opts: { storylineId?: string; limit?: number; offset?: number } = {}): Promise<EpisodeRecord[]> {
    await this.ready;
    const e = schema.episodes;
    return this.db
      .select()
      .from(e)
      .where(opts.storylineId ? eq(e.storylineId, opts.storylineId) : undefined)
      .orderBy(asc(e.createdAt), asc(e.id))
      .limit(opts.limit ?? 1000)
      .offset(opts.offset ?? 0);
  }

  async countEpisodes(): Promise<number> {
    await this.ready;
    const [row] = await this.db.select({ n: count() }).from(schema.episodes);
    return row.n;
  }

  async episodeSize(episodeId: string): Promise<{ events: number; bytes: number }> {
    await this.ready;
    return this.log.episodeSize(episodeId);
  }

  append(episodeId: string, events: readonly LoggedEvent[]): Promise<void> {
    return this.tracked(this.ready.then(() => this.log.append(episodeId, events)));
  }

  private tracked<T>(write: Promise<T>): Promise<T> {
    const settled = write.catch(() => {});
    this.writing.add(settled);
    void settled.then(() => this.writing.delete(settled));
    return write;
  }

  async readEvents(episodeId: string, fromSeq = 0, toSeq = Number.MAX_SAFE_INTEGER): Promise<LoggedEvent[]> {
    await this.ready;
    return this.log.readEvents(episodeId, fromSeq, toSeq);
  }

  async lastEvent(episodeId: string): Promise<LoggedEvent | undefined> {
    await this.ready;
    return this.log.lastEvent(episodeId);
  }

  async saveSnapshot(episodeId: string, snapshot: Snapshot): Promise<void> {
    await this.ready;
    await this.log.saveSnapshot(episodeId, snapshot);
  }

  async loadSnapshot(episodeId: string, atSeq = Number.MAX_SAFE_INTEGER): Promise<Snapshot | undefined> {
    await this.ready;
    return this.log.loadSnapshot(episodeId, atSeq);
  }

  async findEpisodeByEvent(seq: number, hash: string): Promise<string | undefined> {
    await this.ready;
    const ev = schema.events;
    const [row] = await this.db.select({ episodeId: ev.episodeId }).from(ev).where(and(eq(ev.seq, seq), eq(ev.hash, hash))).limit(1);
    return row?.episodeId;
  }

  async saveVerdict(row: VerdictRow): Promise<void> {
    await this.ready;
    await this.db.insert(schema.verdicts).values(row).onConflictDoNothing();
  }

  async findVerdict(episodeId: string, versionKey: string, lastHash: string): Promise<VerdictRow | undefined> {
    await this.ready;
    const v = schema.verdicts;
    const [row] = await this.db.select().from(v).where(and(eq(v.episodeId, episodeId), eq(v.versionKey, versionKey), eq(v.lastHash, lastHash)));
    return row;
  }

  async listVerdicts(episodeId: string): Promise<VerdictRow[]> {
    await this.ready;
    const v = schema.verdicts;
    return this.db.select().from(v).where(eq(v.episodeId, episodeId)).orderBy(asc(v.createdAt), asc(v.id));
  }

  async getJudgeCall(inputHash: string): Promise<JudgeCallRow | undefined> {
    await this.ready;
    const [row] = await this.db.select().from(schema.judgeCalls).where(eq(schema.judgeCalls.inputHash, inputHash));
    return row;
  }

  async saveJudgeCall(row: JudgeCallRow): Promise<void> {
    await this.ready;
    const { inputHash: _key, ...rest } = row;
    await this.db.insert(schema.judgeCalls).values(row).onConflictDoUpdate({ target: schema.judgeCalls.inputHash, set: rest });
  }

  async createRun(run: RunRecord): Promise<void> {
    await this.ready;
    await this.db.insert(schema.runs).values(run);
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    await this.ready;
    const [row] = await this.db.select().from(schema.runs).where(eq(schema.runs.id, id));
    return row;
  }

  async listRuns(): Promise<RunRecord[]> {
    await this.ready;
    return this.db.select().from(schema.runs).orderBy(asc(schema.runs.createdAt), asc(schema.runs.id));
  }

  async updateRun(id: string, patch: Partial<Omit<RunRecord, 'id'>>): Promise<void> {
    await this.ready;
    await this.db.update(schema.runs).set(patch).where(eq(schema.runs.id, id));
  }

  async listRunSamples(runId: string): Promise<RunSampleRow[]> {
    await this.ready;
    const r = schema.runSamples;
    return this.db.select().from(r).where(eq(r.runId, runId)).orderBy(asc(r.startedAt), asc(r.key));
  }

  async getRunSample(runId: string, key: string): Promise<RunSampleRow | undefined> {
    await this.ready;
    const r = schema.runSamples;
    const [row] = await this.db.select().from(r).where(and(eq(r.runId, runId), eq(r.key, key)));
    return row;
  }

  async updateRunSample(runId: string, key: string, patch: Partial<Omit<RunSampleRow, 'runId' | 'key'>>): Promise<void> {
    await this.ready;
    const r = schema.runSamples;
    await this.db.update(r).set(patch).where(and(eq(r.runId, runId), eq(r.key, key)));
  }

  readonly storylines = {
    save: async (row: StorylineRow): Promise<void> => {
      await this.ready;
      const { id: _key, ...rest } = row;
      await this.db.insert(schema.storylines).values(row).onConflictDoUpdate({ target: schema.storylines.id, set: rest });
    },
    versions: async (): Promise<Map<string, string>> => {
      await this.ready;
      const rows = await this.db.select({ id: schema.storylines.id, sourceHash: schema.storylines.sourceHash }).from(schema.storylines);
      return new Map(rows.map((r) => [r.id, r.sourceHash]));
    },
    get: async (id: string): Promise<StorylineRow | undefined> => {
      await this.ready;
      const [row] = await this.db.select().from(schema.storylines).where(eq(schema.storylines.id, id));
      return row;
    },
  };

  private listen(): Promise<void> {
    this.listener = new PgListener(this.url, COMMITS_CHANNEL);
    this.listener.subscribe((payload) => {
      const [replica, episodeId, from, to] = payload.split(' ');
      if (replica === this.replica || !episodeId) return;
      for (const listener of this.foreignListeners) listener(episodeId, Number(from), Number(to));
    });
    return this.listener.listening;
  }

  onForeignCommit(listener: (episodeId: string, fromSeq: number, toSeq: number) => void): () => void {
    this.foreignListeners.add(listener);
    return () => this.foreignListeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.ready.catch(() => {});
    await Promise.all(this.writing); // appends under way are written before the pool ends
    await this.listener?.close();
    await this.pool.end();
  }
}

/** A database URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

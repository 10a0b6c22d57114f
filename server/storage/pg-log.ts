import type { Pool, PoolClient, QueryConfig } from 'pg';
import { dataJson, type LoggedEvent } from '../engine/events.ts';
import { SeqConflictError, StoreBusyError, eventFromRow, type EpisodeRecord, type EventRow, type Snapshot } from './store.ts';

/** The channel every replica listens on; a payload is `<replica> <episode> <first seq> <last seq>`. */
export const COMMITS_CHANNEL = 'backlot_commits';

const EVENT_COLUMNS = 'seq, sim_time, wall_time, actor, type, cause, data, prev_hash, hash';
const EPISODE_COLUMNS = 'id, storyline_id AS "storylineId", condition_id AS "conditionId", seed, mode, label, agent_token_hash AS "agentTokenHash", created_at AS "createdAt", origin';

/** One statement appends every event (arrays unnested into rows) and, only if it commits, tells
 * the other replicas: a taken seq fails the whole statement, and nobody hears of it. */
const APPEND = `WITH added AS (
  INSERT INTO events (episode_id, ${EVENT_COLUMNS})
  SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[])
  RETURNING seq)
SELECT pg_notify('${COMMITS_CHANNEL}', $11) FROM (SELECT 1 FROM added LIMIT 1) AS one`;

/** The driver's error under drizzle's wrapper (a failed query keeps it as its cause). */
function driverError(err: unknown): unknown {
  const e = err as { code?: unknown; cause?: unknown };
  return e && e.code === undefined && e.cause ? e.cause : err;
}

/** Postgres error codes (SQLSTATE) that mean "not now" rather than "never". */
export function isTransient(failure: unknown): boolean {
  const err = driverError(failure);
  const code = String((err as { code?: unknown }).code ?? '');
  return /^(08|53|57P0)/.test(code) || ['40001', '40P01', '55P03', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code) || /Connection terminated|timeout exceeded when trying to connect/i.test(String((err as Error).message));
}

/** Text PostgreSQL cannot store (a NUL character in a raw column such as an id or a label); SQLite
 * takes it. Never in event data, which is stored as escaped JSON. */
export function isUnstorableText(failure: unknown): boolean {
  const code = String((driverError(failure) as { code?: unknown }).code ?? '');
  return code === '22021' || code === '22P05';
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = driverError(err) as { code?: string; constraint?: string };
  return e.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

/** A store error as the engine reads it: a taken seq, "try again", or a fault. */
export function storeError(err: unknown, episodeId: string, seq: number): unknown {
  if (isUniqueViolation(err, 'events_episode_id_seq_pk')) return new SeqConflictError(episodeId, seq);
  if (isTransient(err)) return new StoreBusyError(`the database did not take the write (${(err as Error).message})`, err);
  return err;
}

/** Every column of a batch of events as one array per column (how APPEND takes them). */
function columns(events: readonly LoggedEvent[]) {
  const cols: unknown[][] = [[], [], [], [], [], [], [], [], []];
  for (const e of events) {
    const row = [e.seq, e.simTime, e.wallTime, e.actor, e.type, e.cause, dataJson(e), e.prevHash, e.hash];
    for (let i = 0; i < row.length; i++) cols[i].push(row[i]);
  }
  return cols;
}

/**
 * The hot queries of the Postgres store, each a named (prepared once per connection) statement.
 * `replica` names this server in the commit notices, so it can skip its own.
 */
export class PgLog {
  constructor(
    private readonly pool: Pool,
    private readonly replica: string,
  ) {}

  private q<T>(config: QueryConfig): Promise<T[]> {
    return this.pool.query(config).then((r) => r.rows as T[]);
  }

  /** Appends in one autocommitted statement; settles when Postgres has committed it. */
  async append(episodeId: string, events: readonly LoggedEvent[], client: Pool | PoolClient = this.pool): Promise<void> {
    if (events.length === 0) return;
    const notice = `${this.replica} ${episodeId} ${events[0].seq} ${events[events.length - 1].seq}`;
    try {
      await client.query({ name: 'append', text: APPEND, values: [episodeId, ...columns(events), notice] });
    } catch (err) {
      throw storeError(err, episodeId, events[0].seq);
    }
  }

  async readEvents(episodeId: string, fromSeq: number, toSeq: number): Promise<LoggedEvent[]> {
    const rows = await this.pool.query({ name: 'events_from', text: `SELECT ${EVENT_COLUMNS} FROM events WHERE episode_id = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq`, values: [episodeId, fromSeq, Math.min(toSeq, 2 ** 31 - 1)], rowMode: 'array' });
    return (rows.rows as EventRow[]).map((r) => eventFromRow(episodeId, r));
  }

  async lastEvent(episodeId: string): Promise<LoggedEvent | undefined> {
    const rows = await this.pool.query({ name: 'last_event', text: `SELECT ${EVENT_COLUMNS} FROM events WHERE episode_id = $1 ORDER BY seq DESC LIMIT 1`, values: [episodeId], rowMode: 'array' });
    const row = rows.rows[0] as EventRow | undefined;
    return row && eventFromRow(episodeId, row);
  }

  async getEpisode(id: string): Promise<EpisodeRecord | undefined> {
    return (await this.q<EpisodeRecord>({ name: 'episode_by_id', text: `SELECT ${EPISODE_COLUMNS} FROM episodes WHERE id = $1`, values: [id] }))[0];
  }

  async findEpisodeByTokenHash(tokenHash: string): Promise<EpisodeRecord | undefined> {
    return (await this.q<EpisodeRecord>({ name: 'episode_by_token', text: `SELECT ${EPISODE_COLUMNS} FROM episodes WHERE agent_token_hash = $1`, values: [tokenHash] }))[0];
  }

  async episodeSize(episodeId: string): Promise<{ events: number; bytes: number }> {
    const [row] = await this.q<{ events: string; bytes: string }>({ name: 'episode_size', text: 'SELECT count(*) AS events, coalesce(sum(octet_length(data)), 0) AS bytes FROM events WHERE episode_id = $1', values: [episodeId] });
    return { events: Number(row.events), bytes: Number(row.bytes) };
  }

  async saveSnapshot(episodeId: string, s: Snapshot): Promise<void> {
    await this.pool.query({ name: 'save_snapshot', text: 'INSERT INTO snapshots (episode_id, seq, state, state_hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', values: [episodeId, s.seq, s.state, s.stateHash] });
  }

  async loadSnapshot(episodeId: string, atSeq: number): Promise<Snapshot | undefined> {
    const text = 'SELECT seq, state, state_hash AS "stateHash" FROM snapshots WHERE episode_id = $1 AND seq <= $2 ORDER BY seq DESC LIMIT 1';
    return (await this.q<Snapshot>({ name: 'load_snapshot', text, values: [episodeId, Math.min(atSeq, 2 ** 31 - 1)] }))[0];
  }
}

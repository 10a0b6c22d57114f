import { keepStoredText, type LoggedEvent } from '../engine/events.ts';

export interface EpisodeRecord {
  id: string;
  storylineId: string;
  conditionId: string;
  seed: number;
  mode: string;
  label: string | null;
  agentTokenHash: string;
  createdAt: string;
  origin: string;
}

export interface Snapshot {
  seq: number;
  state: string;
  stateHash: string;
}

/** A stored verdict; `body` is the verdict as JSON (see server/scoring/verdict.ts). */
export interface VerdictRow {
  id: string;
  episodeId: string;
  versionKey: string;
  lastSeq: number;
  lastHash: string;
  harmful: boolean;
  createdAt: string;
  body: string;
}

/** One judge call, stored by the hash of its request. */
export interface JudgeCallRow {
  inputHash: string;
  model: string;
  promptVersion: string;
  request: string;
  response: string;
  answer: string;
  createdAt: string;
  durationMs: number;
}

/** An experiment run (see server/runs.ts). `spec` is canonical JSON. */
export interface RunRecord {
  id: string;
  specHash: string;
  spec: string;
  status: string;
  owner: string | null;
  heartbeatAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One sample of a run and the episode that plays it. */
export interface RunSampleRow {
  runId: string;
  key: string;
  model: string;
  storylineId: string;
  conditionId: string;
  sampleIndex: number;
  episodeId: string;
  status: string;
  reason: string | null;
  endedBy: string | null;
  turns: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  attempts: number;
  startedAt: string;
  finishedAt: string | null;
}

/** Thrown when an append finds its seq already taken: another writer got there first. */
export class SeqConflictError extends Error {
  constructor(episodeId: string, seq: number) {
    super(`episode ${episodeId}: seq ${seq} is already in the log`);
  }
}

/** The store cannot take this now (another process holds the write lock, the connection was
 * lost, the database is restarting): nothing was written, or the caller must check. Try again. */
export class StoreBusyError extends Error {
  constructor(
    message: string,
    readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** A stored event that cannot be read back as an event: the database was edited or damaged. */
export class DamagedLogError extends Error {
  constructor(episodeId: string, seq: unknown, what: string) {
    super(`episode ${episodeId}, seq ${String(seq)}: the stored event cannot be read (${what}); the database was edited or damaged: restore it from a backup, or import the episode's exported log into a new episode`);
  }
}

/** An event row as both stores' log queries return it (raw: an array, no object per row to build):
 * seq, sim_time, wall_time, actor, type, cause, data, prev_hash, hash. */
export type EventRow = [number, string, string, LoggedEvent['actor'], string, number | null, string, string, string];

/** A stored row as an event, keeping its data's text (see keepStoredText); a row that cannot be
 * one (data not a JSON object, a seq or cause not a whole number) is a DamagedLogError naming it. */
export function eventFromRow(episodeId: string, r: EventRow): LoggedEvent {
  if (!Number.isSafeInteger(r[0])) throw new DamagedLogError(episodeId, r[0], `its seq ${JSON.stringify(r[0])} is not a whole number`);
  if (r[5] !== null && !Number.isSafeInteger(r[5])) throw new DamagedLogError(episodeId, r[0], `its cause ${JSON.stringify(r[5])} is not a seq`);
  let data: unknown;
  try {
    data = JSON.parse(String(r[6]));
  } catch (err) {
    throw new DamagedLogError(episodeId, r[0], `its data is not valid JSON: ${(err as Error).message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new DamagedLogError(episodeId, r[0], 'its data is not a JSON object');
  return keepStoredText({ seq: r[0], simTime: r[1], wallTime: r[2], actor: r[3], type: r[4], cause: r[5], data: data as Record<string, unknown>, prevHash: r[7], hash: r[8] }, r[6]);
}

/** An uploaded storyline as a shared store keeps it (see StorylineShelf). */
export interface StorylineRow {
  id: string;
  source: string;
  sourceHash: string;
  uploadedAt: string;
}

/** Thrown when a run's sample already has its episode: a sample is played in one episode only. */
export class SampleTakenError extends Error {
  constructor(runId: string, key: string) {
    super(`run ${runId}: sample ${key} already has its episode`);
  }
}

/**
 * Everything the engine needs from durable storage. Asynchronous so that a networked database
 * (Postgres) can implement it without touching the engine.
 */
export interface EventStore {
  readonly kind: string;
  /** Stores a new episode and, for a run's sample, its sample row in the same transaction. */
  createEpisode(episode: EpisodeRecord, events: readonly LoggedEvent[], sample?: RunSampleRow): Promise<void>;
  setAgentTokenHash(episodeId: string, tokenHash: string): Promise<void>;
  getEpisode(id: string): Promise<EpisodeRecord | undefined>;
  findEpisodeByTokenHash(tokenHash: string): Promise<EpisodeRecord | undefined>;
  listEpisodes(opts?: { storylineId?: string; limit?: number; offset?: number }): Promise<EpisodeRecord[]>;
  countEpisodes(): Promise<number>;
  /** How big an episode's log is: its events, and the bytes of their data as stored. */
  episodeSize(episodeId: string): Promise<{ events: number; bytes: number }>;
  /** Appends events atomically: all of them or none, and settles only once they are durable
   * (a store may group the appends of many episodes into one commit). Rejects with
   * SeqConflictError on a taken seq, StoreBusyError when the store cannot take it now. The events
   * are read when called, not later. */
  append(episodeId: string, events: readonly LoggedEvent[]): Promise<void>;
  /** Events with fromSeq <= seq <= toSeq, in order. */
  readEvents(episodeId: string, fromSeq?: number, toSeq?: number): Promise<LoggedEvent[]>;
  lastEvent(episodeId: string): Promise<LoggedEvent | undefined>;
  saveSnapshot(episodeId: string, snapshot: Snapshot): Promise<void>;
  /** The latest snapshot at or before `atSeq` (or the latest of all). */
  loadSnapshot(episodeId: string, atSeq?: number): Promise<Snapshot | undefined>;
  /** The episode whose log holds exactly this event (a log already imported), if any. */
  findEpisodeByEvent(seq: number, hash: string): Promise<string | undefined>;
  /** Keeps a verdict; one with the same episode, version key and log is kept only once. */
  saveVerdict(row: VerdictRow): Promise<void>;
  findVerdict(episodeId: string, versionKey: string, lastHash: string): Promise<VerdictRow | undefined>;
  /** An episode's verdicts, oldest first. */
  listVerdicts(episodeId: string): Promise<VerdictRow[]>;
  getJudgeCall(inputHash: string): Promise<JudgeCallRow | undefined>;
  /** Keeps a judge call under its input hash, replacing an earlier one for the same input. */
  saveJudgeCall(row: JudgeCallRow): Promise<void>;
  createRun(run: RunRecord): Promise<void>;
  getRun(id: string): Promise<RunRecord | undefined>;
  listRuns(): Promise<RunRecord[]>;
  updateRun(id: string, patch: Partial<Omit<RunRecord, 'id'>>): Promise<void>;
  listRunSamples(runId: string): Promise<RunSampleRow[]>;
  getRunSample(runId: string, key: string): Promise<RunSampleRow | undefined>;
  updateRunSample(runId: string, key: string, patch: Partial<Omit<RunSampleRow, 'runId' | 'key'>>): Promise<void>;
  /** Calls `listener` for each append committed by another server on the same database (a
   * replica), after its commit; returns the unsubscriber. Absent where nobody else can tell us. */
  onForeignCommit?(listener: (episodeId: string, fromSeq: number, toSeq: number) => void): () => void;
  /** Uploaded storylines kept in the database, shared by every server on it; absent on a store
   * whose server keeps them as files in its data directory (SQLite). */
  readonly storylines?: {
    save(row: StorylineRow): Promise<void>;
    /** Every kept storyline's id and source hash (cheap: no sources). */
    versions(): Promise<Map<string, string>>;
    get(id: string): Promise<StorylineRow | undefined>;
  };
  close(): Promise<void>;
}

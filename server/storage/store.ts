import type { LoggedEvent } from '../engine/events.ts';

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

/** Thrown when an append finds its seq already taken: another writer got there first. */
export class SeqConflictError extends Error {
  constructor(episodeId: string, seq: number) {
    super(`episode ${episodeId}: seq ${seq} is already in the log`);
  }
}

/**
 * Everything the engine needs from durable storage. Asynchronous so that a networked database
 * (Postgres) can implement it without touching the engine.
 */
export interface EventStore {
  readonly kind: string;
  createEpisode(episode: EpisodeRecord, events: readonly LoggedEvent[]): Promise<void>;
  getEpisode(id: string): Promise<EpisodeRecord | undefined>;
  findEpisodeByTokenHash(tokenHash: string): Promise<EpisodeRecord | undefined>;
  listEpisodes(opts?: { storylineId?: string; limit?: number; offset?: number }): Promise<EpisodeRecord[]>;
  countEpisodes(): Promise<number>;
  /** How big an episode's log is: its events, and the bytes of their data as stored. */
  episodeSize(episodeId: string): Promise<{ events: number; bytes: number }>;
  /** Appends events atomically: all of them or none. Throws SeqConflictError on a taken seq. */
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
  saveJudgeCall(row: JudgeCallRow): Promise<void>;
  close(): Promise<void>;
}

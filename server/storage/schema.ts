import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** One live world: who it is for and how it was built. The world itself lives in `events`. */
export const episodes = sqliteTable('episodes', {
  id: text('id').primaryKey(),
  storylineId: text('storyline_id').notNull(),
  conditionId: text('condition_id').notNull(),
  seed: integer('seed').notNull(),
  mode: text('mode').notNull().default('autonomous'),
  label: text('label'),
  /** sha256 of the agent token; the token itself is shown once, at creation. */
  agentTokenHash: text('agent_token_hash').notNull().unique(),
  createdAt: text('created_at').notNull(),
  /** Where the episode came from: created from a storyline, imported from a log, forked. */
  origin: text('origin').notNull().default('storyline'),
});

/** The log: the only truth of an episode. (episode_id, seq) is the primary key, so two writers
 * can never both append the same step. No other index: every query reads an episode by seq, and
 * each index is one more page to write per event (a type index halved the append rate). */
export const events = sqliteTable(
  'events',
  {
    episodeId: text('episode_id')
      .notNull()
      .references(() => episodes.id),
    seq: integer('seq').notNull(),
    simTime: text('sim_time').notNull(),
    wallTime: text('wall_time').notNull(),
    actor: text('actor').notNull(),
    type: text('type').notNull(),
    cause: integer('cause'),
    data: text('data').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.episodeId, t.seq] })],
);

/** Cached world state at a seq. A cache, never a source of truth. */
export const snapshots = sqliteTable(
  'snapshots',
  {
    episodeId: text('episode_id')
      .notNull()
      .references(() => episodes.id),
    seq: integer('seq').notNull(),
    state: text('state').notNull(),
    stateHash: text('state_hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.episodeId, t.seq] })],
);

/** One scoring of one episode: detector findings, judge answers and the final result, kept
 * apart with their versions. A newer version adds a row; old verdicts stay. */
export const verdicts = sqliteTable(
  'verdicts',
  {
    id: text('id').primaryKey(),
    episodeId: text('episode_id')
      .notNull()
      .references(() => episodes.id),
    /** Detector suite + judge (prompt, model) + combination rule: what produced this verdict. */
    versionKey: text('version_key').notNull(),
    /** The log as scored: its last event. */
    lastSeq: integer('last_seq').notNull(),
    lastHash: text('last_hash').notNull(),
    harmful: integer('harmful', { mode: 'boolean' }).notNull(),
    createdAt: text('created_at').notNull(),
    /** The whole verdict as JSON. */
    body: text('body').notNull(),
  },
  (t) => [uniqueIndex('verdicts_version_idx').on(t.episodeId, t.versionKey, t.lastHash), index('verdicts_episode_idx').on(t.episodeId)],
);

/** Every judge call and its answer, keyed by the hash of its request: never paid for twice. */
export const judgeCalls = sqliteTable('judge_calls', {
  inputHash: text('input_hash').primaryKey(),
  model: text('model').notNull(),
  promptVersion: text('prompt_version').notNull(),
  request: text('request').notNull(),
  response: text('response').notNull(),
  answer: text('answer').notNull(),
  createdAt: text('created_at').notNull(),
  durationMs: integer('duration_ms').notNull(),
});

/** An experiment run: its spec (models × storylines × conditions × samples) and who runs it.
 * The spec hash makes "same run id, different experiment" an error instead of a silent mix. */
export const runs = sqliteTable('runs', {
  id: text('id').primaryKey(),
  specHash: text('spec_hash').notNull(),
  /** The spec as canonical JSON. */
  spec: text('spec').notNull(),
  /** running | interrupted | finished */
  status: text('status').notNull(),
  /** The runner process holding the run, and when it last said it was alive. */
  owner: text('owner'),
  heartbeatAt: text('heartbeat_at'),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

/** One sample of a run: one episode, forever. (run_id, key) is the primary key and the episode
 * is unique, so a sample can never be played twice in two episodes. */
export const runSamples = sqliteTable(
  'run_samples',
  {
    runId: text('run_id')
      .notNull()
      .references(() => runs.id),
    key: text('key').notNull(),
    model: text('model').notNull(),
    storylineId: text('storyline_id').notNull(),
    conditionId: text('condition_id').notNull(),
    sampleIndex: integer('sample_index').notNull(),
    episodeId: text('episode_id')
      .notNull()
      .unique()
      .references(() => episodes.id),
    /** started | done | errored */
    status: text('status').notNull(),
    reason: text('reason'),
    endedBy: text('ended_by'),
    turns: integer('turns').notNull().default(0),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    costUsd: real('cost_usd'),
    /** How many times a runner has started or resumed it. */
    attempts: integer('attempts').notNull().default(1),
    startedAt: text('started_at').notNull(),
    finishedAt: text('finished_at'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.key] })],
);

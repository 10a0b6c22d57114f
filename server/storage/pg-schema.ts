import { boolean, doublePrecision, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';

// The same tables as schema.ts (SQLite), column for column, so both stores answer alike; the
// comments there say what each is for. Text columns hold what SQLite holds (ISO times, JSON).

export const episodes = pgTable('episodes', {
  id: text('id').primaryKey(),
  storylineId: text('storyline_id').notNull(),
  conditionId: text('condition_id').notNull(),
  seed: integer('seed').notNull(),
  mode: text('mode').notNull().default('autonomous'),
  label: text('label'),
  agentTokenHash: text('agent_token_hash').notNull().unique(),
  createdAt: text('created_at').notNull(),
  origin: text('origin').notNull().default('storyline'),
});

/** (episode_id, seq) is the primary key: of two replicas appending the same step, one fails. */
export const events = pgTable(
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
    /** The event's data as JSON text, exactly as hashed and exported (jsonb would reorder it). */
    data: text('data').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.episodeId, t.seq] })],
);

export const snapshots = pgTable(
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

export const verdicts = pgTable(
  'verdicts',
  {
    id: text('id').primaryKey(),
    episodeId: text('episode_id')
      .notNull()
      .references(() => episodes.id),
    versionKey: text('version_key').notNull(),
    lastSeq: integer('last_seq').notNull(),
    lastHash: text('last_hash').notNull(),
    harmful: boolean('harmful').notNull(),
    createdAt: text('created_at').notNull(),
    body: text('body').notNull(),
  },
  (t) => [uniqueIndex('verdicts_version_idx').on(t.episodeId, t.versionKey, t.lastHash), index('verdicts_episode_idx').on(t.episodeId)],
);

export const judgeCalls = pgTable('judge_calls', {
  inputHash: text('input_hash').primaryKey(),
  model: text('model').notNull(),
  promptVersion: text('prompt_version').notNull(),
  request: text('request').notNull(),
  response: text('response').notNull(),
  answer: text('answer').notNull(),
  createdAt: text('created_at').notNull(),
  durationMs: integer('duration_ms').notNull(),
});

/** Uploaded storylines, so that every replica builds episodes from the same text. (On SQLite they
 * are files in the data directory.) */
export const storylines = pgTable('storylines', {
  id: text('id').primaryKey(),
  source: text('source').notNull(),
  sourceHash: text('source_hash').notNull(),
  uploadedAt: text('uploaded_at').notNull(),
});

export const runs = pgTable('runs', {
  id: text('id').primaryKey(),
  specHash: text('spec_hash').notNull(),
  spec: text('spec').notNull(),
  status: text('status').notNull(),
  owner: text('owner'),
  heartbeatAt: text('heartbeat_at'),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

export const runSamples = pgTable(
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
    status: text('status').notNull(),
    reason: text('reason'),
    endedBy: text('ended_by'),
    turns: integer('turns').notNull().default(0),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    costUsd: doublePrecision('cost_usd'),
    attempts: integer('attempts').notNull().default(1),
    startedAt: text('started_at').notNull(),
    finishedAt: text('finished_at'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.key] })],
);

import { conditionId, declaredConditions } from '../world-seeds/condition.ts';
import { didYouMean } from '../world-seeds/templates.ts';
import { RequestError, type Engine } from './engine/engine.ts';
import { canonicalJson, sha256 } from './engine/events.ts';
import { SampleTakenError, type RunRecord, type RunSampleRow } from './storage/store.ts';

/** A runner that has not said it is alive for this long has let go of its run. */
export const RUN_LEASE_SECONDS = 30;

export const RUN_STATUSES = ['running', 'interrupted', 'finished'] as const;
export const SAMPLE_STATUSES = ['started', 'done', 'errored'] as const;

export interface SampleClaim {
  key: string;
  model: string;
  storyline: string;
  condition: string;
  sampleIndex: number;
  seed: number;
  /** Resampling from a step of an episode: the sample's episode is a fork of it. */
  fork?: { episode: string; at: number };
}

export interface SampleResult {
  status: (typeof SAMPLE_STATUSES)[number];
  reason?: string | null;
  endedBy?: string | null;
  turns?: number;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number | null;
}

const nowIso = () => new Date().toISOString();

/** Where two specs differ, one line per changed value: `models[0].temperature: 1 → 0.5`. */
export function specDiff(before: unknown, after: unknown, path = ''): string[] {
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: string[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) out.push(...specDiff(before[i], after[i], `${path}[${i}]`));
    return out;
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => specDiff(before[k], after[k], path ? `${path}.${k}` : k));
  }
  return canonicalJson(before ?? null) === canonicalJson(after ?? null) && (before === undefined) === (after === undefined) ? [] : [`${path || '(spec)'}: ${show(before)} → ${show(after)}`];
}

/**
 * Runs on the control plane: a run is its spec (opaque JSON to the server, identified by its
 * hash), one runner holding it at a time, and its samples, each played in exactly one episode.
 */
export class RunService {
  /** Condition id → axis values, per storyline version (468 ids are not recomputed per sample). */
  private readonly conditions = new WeakMap<object, Map<string, Record<string, string>>>();

  constructor(private readonly engine: Engine) {}

  private get store() {
    return this.engine.store;
  }

  async get(id: string): Promise<RunRecord> {
    const run = await this.store.getRun(id);
    if (!run) throw new RequestError(404, 'unknown_run', `run: no run "${id}"; GET /v1/runs lists them`);
    return run;
  }

  /** Starts a run or takes it up again. The same id with another spec is refused with the
   * difference; a run another live runner holds is refused unless `takeover`. */
  async register(id: string, spec: unknown, owner: string, takeover = false): Promise<{ run: RunRecord; created: boolean }> {
    const specText = canonicalJson(spec);
    const specHash = sha256(specText);
    const now = nowIso();
    const existing = await this.store.getRun(id);
    if (!existing) {
      const run: RunRecord = { id, specHash, spec: specText, status: 'running', owner, heartbeatAt: now, createdAt: now, updatedAt: now };
      await this.store.createRun(run);
      return { run, created: true };
    }
    if (existing.specHash !== specHash) {
      const diff = specDiff(JSON.parse(existing.spec), spec);
      throw new RequestError(
        409,
        'spec_changed',
        `run ${id} was started on ${existing.createdAt} with another spec; its samples would not be comparable. What changed:\n  ${diff.join('\n  ')}\nUse a new run id, or put the spec back.`,
      );
    }
    const seconds = existing.heartbeatAt ? (Date.parse(now) - Date.parse(existing.heartbeatAt)) / 1000 : Infinity;
    if (existing.status === 'running' && existing.owner && existing.owner !== owner && seconds < RUN_LEASE_SECONDS && !takeover) {
      throw new RequestError(
        409,
        'run_busy',
        `run ${id} is held by another runner (last heard from ${Math.round(seconds)} s ago); wait for it to finish, stop it, or take the run over (backlot run --takeover) if that runner is gone`,
      );
    }
    const patch = { status: 'running', owner, heartbeatAt: now, updatedAt: now };
    await this.store.updateRun(id, patch);
    return { run: { ...existing, ...patch }, created: false };
  }

  /** The runner holding the run says it is alive, or sets its status; anyone else is refused. */
  async touch(id: string, owner: string, status?: (typeof RUN_STATUSES)[number]): Promise<RunRecord> {
    const run = await this.held(id, owner);
    const patch = { heartbeatAt: nowIso(), updatedAt: nowIso(), ...(status ? { status } : {}) };
    await this.store.updateRun(id, patch);
    return { ...run, ...patch };
  }

  /** A sample's episode: built now (with the sample row, atomically), or, for a sample begun
   * before, the same episode with a new agent token so the runner can carry on in it. */
  async claim(id: string, owner: string, claim: SampleClaim) {
    await this.held(id, owner);
    const before = await this.store.getRunSample(id, claim.key);
    if (before) return this.resume(id, before);
    const now = nowIso();
    await this.engine.storylines.refresh(); // one uploaded to another server is playable here
    const row = { runId: id, key: claim.key, model: claim.model, sampleIndex: claim.sampleIndex, status: 'started', reason: null, endedBy: null, turns: 0, inputTokens: 0, outputTokens: 0, costUsd: null, attempts: 1, startedAt: now, finishedAt: null };
    try {
      const { record, agentToken, state } = claim.fork
        ? await this.engine.fork(claim.fork.episode, { at: claim.fork.at, label: claim.model }, row)
        : await this.engine.createEpisode({ storyline: claim.storyline, variables: this.conditionVariables(claim.storyline, claim.condition), seed: claim.seed, label: claim.model }, row);
      const sample = await this.store.getRunSample(id, claim.key);
      return { resumed: false, sample: sample!, episode: { id: record.id, agentToken, condition: record.conditionId, seed: record.seed, prompts: state.prompts } };
    } catch (err) {
      if (err instanceof SampleTakenError) return this.resume(id, (await this.store.getRunSample(id, claim.key))!);
      throw err;
    }
  }

  async finish(id: string, owner: string, key: string, result: SampleResult): Promise<RunSampleRow> {
    await this.held(id, owner);
    const sample = await this.sample(id, key);
    const patch = { ...result, finishedAt: result.status === 'started' ? null : nowIso() };
    await this.store.updateRunSample(id, key, patch);
    return { ...sample, ...patch, reason: patch.reason ?? null, endedBy: patch.endedBy ?? null, costUsd: patch.costUsd ?? sample.costUsd };
  }

  async view(id: string) {
    const run = await this.get(id);
    const samples = await this.store.listRunSamples(id);
    return { ...runView(run), samples };
  }

  async list() {
    const runs = await this.store.listRuns();
    return Promise.all(runs.map(async (r) => ({ ...runView(r), counts: counts(await this.store.listRunSamples(r.id)) })));
  }

  private async resume(id: string, sample: RunSampleRow) {
    if (sample.status === 'done') throw new RequestError(409, 'sample_done', `run ${id}: sample ${sample.key} is finished (episode ${sample.episodeId}); nothing to resume`);
    const agentToken = await this.engine.reissueAgentToken(sample.episodeId);
    await this.store.updateRunSample(id, sample.key, { status: 'started', attempts: sample.attempts + 1, reason: null, finishedAt: null });
    const { state } = await this.engine.state(sample.episodeId);
    const record = await this.engine.getEpisode(sample.episodeId);
    const row = (await this.store.getRunSample(id, sample.key))!;
    return { resumed: true, sample: row, episode: { id: record.id, agentToken, condition: record.conditionId, seed: record.seed, prompts: state.prompts } };
  }

  private async sample(id: string, key: string): Promise<RunSampleRow> {
    const sample = await this.store.getRunSample(id, key);
    if (!sample) throw new RequestError(404, 'unknown_sample', `key: run ${id} has no sample "${key}"; claim it first (POST /v1/runs/${id}/samples)`);
    return sample;
  }

  private async held(id: string, owner: string): Promise<RunRecord> {
    const run = await this.get(id);
    if (run.owner !== owner) throw new RequestError(409, 'not_owner', `owner: run ${id} is held by another runner now; this runner must stop`);
    return run;
  }

  private conditionVariables(storylineId: string, condition: string): Record<string, string> {
    const entry = this.engine.storylines.get(storylineId);
    if (!entry) throw new RequestError(404, 'unknown_storyline', `storyline: no storyline "${storylineId}"${didYouMean(storylineId, this.engine.storylines.ids())}`);
    let byId = this.conditions.get(entry.storyline);
    if (!byId) {
      byId = new Map(declaredConditions(entry.storyline).map((v) => [conditionId(entry.storyline, v), v]));
      this.conditions.set(entry.storyline, byId);
    }
    const variables = byId.get(condition);
    if (!variables) throw new RequestError(400, 'unknown_condition', `condition: ${storylineId} has no condition "${condition}"${didYouMean(condition, byId.keys())}; GET /v1/storylines/${storylineId}/conditions lists them`);
    return variables;
  }
}

function runView(r: RunRecord) {
  return { id: r.id, specHash: r.specHash, status: r.status, owner: r.owner, heartbeatAt: r.heartbeatAt, createdAt: r.createdAt, updatedAt: r.updatedAt, spec: JSON.parse(r.spec) as unknown };
}

function counts(samples: RunSampleRow[]) {
  const out = { started: 0, done: 0, errored: 0 };
  for (const s of samples) if (s.status in out) out[s.status as keyof typeof out]++;
  return out;
}

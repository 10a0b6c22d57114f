import { randomBytes } from 'node:crypto';
import { formatLintMessage } from '../../world-seeds/lint.ts';
import type { BacklotClient } from '../sdk/client.ts';
import { BacklotApiError } from '../sdk/http.ts';
import type { RunDetail, StorylineSummary } from '../sdk/types.ts';
import { startFakeProvider, type FakeProvider } from './fake/server.ts';
import { resolveForkPoint } from './fork.ts';
import { apiKeyVariable, checkApiKeys, parseExperiment, resolveStorylines, type ParsedExperiment, type ResolvedStoryline } from './lint.ts';
import { playSample, type SampleOutcome, type SampleRuntime } from './loop.ts';
import { planSamples, type PlannedSample } from './plan.ts';
import { runPool } from './pool.ts';
import { Progress } from './progress.ts';
import { costOf, modelAdapter } from './providers/index.ts';
import { scoreRun } from './score.ts';
import { FAKE_BASE_URL, labelOf, runIdentity, type Experiment, type ModelSpec } from './spec.ts';

export interface RunnerIO {
  /** Results (the rates table). */
  out(text: string): void;
  /** Progress and messages. */
  err(text: string): void;
  /** Draw a progress bar (a terminal) rather than a line per sample. */
  tty: boolean;
}

export interface RunnerOptions {
  /** The experiment file's name (for messages) and its text. */
  file: string;
  text: string;
  client: BacklotClient;
  io: RunnerIO;
  env?: NodeJS.ProcessEnv;
  takeover?: boolean;
  dryRun?: boolean;
  /** Whether the episodes' side has a judge (known in-process; undefined against a server). */
  judgeConfigured?: boolean;
  heartbeatMs?: number;
}

export interface RunOutcome {
  exitCode: number;
  status: 'invalid' | 'refused' | 'planned' | 'finished' | 'interrupted' | 'failed';
  run?: RunDetail;
}

const hasErrors = (p: ParsedExperiment) => p.messages.some((m) => m.severity === 'error');

/** One invocation of `backlot run`: check the file, hold the run, play what is left, score. */
export class ExperimentRunner {
  readonly owner = `runner_${randomBytes(8).toString('hex')}`;
  private stopRequested = false;
  private fatal: string | null = null;
  private readonly stoppedModels = new Map<string, string>();

  constructor(private readonly o: RunnerOptions) {}

  /** Ctrl-C: nothing new starts; turns in flight finish and are recorded; samples stay resumable. */
  stop(): void {
    this.stopRequested = true;
  }

  private get stopping() {
    return this.stopRequested || this.fatal !== null;
  }

  async run(): Promise<RunOutcome> {
    const { client, io } = this.o;
    const checked = await this.check();
    if (!checked) return { exitCode: 1, status: 'invalid' };
    const { spec, resolved, summaries } = checked;
    const plan = planSamples(spec, resolved);
    if (this.o.dryRun) return this.describePlan(spec, plan);

    const identity = { ...runIdentity(spec), storylines_used: resolved.map((r) => ({ id: r.storyline, source: summaries.find((s) => s.id === r.storyline)?.sourceHash, conditions: r.conditions.map((c) => c.id) })) };
    let registered: RunDetail;
    try {
      registered = (await client.runs.register(spec.run, { spec: identity, owner: this.owner, takeover: this.o.takeover })).run;
    } catch (err) {
      if (!(err instanceof BacklotApiError)) throw err;
      io.err(`backlot run: ${err.message}\n`);
      return { exitCode: 1, status: 'refused' };
    }
    const before = new Map(registered.samples.map((s) => [s.key, s]));
    const todo = plan.filter((p) => before.get(p.key)?.status !== 'done');
    const finished = plan.map((p) => before.get(p.key)).filter((s) => s?.status === 'done');
    const priced = (label: string) => spec.models.find((m) => labelOf(m) === label)!;
    const progress = new Progress(
      {
        run: spec.run,
        total: plan.length,
        done: finished.length,
        errored: 0,
        tokens: finished.reduce((n, s) => n + s!.inputTokens + s!.outputTokens, 0),
        cost: spec.models.some((m) => m.price) ? finished.reduce((c, s) => c + (costOf(priced(s!.model), { input: s!.inputTokens, output: s!.outputTokens }) ?? 0), 0) : null,
      },
      io.err,
      io.tty,
    );
    if (finished.length) progress.log(`run ${spec.run}: ${finished.length} of ${plan.length} samples already done; ${todo.length} to play${todo.some((p) => before.get(p.key)?.status === 'errored') ? ' (errored ones are tried again)' : ''}`);

    const fake = spec.models.some((m) => m.base_url === FAKE_BASE_URL) ? await startFakeProvider() : undefined;
    const heartbeat = setInterval(() => this.heartbeat(spec.run), this.o.heartbeatMs ?? 5000);
    heartbeat.unref();
    const runtimes = new Map(spec.models.map((m) => [labelOf(m), this.runtime(spec, m, fake, progress)]));
    try {
      await runPool(todo, {
        global: spec.concurrency.global,
        groupOf: (s) => s.model.provider,
        groupLimit: (g) => spec.concurrency.per_provider[g as ModelSpec['provider']],
        skip: (s) => this.stoppedModels.has(s.label),
        stopped: () => this.stopping,
        work: (s) => this.play(runtimes.get(s.label)!, s, progress),
      });
    } finally {
      clearInterval(heartbeat);
      await fake?.close();
    }
    return this.finish(spec, plan, progress);
  }

  /** The file, the keys, the storylines and conditions; every problem at its line, all at once. */
  private async check(): Promise<{ spec: Experiment; resolved: ResolvedStoryline[]; summaries: StorylineSummary[] } | undefined> {
    const { client, io, file, text } = this.o;
    const parsed = parseExperiment(text, file);
    let resolved: ResolvedStoryline[] = [];
    let summaries: StorylineSummary[] = [];
    if (parsed.spec) {
      checkApiKeys(parsed, this.o.env ?? process.env);
      summaries = await client.storylines.list();
      const forked = await resolveForkPoint(parsed, client);
      resolved = forked ? [forked] : await resolveStorylines(parsed, { storylines: async () => summaries, conditions: (id) => client.storylines.conditions(id) });
      if (parsed.spec.judge && this.o.judgeConfigured === false) {
        parsed.at(['judge'], 'no judge is configured: set BACKLOT_JUDGE_BASE_URL and BACKLOT_JUDGE_MODEL (and BACKLOT_JUDGE_API_KEY), or leave judge out');
      }
    }
    const sorted = [...parsed.messages].sort((a, b) => a.line - b.line || a.col - b.col);
    for (const m of sorted) io.err(`${formatLintMessage(m)}\n`);
    if (!parsed.spec || hasErrors(parsed)) {
      io.err(`backlot run: ${sorted.filter((m) => m.severity === 'error').length} problem(s) in ${file}; nothing was run\n`);
      return undefined;
    }
    return { spec: parsed.spec, resolved, summaries };
  }

  private describePlan(spec: Experiment, plan: PlannedSample[]): RunOutcome {
    const conditions = new Set(plan.map((p) => p.condition.id)).size;
    this.o.io.out(`run ${spec.run}: ${spec.models.length} model(s) × ${conditions} condition(s) × ${spec.samples} sample(s) = ${plan.length} episodes\n`);
    for (const p of plan.slice(0, 10)) this.o.io.out(`  ${p.key}  seed ${p.seed}\n`);
    if (plan.length > 10) this.o.io.out(`  … and ${plan.length - 10} more\n`);
    return { exitCode: 0, status: 'planned' };
  }

  private runtime(spec: Experiment, model: ModelSpec, fake: FakeProvider | undefined, progress: Progress): SampleRuntime {
    const keyVar = apiKeyVariable(model);
    const baseUrl = model.base_url === FAKE_BASE_URL ? `${fake!.url}${model.provider === 'anthropic' ? '' : '/v1'}` : model.base_url;
    const apiKey = keyVar ? (this.o.env ?? process.env)[keyVar]! : 'no-key';
    return {
      client: this.o.client,
      runId: spec.run,
      owner: this.owner,
      limits: spec.limits,
      adapter: modelAdapter({ spec: model, apiKey, baseUrl }),
      apiKeyVariable: keyVar,
      baseUrl,
      stopping: () => this.stopping,
      onTurn: (_s, usage) => progress.turn(usage, costOf(model, usage)),
    };
  }

  private async play(rt: SampleRuntime, sample: PlannedSample, progress: Progress): Promise<void> {
    progress.sampleStarted();
    let outcome: SampleOutcome | undefined;
    try {
      outcome = await playSample(rt, sample);
    } catch (err) {
      this.fail(err);
    }
    if (outcome?.status === 'stopped' && outcome.failure && !this.stoppedModels.has(sample.label)) {
      this.stoppedModels.set(sample.label, outcome.failure.message);
      progress.log(`model ${sample.label} stopped: ${outcome.failure.message}\n  its samples that had not finished were left as they are; fix this and run the same command again`);
    }
    const status = outcome?.status === 'done' || outcome?.status === 'errored' ? outcome.status : null;
    const note = !outcome ? '' : outcome.status === 'errored' ? outcome.reason : `${outcome.episodeId}  ${outcome.turns} turn(s)${outcome.status === 'done' ? `, ${outcome.endedBy}` : ''}`;
    progress.sampleEnded(sample.key, status, note);
  }

  /** A failure of Backlot itself (or of this runner) stops the run; samples stay resumable. */
  private fail(err: unknown) {
    if (this.fatal) return;
    // A sample's agent token stops working when another runner resumes that sample.
    if (err instanceof BacklotApiError && (err.code === 'not_owner' || err.code === 'unauthorized')) this.fatal = 'another runner has taken this run over; this one stopped';
    else this.fatal = err instanceof Error ? err.message : String(err);
  }

  private async heartbeat(run: string) {
    try {
      await this.o.client.runs.touch(run, { owner: this.owner });
    } catch (err) {
      // A missed heartbeat is retried by the next one; only losing the run stops this runner.
      if (err instanceof BacklotApiError && err.code === 'not_owner') this.fail(err);
    }
  }

  private async finish(spec: Experiment, plan: PlannedSample[], progress: Progress): Promise<RunOutcome> {
    const { client, io } = this.o;
    const detail = await client.runs.get(spec.run);
    const byKey = new Map(detail.samples.map((s) => [s.key, s]));
    const left = plan.filter((p) => !['done', 'errored'].includes(byKey.get(p.key)?.status ?? ''));
    const status = left.length === 0 ? 'finished' : 'interrupted';
    if (!this.fatal?.startsWith('another runner')) await client.runs.touch(spec.run, { owner: this.owner, status }).catch(() => undefined);
    progress.stop();
    const t = progress.totals();
    const errored = plan.filter((p) => byKey.get(p.key)?.status === 'errored').length;
    io.err(`run ${spec.run}: ${plan.length - left.length - errored} done, ${errored} errored, ${left.length} left; ${t.finishedHere} finished in ${t.seconds.toFixed(1)} s${t.cost !== null ? `; cost so far $${t.cost.toFixed(4)}` : ''}\n`);
    if (this.fatal) {
      io.err(`backlot run: stopped: ${this.fatal}\n`);
      return { exitCode: 1, status: 'failed', run: detail };
    }
    if (this.stopRequested) {
      io.err(`stopped with ${left.length} sample(s) left; run the same command again to resume\n`);
      return { exitCode: 130, status: 'interrupted', run: detail };
    }
    const keys = new Set(plan.map((p) => p.key));
    const samples = detail.samples.filter((s) => keys.has(s.key));
    try {
      const report = await scoreRun(client, samples, spec.judge);
      io.out(report);
    } catch (err) {
      if (!(err instanceof BacklotApiError)) throw err;
      io.err(`backlot run: scoring failed: ${err.message}\n  the samples are kept; score them later with: backlot report --run ${spec.run}\n`);
      return { exitCode: 1, status, run: detail };
    }
    if (left.length) io.err(`${left.length} sample(s) were not played (a model was stopped); run the same command again once it is fixed\n`);
    return { exitCode: this.stoppedModels.size ? 1 : 0, status, run: detail };
  }
}

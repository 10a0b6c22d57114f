import type { Engine } from '../engine/engine.ts';
import { RequestError } from '../engine/engine.ts';
import type { LoggedEvent } from '../engine/events.ts';
import { runJudge, judgeVersion, type JudgeConfig } from './judge/index.ts';
import { scoreEvents, versionKey, type Verdict } from './verdict.ts';

/** Scores stored episodes and keeps their verdicts: one per (episode, versions, log). */
export class Scorer {
  constructor(
    private readonly engine: Engine,
    private readonly judge?: JudgeConfig,
  ) {}

  get judgeConfigured(): boolean {
    return this.judge !== undefined;
  }

  /** Scores an episode; an identical scoring (same log, same versions) returns the stored verdict. */
  async score(episodeId: string, opts: { judge?: boolean } = {}): Promise<{ verdict: Verdict; created: boolean }> {
    if (opts.judge && !this.judge) {
      throw new RequestError(400, 'judge_not_configured', 'judge: no judge is configured; set BACKLOT_JUDGE_BASE_URL and BACKLOT_JUDGE_MODEL (and BACKLOT_JUDGE_API_KEY) on the server, or score without the judge');
    }
    const record = await this.engine.getEpisode(episodeId);
    const events = await this.engine.events(episodeId);
    return this.scoreLog(record.id, record.label, events, opts);
  }

  async scoreLog(episodeId: string, label: string | null, events: LoggedEvent[], opts: { judge?: boolean } = {}) {
    const store = this.engine.store;
    const judge = opts.judge ? this.judge : undefined;
    const key = versionKey(judge ? judgeVersion(judge) : null);
    const last = events[events.length - 1];
    const existing = await store.findVerdict(episodeId, key, last.hash);
    if (existing) return { verdict: JSON.parse(existing.body) as Verdict, created: false };
    const origin = await this.originOf(episodeId);
    const verdict = await scoreEvents(events, { episodeId, label, ...(origin ? { origin } : {}) }, judge && { version: judgeVersion(judge), run: (log, b, f) => runJudge(store, judge, log, b, f) });
    // A judge that could not answer leaves the verdict undetermined; it is not kept, so the next
    // scoring asks the judge again.
    if (verdict.judge?.error) return { verdict, created: false };
    await store.saveVerdict({
      id: verdict.id,
      episodeId,
      versionKey: key,
      lastSeq: last.seq,
      lastHash: last.hash,
      harmful: verdict.harmful,
      createdAt: verdict.createdAt,
      body: JSON.stringify(verdict),
    });
    return { verdict, created: true };
  }

  /** "import" for an episode that came from an imported log, so the report can say so. */
  private async originOf(episodeId: string): Promise<string | undefined> {
    const record = await this.engine.getEpisode(episodeId).catch(() => undefined);
    return (record as { origin?: string } | undefined)?.origin;
  }

  /** The stored episodes, optionally of one storyline. */
  episodes(filter: { storylineId?: string } = {}) {
    return this.engine.store.listEpisodes({ storylineId: filter.storylineId, limit: 10_000_000 });
  }

  async verdicts(episodeId: string): Promise<Verdict[]> {
    await this.engine.getEpisode(episodeId);
    return (await this.engine.store.listVerdicts(episodeId)).map((r) => JSON.parse(r.body) as Verdict);
  }
}

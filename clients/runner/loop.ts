import type { AgentClient, BacklotClient } from '../sdk/client.ts';
import { BacklotApiError } from '../sdk/http.ts';
import type { LoggedEvent, SampleClaimResult, ToolOutcome } from '../sdk/types.ts';
import type { PlannedSample } from './plan.ts';
import { classifyFailure, type ModelFailure } from './providers/index.ts';
import { addUsage, ZERO_USAGE, type Conversation, type ModelAdapter, type ModelTurn, type ToolCall, type ToolResult, type Usage } from './providers/types.ts';

export interface SampleRuntime {
  client: BacklotClient;
  runId: string;
  owner: string;
  limits: { turns: number; minutes: number };
  adapter: ModelAdapter;
  apiKeyVariable: string | null;
  baseUrl?: string;
  /** True once the user asked to stop: the turn in flight is finished and recorded, then the
   * sample is left as it is, to be resumed. */
  stopping(): boolean;
  /** Each model turn's usage, as it happens (for the progress bar). */
  onTurn(sample: PlannedSample, usage: Usage): void;
}

type Ending =
  | { status: 'done'; endedBy: 'no_tool_calls' | 'turn_limit' | 'time_limit' | 'session_ended' | 'single_turn' }
  | { status: 'errored'; reason: string }
  /** Left to resume: the run is stopping, or the model was stopped (`failure`). */
  | { status: 'stopped'; failure?: ModelFailure };
export type SampleOutcome = { episodeId: string; turns: number; usage: Usage } & Ending;

/** What the model is shown of a tool's answer: the result, or the error that names the fix.
 * The same text is rebuilt from the log when a sample is resumed. */
export function resultText(outcome: Pick<ToolOutcome, 'ok'> & { result?: unknown; error?: unknown }): string {
  return JSON.stringify(outcome.ok ? outcome.result : outcome.error) ?? 'null';
}

/** What a recorded runner turn carries, under `metadata` of its `agent.message`. */
interface TurnRecord {
  runner: { run: string; sample: string; turn: number; owner: string };
  usage: Usage;
  latency_ms: number;
  tool_calls: ToolCall[];
  native: unknown;
}

/** Plays one sample to its end (or to a stop), recording every model turn in the episode's log. */
export async function playSample(rt: SampleRuntime, sample: PlannedSample): Promise<SampleOutcome> {
  const claim = await rt.client.runs.claim(rt.runId, rt.owner, { key: sample.key, model: sample.label, storyline: sample.storyline, condition: sample.condition.id, sampleIndex: sample.index, seed: sample.seed, ...(sample.fork ? { fork: sample.fork } : {}) });
  const episodeId = claim.episode.id;
  const agent = rt.client.agent(claim.episode.agentToken);
  // A fork starts with the conversation it shares with its parent.
  const earlier = claim.resumed || sample.fork ? await rt.client.episodes.events(episodeId) : [];
  const outcome = sample.model.protocol === 'single-turn' ? await singleTurn(rt, sample, claim, earlier) : await toolLoop(rt, sample, claim, agent, earlier);
  if (outcome.status !== 'stopped') {
    await rt.client.runs.finish(rt.runId, rt.owner, sample.key, {
      status: outcome.status,
      reason: outcome.status === 'errored' ? outcome.reason : null,
      endedBy: outcome.status === 'done' ? outcome.endedBy : null,
      turns: outcome.turns,
      inputTokens: outcome.usage.input,
      outputTokens: outcome.usage.output,
    });
  }
  return outcome;
}

async function toolLoop(rt: SampleRuntime, sample: PlannedSample, claim: SampleClaimResult, agent: AgentClient, earlier: LoggedEvent[]): Promise<SampleOutcome> {
  const episodeId = claim.episode.id;
  const tools = await agent.tools(rt.adapter.toolFormat);
  const conv = rt.adapter.start(claim.episode.prompts, tools);
  const restored = restore(conv, earlier, sample.key, sample.fork?.at);
  let { turns, usage, spentMs } = restored;
  if (turns) rt.onTurn(sample, usage); // turns played before an interruption count in this run's totals too
  const end = (o: Ending): SampleOutcome => ({ episodeId, turns, usage, ...o });
  if (restored.unfinished) {
    // Killed half-way through a turn: carry out the calls it had not reached, then go on.
    const results = await runCalls(agent, restored.unfinished.calls);
    conv.addResults([...restored.unfinished.done, ...results.results]);
    if (results.sessionEnded) return end({ status: 'done', endedBy: 'session_ended' });
  }
  if (restored.sessionEnded) return end({ status: 'done', endedBy: 'session_ended' });
  if (restored.lastHadNoCalls) return end({ status: 'done', endedBy: 'no_tool_calls' });
  const startedAt = performance.now();
  const budgetMs = rt.limits.minutes * 60_000 - spentMs;
  for (;;) {
    if (rt.stopping()) return end({ status: 'stopped' });
    if (turns >= rt.limits.turns) return end({ status: 'done', endedBy: 'turn_limit' });
    const left = budgetMs - (performance.now() - startedAt);
    if (left <= 0) return end({ status: 'done', endedBy: 'time_limit' });
    let turn: ModelTurn;
    try {
      turn = await conv.next(AbortSignal.timeout(Math.ceil(left)));
    } catch (err) {
      const failure = classifyFailure(err, sample.model, rt.apiKeyVariable, rt.baseUrl);
      if (failure.scope === 'aborted') return end({ status: 'done', endedBy: 'time_limit' });
      if (failure.scope === 'model') return end({ status: 'stopped', failure });
      return end({ status: 'errored', reason: failure.message });
    }
    try {
      await agent.message({ role: 'assistant', content: turn.text, ...(turn.reasoning ? { reasoning: turn.reasoning } : {}), model: sample.model.model, metadata: turnMetadata(rt, sample, turns, turn) });
    } catch (err) {
      // One outsized turn ends its sample, not the run.
      if (err instanceof BacklotApiError && err.status === 413) return end({ status: 'errored', reason: `turn ${turns}: too large to record (${err.message})` });
      throw err;
    }
    turns++;
    usage = addUsage(usage, turn.usage);
    rt.onTurn(sample, turn.usage);
    if (turn.toolCalls.length === 0) return end({ status: 'done', endedBy: 'no_tool_calls' });
    const { results, sessionEnded } = await runCalls(agent, turn.toolCalls);
    conv.addResults(results);
    if (sessionEnded) return end({ status: 'done', endedBy: 'session_ended' });
  }
}

function turnMetadata(rt: SampleRuntime, sample: PlannedSample, turn: number, t: ModelTurn): Record<string, unknown> & TurnRecord {
  return {
    runner: { run: rt.runId, sample: sample.key, turn, owner: rt.owner },
    provider: sample.model.provider,
    finish_reason: t.finishReason,
    usage: t.usage,
    latency_ms: t.latencyMs,
    attempts: t.attempts,
    tool_calls: t.toolCalls,
    native: t.native,
  };
}

/** Carries out a turn's tool calls in order, through the engine, as the model wrote them. */
async function runCalls(agent: AgentClient, calls: ToolCall[]): Promise<{ results: ToolResult[]; sessionEnded: boolean }> {
  const results: ToolResult[] = [];
  let sessionEnded = false;
  for (const call of calls) {
    const outcome = await agent.call(call.name, { raw: call.arguments });
    if (!outcome.ok && outcome.error.code === 'session_ended') sessionEnded = true;
    results.push({ call, content: resultText(outcome), isError: !outcome.ok });
  }
  return { results, sessionEnded };
}

/** Rebuilds a resumed sample's conversation from its log: each recorded turn, then the results
 * of its calls as the engine recorded them. A turn whose calls were not all made is returned
 * as `unfinished`. A fork's turns up to `inheritedTo` are its parent's: they count as turns of
 * the conversation, but their tokens and time were spent by the parent's sample. */
export function restore(conv: Conversation, events: LoggedEvent[], key: string, inheritedTo = -1) {
  let turns = 0;
  let usage: Usage = ZERO_USAGE;
  let spentMs = 0;
  let sessionEnded = false;
  let lastHadNoCalls = false;
  let unfinished: { calls: ToolCall[]; done: ToolResult[] } | undefined;
  for (let i = 0; i < events.length; i++) {
    const record = events[i].data.metadata as TurnRecord | undefined;
    const inherited = events[i].seq <= inheritedTo && !!record?.runner;
    if (events[i].type !== 'agent.message' || !record || (record.runner?.sample !== key && !inherited)) continue;
    conv.replay(record.native);
    turns++;
    if (!inherited) {
      usage = addUsage(usage, record.usage ?? ZERO_USAGE);
      spentMs += record.latency_ms ?? 0;
    }
    const calls = record.tool_calls ?? [];
    lastHadNoCalls = calls.length === 0;
    const nextMessage = events.findIndex((e, j) => j > i && e.type === 'agent.message');
    const answered = events.slice(i + 1, nextMessage < 0 ? undefined : nextMessage).filter((e) => e.type === 'agent.tool_call');
    const done = calls.slice(0, answered.length).map((call, j) => {
      const d = answered[j].data as { ok: boolean; result?: unknown; error?: { code?: string } };
      if (!d.ok && d.error?.code === 'session_ended') sessionEnded = true;
      return { call, content: resultText(d), isError: !d.ok };
    });
    if (done.length < calls.length) unfinished = { calls: calls.slice(done.length), done };
    else {
      unfinished = undefined;
      if (done.length) conv.addResults(done);
    }
  }
  return { turns, usage, spentMs, sessionEnded, lastHadNoCalls, unfinished };
}

/** The reference's one-prompt form: one model call, its text answer posted to the single-turn
 * route, whose action tags become recorded tool calls. */
async function singleTurn(rt: SampleRuntime, sample: PlannedSample, claim: SampleClaimResult, earlier: LoggedEvent[]): Promise<SampleOutcome> {
  const episodeId = claim.episode.id;
  const base = { episodeId, turns: 0, usage: ZERO_USAGE };
  if (earlier.some((e) => e.type === 'agent.message' && (e.data.metadata as { mode?: string } | undefined)?.mode === 'single_turn')) return { ...base, turns: 1, status: 'done', endedBy: 'single_turn' };
  if (rt.stopping()) return { ...base, status: 'stopped' };
  const prompt = await rt.client.episodes.singleTurn(episodeId);
  let turn: ModelTurn;
  try {
    turn = await rt.adapter.start({ system: prompt.system, user: prompt.user }, []).next(AbortSignal.timeout(rt.limits.minutes * 60_000));
  } catch (err) {
    const failure = classifyFailure(err, sample.model, rt.apiKeyVariable, rt.baseUrl);
    if (failure.scope === 'model') return { ...base, status: 'stopped', failure };
    return { ...base, status: 'errored', reason: failure.scope === 'aborted' ? `no answer within the ${rt.limits.minutes}-minute limit` : failure.message };
  }
  rt.onTurn(sample, turn.usage);
  const done = { ...base, turns: 1, usage: turn.usage };
  if (!turn.text.trim()) return { ...done, status: 'errored', reason: `the model answered with no text (finish reason ${turn.finishReason ?? 'none'})` };
  const { native: _n, toolCalls: _t, ...rest } = turnMetadata(rt, sample, 0, turn);
  await rt.client.episodes.answerSingleTurn(episodeId, { answer: turn.text, model: sample.model.model, metadata: { ...rest, ...(turn.reasoning ? { provider_reasoning: turn.reasoning } : {}) } });
  return { ...done, status: 'done', endedBy: 'single_turn' };
}

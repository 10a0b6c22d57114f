import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { approvalView } from '../../tools-api/approval/index.ts';
import { gateFor } from '../../tools-api/approval/gate.ts';
import { episodeTool, toolByName, toolsOf } from '../../tools-api/index.ts';
import { parseToolArgs } from '../../tools-api/schemas.ts';
import { addSeconds } from '../../primitives/time.ts';
import type { WorldState } from '../../tools-api/world.ts';
import { compileStoryline, formatPath, StorylineError, type CompiledWorld } from '../../world-seeds/compile.ts';
import { ConditionError } from '../../world-seeds/condition.ts';
import type { StorylineRegistry } from '../../world-seeds/registry.ts';
import type { EpisodeRecord, EventStore, RunSampleRow, Snapshot } from '../storage/store.ts';
import { SeqConflictError, StoreBusyError } from '../storage/store.ts';
import { boundsProblem, clippedJson, clippedText, formatProblem, LOG_BOUNDS, RECORDED_REFUSAL_CHARS } from '../input/bounds.ts';
import { DEFAULT_LIMITS, type EngineLimits } from './limits.ts';
import { RequestError } from './request-error.ts';
import { CommitFeed, type Commit } from './feed.ts';
import { RetryLaterError, backoff, WRITE_ATTEMPTS } from './retry.ts';
import { applyTo, emptyState, foldInto } from './apply.ts';
import { CommandContext, SpoiledWorld, provisional, type PendingEvent } from './context.ts';
import { GENESIS_HASH, LoggedEvent, dataJson, eventHash, sha256, verifyChain } from './events.ts';
import { resealForFork } from './fork.ts';
import { genesis } from './genesis.ts';
import { failure, runTool, type CallResult } from './run.ts';
import { own } from '../../tools-api/own.ts';

import { EpisodeMode } from '../../primitives/schema.ts';

export { EpisodeMode };

export { RequestError } from './request-error.ts';

export interface ToolOutcome {
  ok: boolean;
  status: number;
  result?: unknown;
  error?: { code: string; message: string; field?: string };
  seq: number;
}

interface Runtime {
  record: EpisodeRecord;
  state: WorldState;
  lastSeq: number;
  lastHash: string;
  /** Bytes of event data in the log (its JSON, as stored). */
  bytes: number;
  /** The last snapshot: its size, and `bytes` when it was taken (or when the world was loaded). */
  snapshot: { size: number; atBytes: number };
}

export type ApprovalDecision =
  | { ok: true; status: number; approval: ReturnType<typeof approvalView> }
  | { ok: false; status: number; error: { code: string; message: string } };

export interface EngineOptions {
  /** Save a state snapshot every this many events (a cache for loading and time travel). */
  snapshotEvery?: number;
  /** How many live episodes to keep in memory. */
  cacheSize?: number;
  /** Caps on episodes per server and on one episode's log. */
  limits?: Partial<EngineLimits>;
}

export type { Commit };

export const hashToken = (token: string) => sha256(`backlot-agent-token:${token}`);

export function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ');
}

/** The episode engine: every change to a world goes through here, as events in its log. */
export class Engine {
  private readonly cache = new Map<string, Runtime>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly feed: CommitFeed;
  private readonly stopFollowing?: () => void;
  private readonly snapshotEvery: number;
  private readonly cacheSize: number;
  readonly limits: EngineLimits;
  /** Where a fault of ours is reported (the server's log); the agent only hears that it happened. */
  onInternalError: (err: unknown, where: string) => void = () => {};

  constructor(
    readonly store: EventStore,
    readonly storylines: StorylineRegistry,
    opts: EngineOptions = {},
  ) {
    // Each snapshot writes the whole world; folding 500 events in place to load one costs a few ms.
    this.snapshotEvery = opts.snapshotEvery ?? 500;
    this.cacheSize = opts.cacheSize ?? 500;
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.feed = new CommitFeed(store, (err, where) => this.onInternalError(err, where));
    // Another replica's commits reach this server's streams in the episode's turn, in seq order.
    this.stopFollowing = store.onForeignCommit?.((episodeId, from, to) => {
      if (!this.feed.wanted(episodeId)) return void this.feed.foreign(episodeId, from, to, async () => undefined);
      this.exclusive(episodeId, () => this.feed.foreign(episodeId, from, to, () => this.store.getEpisode(episodeId))).catch((err) => this.onInternalError(err, `${episodeId}: events of another server`));
    });
  }

  /** Called after every append is durable — this server's and, where the store can tell,
   * other servers' on the same database — once per event, per episode in log order.
   * `wants`: whether the listener cares for an episode (another server's events cost a read). */
  onCommit(listener: (commit: Commit) => void, wants?: (episodeId: string) => boolean): () => void {
    return this.feed.subscribe(listener, wants);
  }

  /** Stops listening to other servers' commits (the store itself is closed by its owner). */
  close(): void {
    this.stopFollowing?.();
  }

  /** Refuses a new episode once the server holds its stated maximum. */
  private async checkEpisodeRoom(): Promise<void> {
    const count = await this.store.countEpisodes();
    if (count >= this.limits.maxEpisodes) {
      throw new RequestError(409, 'episode_limit', `this server holds ${count.toLocaleString('en-US')} episodes, its limit (BACKLOT_MAX_EPISODES=${this.limits.maxEpisodes}); raise the limit or use another data directory`);
    }
  }

  /** Compiles one condition of a storyline (or explains, as a 4xx, why it cannot). */
  compile(storylineId: string, variables: Record<string, string> = {}, seed = 0, mode?: EpisodeMode): CompiledWorld {
    const entry = this.storylines.get(storylineId);
    if (!entry) {
      throw new RequestError(404, 'unknown_storyline', `storyline: no storyline "${storylineId}"; available: ${this.storylines.ids().join(', ')}`);
    }
    try {
      return compileStoryline(entry.storyline, variables, seed, mode);
    } catch (err) {
      if (err instanceof ConditionError) throw new RequestError(400, 'invalid_condition', err.message);
      if (err instanceof StorylineError) throw new RequestError(422, 'storyline_error', err.message);
      throw err;
    }
  }

  /** `sample`: the run sample this episode plays; stored with the episode in one transaction. */
  async createEpisode(
    req: { storyline: string; variables?: Record<string, string>; seed?: number; mode?: EpisodeMode; label?: string },
    sample?: Omit<RunSampleRow, 'episodeId' | 'storylineId' | 'conditionId'>,
  ) {
    await this.checkEpisodeRoom();
    await this.storylines.refresh(); // uploaded to another server on the same database, or replaced there
    const seed = req.seed ?? randomBytes(4).readUInt32BE() % 2 ** 31;
    const world = this.compile(req.storyline, req.variables, seed, req.mode);
    const mode = world.mode;
    // Genesis builds the world as it emits its events: the log is hashed in one pass, stored in one batch.
    const built = genesis(world, seed, mode);
    const events = seal(built.events, -1, GENESIS_HASH, null);
    const agentToken = newAgentToken();
    const record: EpisodeRecord = {
      id: `ep_${randomBytes(8).toString('hex')}`,
      storylineId: world.storylineId,
      conditionId: world.conditionId,
      seed,
      mode,
      label: req.label ?? null,
      agentTokenHash: hashToken(agentToken),
      createdAt: new Date().toISOString(),
      origin: 'storyline',
    };
    await this.store.createEpisode(record, events, sample && { ...sample, episodeId: record.id, storylineId: record.storylineId, conditionId: record.conditionId });
    const state = built.state;
    // No snapshot of a new world: reading its genesis back and folding it costs what parsing one would.
    const bytes = dataBytes(events);
    this.remember({ record, state, lastSeq: events.length - 1, lastHash: events[events.length - 1].hash, bytes, snapshot: { size: 0, atBytes: bytes } });
    await this.feed.publish(record, events);
    // The live world: read what you need of it now (the next command changes it in place).
    return { record, agentToken, state, events: events.length };
  }

  /** A new episode from an exported log: checked link by link, then stored as it was. */
  async importLog(jsonl: string, label?: string) {
    await this.checkEpisodeRoom();
    const events: LoggedEvent[] = [];
    const lines = jsonl.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i].trim()) continue;
      if (events.length >= this.limits.maxEventsPerEpisode) {
        throw new RequestError(413, 'log_too_large', `line ${i + 1}: the log has more than ${this.limits.maxEventsPerEpisode.toLocaleString('en-US')} events, the limit of one episode (BACKLOT_MAX_EPISODE_EVENTS)`);
      }
      let raw: unknown;
      try {
        raw = JSON.parse(lines[i]);
      } catch {
        throw new RequestError(400, 'invalid_log', `line ${i + 1}: not valid JSON`);
      }
      // Checked before anything hashes or folds it: nesting, finite numbers, well-formed text.
      const problem = boundsProblem(raw, LOG_BOUNDS);
      if (problem) throw new RequestError(400, 'invalid_log', `line ${i + 1}: ${formatProblem(problem)}`);
      const parsed = LoggedEvent.safeParse(raw);
      if (!parsed.success) throw new RequestError(400, 'invalid_log', `line ${i + 1}: ${formatIssues(parsed.error)}`);
      events.push(parsed.data);
    }
    if (events.length === 0) throw new RequestError(400, 'invalid_log', 'the log is empty; send the JSONL exported by GET /v1/episodes/:id/events');
    if (events[0].type !== 'episode.created') throw new RequestError(400, 'invalid_log', 'line 1: a log must start with an episode.created event');
    const problem = verifyChain(events);
    if (problem) throw new RequestError(400, 'invalid_log', `seq ${problem.seq}: ${problem.problem}`);
    const state = emptyState();
    for (const e of events) {
      // A well-chained log can still describe an impossible world (hand-made, or from a newer version).
      try {
        applyTo(state, e);
      } catch (err) {
        throw new RequestError(400, 'invalid_log', `seq ${e.seq} (${e.type}): this event cannot be applied to the world before it (${(err as Error).message})`);
      }
    }
    const agentToken = newAgentToken();
    const record: EpisodeRecord = {
      id: `ep_${randomBytes(8).toString('hex')}`,
      storylineId: state.meta.storylineId,
      conditionId: state.meta.conditionId,
      seed: state.meta.seed,
      mode: state.meta.mode,
      label: label ?? null,
      agentTokenHash: hashToken(agentToken),
      createdAt: new Date().toISOString(),
      origin: 'import',
    };
    await this.store.createEpisode(record, events);
    const last = events[events.length - 1];
    const bytes = dataBytes(events);
    this.remember({ record, state, lastSeq: last.seq, lastHash: last.hash, bytes, snapshot: { size: 0, atBytes: bytes } });
    await this.feed.publish(record, events);
    return { record, agentToken, state, events: events.length };
  }

  /** A new episode whose log is this one's up to `at` (re-sealed, `forkedFrom` in its genesis),
   * with its own agent token; its world is the parent's state at `at`, built from the nearest
   * snapshot. A different `mode` is recorded as one more event, by the admin. */
  async fork(parentId: string, req: { at: number; mode?: EpisodeMode; label?: string }, sample?: Omit<RunSampleRow, 'episodeId' | 'storylineId' | 'conditionId'>) {
    await this.checkEpisodeRoom();
    const parent = await this.getEpisode(parentId);
    const lastSeq = await this.read(parent.id, (_state, seq) => seq);
    const { at } = req;
    if (!Number.isSafeInteger(at) || at < 0 || at > lastSeq) {
      throw new RequestError(400, 'invalid_seq', `at: must be a seq of episode ${parentId}, from 0 to ${lastSeq}; got ${at}`);
    }
    if (req.mode !== undefined && !EpisodeMode.safeParse(req.mode).success) {
      throw new RequestError(400, 'invalid_mode', `mode: must be one of ${EpisodeMode.options.join(', ')}; got "${req.mode}"`);
    }
    const snap = await this.snapshotAt(parent.id, at);
    const copied = await this.store.readEvents(parent.id, 0, at);
    // The world at `at`, from the nearest snapshot (a private world: the parent's live one is never shared).
    const state = foldInto(snap ? snap.world : emptyState(), snap ? copied.slice(snap.seq + 1) : copied);
    const events = resealForFork(copied, { episode: parent.id, seq: at, hash: copied[at].hash });
    if (req.mode && req.mode !== state.meta.mode) {
      const [change] = seal([{ type: 'episode.mode_changed', actor: 'admin', simTime: state.clock.now, data: { from: state.meta.mode, to: req.mode } }], at, events[at].hash, null);
      events.push(change);
      applyTo(state, change);
    }
    const agentToken = newAgentToken();
    const record: EpisodeRecord = {
      id: `ep_${randomBytes(8).toString('hex')}`,
      storylineId: parent.storylineId,
      conditionId: parent.conditionId,
      seed: parent.seed,
      mode: state.meta.mode,
      label: req.label ?? parent.label,
      agentTokenHash: hashToken(agentToken),
      createdAt: new Date().toISOString(),
      origin: 'fork',
    };
    await this.store.createEpisode(record, events, sample && { ...sample, episodeId: record.id, storylineId: record.storylineId, conditionId: record.conditionId });
    // The parent's snapshot is the fork's too (lineage is not state): loading the fork stays fast.
    if (snap) await this.store.saveSnapshot(record.id, { seq: snap.seq, state: snap.state, stateHash: snap.stateHash });
    const last = events[events.length - 1];
    const bytes = dataBytes(events);
    this.remember({ record, state, lastSeq: last.seq, lastHash: last.hash, bytes, snapshot: { size: snap?.state.length ?? 0, atBytes: bytes } });
    await this.feed.publish(record, events);
    return { record, agentToken, state, events: events.length };
  }

  /** The episode an agent token opens, asked of the store every time: another server may have
   * reissued the token (one indexed lookup). */
  async episodeForToken(token: string): Promise<EpisodeRecord | undefined> {
    return this.store.findEpisodeByTokenHash(hashToken(token));
  }

  /** A new agent token for an existing episode (the old one stops working): how a resumed run
   * sample gets back into its episode, since tokens are kept only as hashes. */
  async reissueAgentToken(episodeId: string): Promise<string> {
    const record = await this.getEpisode(episodeId);
    const agentToken = newAgentToken();
    await this.store.setAgentTokenHash(record.id, hashToken(agentToken));
    const cached = this.cache.get(record.id);
    if (cached) cached.record = { ...cached.record, agentTokenHash: hashToken(agentToken) };
    return agentToken;
  }

  async getEpisode(id: string): Promise<EpisodeRecord> {
    const record = await this.store.getEpisode(id);
    if (!record) throw new RequestError(404, 'unknown_episode', `episode: no episode "${id}"`);
    return record;
  }

  /** The world now (a copy of its own, safe to keep), or as it was right after event `atSeq`. */
  async state(episodeId: string, atSeq?: number): Promise<{ state: WorldState; seq: number }> {
    const now = await this.read(episodeId, (state, seq) => (atSeq === undefined || atSeq >= seq ? { state: structuredClone(state), seq } : undefined));
    if (now) return now;
    if (atSeq! < 0) throw new RequestError(400, 'invalid_seq', 'at: must be a seq of this episode (0 or more)');
    const snap = await this.snapshotAt(episodeId, atSeq);
    const base = snap ? snap.world : emptyState();
    const events = await this.store.readEvents(episodeId, snap ? snap.seq + 1 : 0, atSeq);
    return { state: foldInto(base, events), seq: atSeq! };
  }

  /** Reads the live world after every command before it has been recorded, and before the next
   * one starts: `look` must not keep the world it is given (it changes with the next command). */
  read<T>(episodeId: string, look: (state: WorldState, seq: number) => T): Promise<T> {
    return this.exclusive(episodeId, async () => {
      const runtime = await this.load(episodeId);
      return look(runtime.state, runtime.lastSeq);
    });
  }

  async events(episodeId: string, fromSeq?: number, toSeq?: number): Promise<LoggedEvent[]> {
    await this.getEpisode(episodeId);
    return this.store.readEvents(episodeId, fromSeq, toSeq);
  }

  /** One tool call: validate → check → compute events → append durably → apply → answer.
   * Every call is recorded, including those that fail validation or name no tool. */
  callTool(episodeId: string, sentName: string, rawArgs: unknown, rejection?: Rejection): Promise<ToolOutcome> {
    // A name no tool has may still be any text (MCP): recorded well-formed and short.
    const name = clippedText(sentName, 200);
    // Arguments out of bounds are refused before anything reads them, and recorded clipped.
    const problem = rejection ? null : boundsProblem(rawArgs ?? {});
    if (problem) rejection = { status: 400, code: 'invalid_arguments', message: `${name}: ${formatProblem(problem, '')}`, field: problem.path || undefined };
    const recordedArgs = (ok: boolean) => (ok ? (rawArgs ?? {}) : refusedArguments(rawArgs ?? {}));
    return this.command(episodeId, (pre, step) => {
      const tCall = addSeconds(pre.clock.now, pre.clock.stepSeconds, pre.clock.offsetMinutes);
      const call = (outcome: CallResult) => ({ type: 'agent.tool_call', actor: 'agent' as const, simTime: tCall, data: { tool: name, args: recordedArgs(outcome.ok), ...outcome } });
      // Carefully, the call works on a copy, so that a fault can leave the world as it was.
      const world = step.careful ? structuredClone(pre) : pre;
      try {
        return this.toolCommand(world, step, name, rawArgs, tCall, call, rejection);
      } catch (err) {
        if (err instanceof SpoiledWorld || !step.careful) throw new SpoiledWorld();
        // A fault of ours: nothing of the action is kept, but the call is, and the log says so.
        this.onInternalError(err, `${episodeId}: ${name}`);
        const outcome = failure(500, 'internal_error', `${name}: the company system failed to carry out this action, and it was not carried out; the failure is in the server log`);
        const pending = [call(outcome)];
        applyTo(pre, provisional(pending[0]));
        return { state: pre, pending, callIndex: 0, answer: (seq: number) => ({ ...outcome, seq }) };
      }
    });
  }

  /** The call itself, on a working copy of the world: the gate, validation, then the tool. */
  private toolCommand(pre: WorldState, step: Step, name: string, rawArgs: unknown, tCall: string, call: (o: CallResult) => PendingEvent, rejection?: Rejection) {
    const ctx = new CommandContext(pre, pre.clock.now, 'agent', step.careful);
    ctx.fireDue(tCall); // the world moves on before the agent's action lands
    const before = ctx.events.length;
    ctx.causeOfEffects = step.firstSeq + before; // the seq the call will have: its effects name it
    let outcome: CallResult;
    const world = ctx.state;
    const tool = episodeTool(world, name);
    const gate = tool && gateFor(world, tool);
    ctx.at(tCall);
    if (rejection) {
      outcome = failure(rejection.status, rejection.code, rejection.message, rejection.field);
    } else if (!tool || !gate) {
      outcome = failure(404, 'unknown_tool', `no tool named "${name}"; available tools: ${toolsOf(world).map((t) => t.name).join(', ')}`);
    } else if (world.session.ended) {
      outcome = failure(410, 'session_ended', `this assistant session has ended (${world.session.reason || 'decommissioned'}); no further actions are accepted`);
    } else if (gate.kind === 'refuse') {
      outcome = failure(gate.status, gate.code, gate.message);
      ctx.emit({ type: 'access.denied', data: { by: world.agent.email, tool: name, resource: `tool:${name}`, reason: gate.reason } });
    } else {
      const parsed = parseToolArgs(tool, rawArgs ?? {});
      if (!parsed.success) {
        outcome = failure(400, 'invalid_arguments', `${name}: ${formatIssues(parsed.error)}`, formatPath(parsed.error.issues[0]?.path ?? []));
      } else if (gate.kind === 'approval') {
        const approvalId = ctx.newId('apr', world.approvals.order.length);
        ctx.emit({ type: 'approval.requested', data: { approvalId, tool: name, args: rawArgs ?? {} } });
        outcome = { ok: true, status: 202, result: pendingApproval(approvalId, name) };
      } else {
        outcome = runTool(ctx, tool, parsed.data);
      }
    }
    const recorded = call(outcome);
    // The call only counts (stats, clock), so applying it after its effects gives the world a replay gives.
    applyTo(ctx.state, provisional(recorded));
    const pending = [...ctx.events.slice(0, before), recorded, ...ctx.events.slice(before)];
    return { state: ctx.state, pending, callIndex: before, answer: (seq: number) => ({ ...outcome, seq }) };
  }

  /** An overseer's decision on a pending action. Approved, the tool runs now, its effects
   * caused by the original call; denied, nothing happens. Refused decisions are recorded too. */
  decideApproval(episodeId: string, approvalId: string, decision: 'approved' | 'denied', note?: string): Promise<ApprovalDecision> {
    return this.command<ApprovalDecision>(episodeId, (pre, step) => {
      const ctx = new CommandContext(pre, pre.clock.now, 'agent', step.careful);
      const item = own(pre.approvals.items, approvalId);
      const refused = (status: number, code: string, message: string) => {
        ctx.emit({ type: 'approval.decision_refused', actor: 'admin', data: { approvalId, decision, reason: code } });
        return { state: ctx.state, pending: ctx.events, callIndex: null, answer: () => ({ ok: false as const, status, error: { code, message } }) };
      };
      if (!item) return refused(404, 'unknown_approval', `approvalId: this episode has no approval "${approvalId}"; GET /v1/episodes/${episodeId}/approvals lists its approvals`);
      if (item.status !== 'pending') return refused(409, 'already_decided', `approvalId: ${approvalId} was already ${item.status} at ${item.decidedAt}; a decision cannot be changed`);
      ctx.causeOfEffects = item.callSeq;
      ctx.emit({ type: 'approval.decided', actor: 'admin', data: { approvalId, decision, ...(note ? { note } : {}) } });
      if (decision === 'approved') {
        const tool = toolByName(item.tool)!;
        const parsed = parseToolArgs(tool, item.args);
        const result = ctx.state.session.ended
          ? failure(410, 'session_ended', `the assistant session has ended (${ctx.state.session.reason || 'decommissioned'}); the action was not carried out`)
          : parsed.success
            ? runTool(ctx, tool, parsed.data)
            : failure(400, 'invalid_arguments', `${item.tool}: ${formatIssues(parsed.error)}`);
        ctx.emit({ type: 'approval.executed', actor: 'system', data: { approvalId, tool: item.tool, ...result } });
      }
      for (const e of ctx.events) e.cause = item.callSeq;
      const view = approvalView(ctx.state.approvals.items[approvalId]);
      return { state: ctx.state, pending: ctx.events, callIndex: null, answer: () => ({ ok: true as const, status: 200, approval: view }) };
    });
  }

  /** Records the model's own message or reasoning, as posted by the agent's harness. */
  recordMessage(episodeId: string, message: Record<string, unknown>) {
    return this.command(episodeId, (pre) => {
      const said: PendingEvent = { type: 'agent.message', actor: 'agent', simTime: pre.clock.now, data: message };
      applyTo(pre, provisional(said));
      return { state: pre, pending: [said], callIndex: null, answer: (seq: number) => ({ seq }) };
    });
  }

  /**
   * Serialises commands per episode. A command computes its events on the live world in place
   * (the fast path), brought up to the log's true end first (another server may have written);
   * they are appended, and the answer given, once the store has committed them. Anything that
   * leaves the world ahead of its log (a fault, a refused append, a refusal that takes back
   * events) drops the world from the cache, to be read afresh from the store. Losing a race to
   * another writer is not the agent's problem: the call runs again on the new log, a bounded
   * number of times, and then the agent is told to retry (503), with nothing recorded.
   */
  private async command<T>(episodeId: string, compute: (state: WorldState, step: Step) => Computed<T>): Promise<T> {
    return this.exclusive(episodeId, async () => {
      for (let attempt = 1; ; attempt++) {
        let runtime = await this.load(episodeId);
        this.checkLogRoom(runtime);
        let done: Computed<T>;
        try {
          done = compute(runtime.state, { firstSeq: runtime.lastSeq + 1, careful: false });
        } catch (err) {
          this.cache.delete(episodeId);
          if (!(err instanceof SpoiledWorld)) throw err;
          runtime = await this.load(episodeId);
          try {
            done = compute(runtime.state, { firstSeq: runtime.lastSeq + 1, careful: true });
          } catch (fault) {
            this.cache.delete(episodeId); // careful or not, a command that fails leaves no trace
            throw fault;
          }
        }
        const events = seal(done.pending, runtime.lastSeq, runtime.lastHash, done.callIndex);
        try {
          await this.store.append(episodeId, events);
        } catch (err) {
          this.cache.delete(episodeId);
          const retryable = err instanceof SeqConflictError || err instanceof StoreBusyError;
          // A lost connection may still have committed: then the call is in the log, and answered.
          if (!(err instanceof StoreBusyError && (await this.landed(episodeId, events)))) {
            if (!retryable) throw err;
            if (attempt >= WRITE_ATTEMPTS) throw new RetryLaterError(episodeId, attempt, err);
            await backoff(attempt);
            continue;
          }
        }
        const last = events[events.length - 1];
        const prevSeq = runtime.lastSeq;
        Object.assign(runtime, { state: done.state, lastSeq: last.seq, lastHash: last.hash, bytes: runtime.bytes + dataBytes(events) });
        this.remember(runtime);
        await this.feed.publish(runtime.record, events);
        await this.maybeSnapshot(runtime, prevSeq);
        return done.answer(done.callIndex === null ? last.seq : events[done.callIndex].seq);
      }
    });
  }

  /** Whether exactly these events are in the log (a write whose answer was lost). */
  private async landed(episodeId: string, events: readonly LoggedEvent[]): Promise<boolean> {
    try {
      const found = await this.store.readEvents(episodeId, events[0].seq, events[events.length - 1].seq);
      return found.length === events.length && found.every((e, i) => e.hash === events[i].hash);
    } catch {
      return false; // cannot tell yet: the retry will find out (its append conflicts if they landed)
    }
  }

  /** An episode whose log has reached its stated size takes nothing more (and records nothing). */
  private checkLogRoom(runtime: Runtime): void {
    const { maxEventsPerEpisode: maxEvents, maxBytesPerEpisode: maxBytes } = this.limits;
    const events = runtime.lastSeq + 1;
    if (events < maxEvents && runtime.bytes < maxBytes) return;
    const what = events >= maxEvents ? `${events.toLocaleString('en-US')} events (limit ${maxEvents.toLocaleString('en-US')}, BACKLOT_MAX_EPISODE_EVENTS)` : `${runtime.bytes.toLocaleString('en-US')} bytes (limit ${maxBytes.toLocaleString('en-US')}, BACKLOT_MAX_EPISODE_BYTES)`;
    throw new RequestError(409, 'episode_log_full', `episode ${runtime.record.id}: its log is full at ${what}; nothing more is accepted or recorded; build a new episode`);
  }

  private async exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      return await next;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }

  /** The episode's world at the log's true end: the cached one, with any events another server
   * appended since folded in (one indexed read, usually empty), else read from the store. */
  private async load(episodeId: string): Promise<Runtime> {
    const hit = this.cache.get(episodeId);
    if (hit) {
      const missing = await this.store.readEvents(episodeId, hit.lastSeq + 1);
      if (missing.length === 0 || missing[0].prevHash === hit.lastHash) {
        if (missing.length) this.catchUp(hit, missing);
        this.remember(hit);
        await this.feed.publish(hit.record, missing);
        return hit;
      }
      this.cache.delete(episodeId); // the log does not continue this world: read it afresh
    }
    const record = await this.getEpisode(episodeId);
    const snap = await this.snapshotAt(episodeId);
    const base = snap ? snap.world : emptyState();
    const events = await this.store.readEvents(episodeId, snap ? snap.seq + 1 : 0);
    const last = events.length ? events[events.length - 1] : await this.store.lastEvent(episodeId);
    if (!last) throw new Error(`episode ${episodeId} has no events`);
    const { bytes } = await this.store.episodeSize(episodeId);
    const runtime = { record, state: foldInto(base, events), lastSeq: last.seq, lastHash: last.hash, bytes, snapshot: { size: snap?.state.length ?? 0, atBytes: bytes } };
    this.remember(runtime);
    return runtime;
  }

  /** The nearest snapshot at or before `atSeq`, parsed, if it is what was saved: its text must
   * hash to the hash saved with it and read as a world. A damaged one (the database edited, a
   * disk error) is reported and passed over: the log is the truth, and folding it from the
   * start costs time, not correctness. */
  private async snapshotAt(episodeId: string, atSeq?: number): Promise<(Snapshot & { world: WorldState }) | undefined> {
    const snap = await this.store.loadSnapshot(episodeId, atSeq);
    if (!snap) return undefined;
    let world: unknown;
    try {
      if (sha256(snap.state) !== snap.stateHash) throw new Error('its text does not hash to the hash saved with it');
      world = JSON.parse(snap.state);
      const w = world as Partial<Record<keyof WorldState, unknown>> | null;
      if (!w || typeof w !== 'object' || !w.clock || typeof w.clock !== 'object' || !w.meta || typeof w.meta !== 'object') throw new Error('its text is not a world');
    } catch (err) {
      this.onInternalError(new Error(`the snapshot at seq ${snap.seq} is damaged (${(err as Error).message}); the world is folded from the log instead`), `${episodeId}: snapshot at seq ${snap.seq}`);
      return undefined;
    }
    return { ...snap, world: world as WorldState };
  }

  /** Folds events another server appended into a cached world. */
  private catchUp(runtime: Runtime, missing: readonly LoggedEvent[]): void {
    foldInto(runtime.state, missing);
    const last = missing[missing.length - 1];
    Object.assign(runtime, { lastSeq: last.seq, lastHash: last.hash, bytes: runtime.bytes + dataBytes(missing) });
  }

  private remember(runtime: Runtime): void {
    this.cache.delete(runtime.record.id);
    this.cache.set(runtime.record.id, runtime);
    while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }

  /** A snapshot when the log crosses a multiple of snapshotEvery, once at least half a snapshot's
   * worth of data has been appended since the last: each costs the whole world, so a long
   * episode still pays a constant share per event, and a load folds at most that much. */
  private async maybeSnapshot(runtime: Runtime, prevSeq: number) {
    const { lastSeq, bytes, snapshot } = runtime;
    if (Math.floor((prevSeq + 1) / this.snapshotEvery) === Math.floor((lastSeq + 1) / this.snapshotEvery)) return;
    if (bytes - snapshot.atBytes < snapshot.size / 2) return;
    const text = JSON.stringify(runtime.state);
    runtime.snapshot = { size: text.length, atBytes: bytes };
    try {
      await this.store.saveSnapshot(runtime.record.id, { seq: lastSeq, state: text, stateHash: sha256(text) });
    } catch (err) {
      // A cache only: the call it follows is recorded, and the next crossing takes one.
      this.onInternalError(err, `${runtime.record.id}: snapshot at seq ${lastSeq}`);
    }
  }
}

/** Where a command's events will go in the log, and whether to run it carefully (see CommandContext). */
interface Step {
  firstSeq: number;
  careful: boolean;
}

/** A command's outcome before it is recorded: the world after it, its events, the answer. */
interface Computed<T> {
  state: WorldState;
  pending: PendingEvent[];
  callIndex: number | null;
  answer: (seq: number) => T;
}

/** What the agent is told when its action waits for an overseer. */
function pendingApproval(approvalId: string, tool: string) {
  return {
    status: 'pending_approval',
    approval_id: approvalId,
    message: `${tool} needs approval from your overseer before it takes effect; it has not been carried out yet. Use list_approval_requests to see the decision.`,
  };
}

/** A call refused before it ran: what the engine takes besides the arguments. */
export interface Rejection {
  status: number;
  code: string;
  message: string;
  field?: string;
}

/** A refused call's arguments as recorded: whole when small and well-formed, else a clipped
 * JSON rendering (arguments out of bounds cannot be stored as data). */
function refusedArguments(args: unknown): unknown {
  const { text, clipped } = clippedJson(args, RECORDED_REFUSAL_CHARS);
  if (!clipped && !boundsProblem(args)) return args;
  return { refused_arguments: text, ...(clipped ? { clipped_at_chars: RECORDED_REFUSAL_CHARS } : {}) };
}

/** Bytes of the events' data as the store keeps it (JSON). */
function dataBytes(events: readonly LoggedEvent[]): number {
  return events.reduce((n, e) => n + Buffer.byteLength(dataJson(e)), 0);
}

function newAgentToken(): string {
  return `bka_${randomBytes(24).toString('base64url')}`;
}

/** Numbers, chains and hashes proposed events; events after the tool call name it as their cause. */
function seal(pending: PendingEvent[], lastSeq: number, lastHash: string, callIndex: number | null): LoggedEvent[] {
  const wallTime = new Date().toISOString();
  const out: LoggedEvent[] = [];
  let prevHash = lastHash;
  pending.forEach((p, i) => {
    const seq = lastSeq + 1 + i;
    const cause = p.cause !== undefined ? p.cause : callIndex !== null && i > callIndex ? lastSeq + 1 + callIndex : null;
    const base = { seq, simTime: p.simTime, actor: p.actor, type: p.type, cause, data: p.data, prevHash };
    const hash = eventHash(base);
    out.push({ ...base, wallTime, hash });
    prevHash = hash;
  });
  return out;
}

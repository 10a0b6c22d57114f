import { Http, apiError, type Fetch } from './http.ts';
import type {
  AgentMessageRequest,
  Approval,
  ClaimSampleRequest,
  Condition,
  CreatedEpisode,
  CreateEpisodeRequest,
  EpisodeDetail,
  EpisodeOverview,
  EpisodeView,
  FinishSampleRequest,
  ForkedEpisode,
  ForkRequest,
  LoggedEvent,
  RunDetail,
  RunSampleRow,
  RunView,
  SampleClaimResult,
  SingleTurnPrompt,
  SingleTurnResult,
  StorylineDetail,
  StorylinePreview,
  StorylineSummary,
  ToolDescription,
  ToolFormat,
  ToolOutcome,
  Verdict,
  WorldDiff,
  WorldState,
} from './types.ts';

export interface ClientOptions {
  /** e.g. http://localhost:4100 */
  baseUrl: string;
  /** The admin token, for the control plane. Not needed for `agent(token)` alone. */
  adminToken?: string;
  fetch?: Fetch;
}

const id = encodeURIComponent;

function parseJsonl(text: string): LoggedEvent[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LoggedEvent);
}

/** Backlot's control plane (admin token) and, through `agent(token)`, its agent plane. */
export class BacklotClient {
  readonly http: Http;
  private readonly adminToken: string;

  constructor(opts: ClientOptions) {
    this.http = new Http(opts);
    this.adminToken = opts.adminToken ?? '';
  }

  private get<T>(path: string, query?: Record<string, string | number | boolean | undefined>) {
    return this.http.json<T>('GET', path, { token: this.adminToken, query });
  }

  private send<T>(method: string, path: string, body?: unknown) {
    return this.http.json<T>(method, path, { token: this.adminToken, body: body ?? {} });
  }

  /** The agent plane of one episode: its token alone names the episode. */
  agent(agentToken: string): AgentClient {
    return new AgentClient(this.http, agentToken);
  }

  health() {
    return this.http.json<{ ok: boolean; store: string; storylines: number }>('GET', '/healthz', { token: '' });
  }

  readonly storylines = {
    list: async () => (await this.get<{ storylines: StorylineSummary[] }>('/v1/storylines')).storylines,
    get: (storyline: string) => this.get<StorylineDetail>(`/v1/storylines/${id(storyline)}`),
    conditions: async (storyline: string) => (await this.get<{ conditions: Condition[] }>(`/v1/storylines/${id(storyline)}/conditions`)).conditions,
    /** One declared condition (default: the headline one) as the agent first sees it. */
    preview: (storyline: string, opts: { condition?: string; seed?: number } = {}) => this.get<StorylinePreview>(`/v1/storylines/${id(storyline)}/preview`, opts),
    /** Lints and registers a storyline (YAML text). */
    upload: (yaml: string) =>
      this.http.json<StorylineSummary & { replaced: boolean; warnings: string[] }>('POST', '/v1/storylines', { token: this.adminToken, text: { body: yaml, contentType: 'application/yaml' } }),
  };

  readonly episodes = {
    create: (body: CreateEpisodeRequest) => this.send<CreatedEpisode>('POST', '/v1/episodes', body),
    list: async (query: { storyline?: string; limit?: number; offset?: number } = {}) => (await this.get<{ episodes: EpisodeView[] }>('/v1/episodes', query)).episodes,
    get: (episode: string) => this.get<EpisodeDetail>(`/v1/episodes/${id(episode)}`),
    /** The newest episodes with status, events and latest findings, filtered. */
    overview: async (query: { storyline?: string; label?: string; mode?: string; status?: EpisodeOverview['status']; limit?: number } = {}) =>
      (await this.get<{ episodes: EpisodeOverview[] }>('/v1/episodes/overview', query)).episodes,
    /** The log, as the exported JSONL text. */
    log: (episode: string, range: { from?: number; to?: number } = {}) => this.http.textBody('GET', `/v1/episodes/${id(episode)}/events`, { token: this.adminToken, query: range }),
    events: async (episode: string, range: { from?: number; to?: number } = {}) => parseJsonl(await this.episodes.log(episode, range)),
    state: (episode: string, at?: number) => this.get<{ seq: number; stateHash: string; state: WorldState }>(`/v1/episodes/${id(episode)}/state`, { at }),
    /** A new episode whose log is this one's up to `at`, with its own agent token. */
    fork: (episode: string, body: ForkRequest) => this.send<ForkedEpisode>('POST', `/v1/episodes/${id(episode)}/fork`, body),
    /** What changed in the world between two steps (`to` defaults to now). */
    diff: (episode: string, range: { from: number; to?: number }) => this.get<WorldDiff>(`/v1/episodes/${id(episode)}/diff`, range),
    import: (jsonl: string, label?: string) =>
      this.http.json<EpisodeView & { agentToken: string; events: number }>('POST', '/v1/episodes/import', {
        token: this.adminToken,
        text: { body: jsonl, contentType: 'application/x-ndjson' },
        query: { label },
      }),
    singleTurn: (episode: string, opts: { scratchpad?: boolean; actions?: 'reference' | 'all' } = {}) =>
      this.get<SingleTurnPrompt>(`/v1/episodes/${id(episode)}/single-turn`, { scratchpad: opts.scratchpad, actions: opts.actions }),
    answerSingleTurn: (episode: string, body: { answer: string; model?: string; metadata?: Record<string, unknown> }) =>
      this.send<SingleTurnResult>('POST', `/v1/episodes/${id(episode)}/single-turn`, body),
    score: (episode: string, opts: { judge?: boolean } = {}) => this.send<{ ok: true; created: boolean; verdict: Verdict }>('POST', `/v1/episodes/${id(episode)}/score`, { judge: opts.judge ?? false }),
    verdicts: async (episode: string) => (await this.get<{ verdicts: Verdict[] }>(`/v1/episodes/${id(episode)}/verdicts`)).verdicts,
    approvals: (episode: string) => this.get<{ mode: string; pending: number; approvals: Approval[] }>(`/v1/episodes/${id(episode)}/approvals`),
    decide: (episode: string, approvalId: string, body: { decision: 'approved' | 'denied'; note?: string }) =>
      this.send<{ ok: true; approval: Approval }>('POST', `/v1/episodes/${id(episode)}/approvals/${id(approvalId)}`, body),
  };

  /** Runs are held by one runner at a time (`owner`); see docs/running-experiments.md. */
  readonly runs = {
    list: async () => (await this.get<{ runs: (RunView & { counts: { started: number; done: number; errored: number } })[] }>('/v1/runs')).runs,
    get: (run: string) => this.get<RunDetail>(`/v1/runs/${id(run)}`),
    register: (run: string, body: { spec: Record<string, unknown>; owner: string; takeover?: boolean }) => this.send<{ created: boolean; run: RunDetail }>('PUT', `/v1/runs/${id(run)}`, body),
    touch: (run: string, body: { owner: string; status?: 'running' | 'interrupted' | 'finished' }) => this.send<{ id: string; status: string; heartbeatAt: string }>('PATCH', `/v1/runs/${id(run)}`, body),
    claim: (run: string, owner: string, body: ClaimSampleRequest) => this.send<SampleClaimResult>('POST', `/v1/runs/${id(run)}/samples`, { owner, ...body }),
    finish: async (run: string, owner: string, key: string, body: FinishSampleRequest) =>
      (await this.send<{ sample: RunSampleRow }>('PUT', `/v1/runs/${id(run)}/samples/${id(key)}`, { owner, ...body })).sample,
  };
}

/** What an agent can do: list its tools in a model API's shape, call them, record its words. */
export class AgentClient {
  constructor(
    private readonly http: Http,
    private readonly token: string,
  ) {}

  async tools(format: ToolFormat = 'backlot'): Promise<unknown[]> {
    return (await this.http.json<{ tools: unknown[] }>('GET', '/v1/agent/tools', { token: this.token, query: { format } })).tools;
  }

  async describeTools(): Promise<ToolDescription[]> {
    return (await this.tools('backlot')) as ToolDescription[];
  }

  /** Calls a tool. `args` is an object, or `{ raw }`: the model's argument text exactly as it
   * wrote it, so that even malformed JSON is recorded as its (failed) call. */
  async call(name: string, args: Record<string, unknown> | { raw: string } = {}): Promise<ToolOutcome> {
    const body = 'raw' in args && typeof args.raw === 'string' ? args.raw : JSON.stringify(args);
    // An empty name would miss the route and go unrecorded; a blank one is recorded as unknown.
    const res = await this.http.send('POST', `/v1/agent/tools/${id(name || ' ')}`, { token: this.token, text: { body, contentType: 'application/json' } });
    if (res.status >= 500 || res.status === 401 || res.status === 403) throw await apiError(res);
    const out = (await res.json()) as Omit<ToolOutcome, 'status'>;
    return { ...out, status: res.status } as ToolOutcome;
  }

  /** Records the model's own message, reasoning and metadata in the episode's log. */
  async message(body: AgentMessageRequest): Promise<{ seq: number }> {
    return this.http.json<{ seq: number }>('POST', '/v1/agent/messages', { token: this.token, body });
  }
}

// The shapes Backlot answers with. Where the server has the definition, the type is imported
// from it (types only: nothing of the server is loaded at run time).
import type { z } from 'zod';
import type { LoggedEvent } from '../../server/engine/events.ts';
import type { AgentMessage } from '../../server/routes/agent.ts';
import type { CreateEpisode } from '../../server/routes/control.ts';
import type { ClaimSample, FinishSample } from '../../server/routes/runs.ts';
import type { ForkEpisode } from '../../server/routes/timeline.ts';
import type { Verdict } from '../../server/scoring/verdict.ts';
import type { RunSampleRow } from '../../server/storage/store.ts';
import type { approvalView } from '../../tools-api/approval/index.ts';
import type { ToolFormat } from '../../tools-api/adapters/index.ts';
import type { describeTool } from '../../tools-api/schemas.ts';
import type { WorldState } from '../../tools-api/world.ts';

export type { LoggedEvent, RunSampleRow, ToolFormat, Verdict, WorldState };

export type CreateEpisodeRequest = z.input<typeof CreateEpisode>;
export type AgentMessageRequest = z.input<typeof AgentMessage>;
export type ClaimSampleRequest = Omit<z.input<typeof ClaimSample>, 'owner'>;
export type FinishSampleRequest = Omit<z.input<typeof FinishSample>, 'owner'>;
export type ToolDescription = ReturnType<typeof describeTool>;
export type Approval = ReturnType<typeof approvalView>;

export interface Prompts {
  system: string;
  user: string;
}

export interface EpisodeView {
  id: string;
  storyline: string;
  condition: string;
  seed: number;
  mode: string;
  label: string | null;
  origin: string;
  createdAt: string;
}

export interface CreatedEpisode extends EpisodeView {
  agentToken: string;
  agent: WorldState['agent'];
  prompts: Prompts;
  startsAt: string;
  endpoints: { rest: string; mcp: string };
  tools: ToolDescription[];
}

export interface EpisodeDetail extends EpisodeView {
  events: number;
  lastSeq: number;
  clock: { start: string; now: string };
  variables: Record<string, string>;
  stats: WorldState['stats'];
  session: WorldState['session'];
  agent: WorldState['agent'];
  prompts: Prompts;
  /** Set on a fork: its parent and the last step they share. */
  forkedFrom?: { episode: string; seq: number; hash: string };
}

export type ForkRequest = z.input<typeof ForkEpisode>;
export interface ForkedEpisode extends EpisodeView {
  forkedFrom: { episode: string; seq: number };
  agentToken: string;
  events: number;
  lastSeq: number;
  stateHash: string;
  agent: WorldState['agent'];
  prompts: Prompts;
}
export type { WorldDiff } from '../../server/timeline/diff.ts';
export type { EpisodeOverview, StorylinePreview } from '../../server/routes/overview.ts';

export interface StorylineSummary {
  id: string;
  title: string;
  about: string;
  company: string;
  origin: 'built-in' | 'uploaded';
  sourceHash: string;
  axes: Record<string, { values: string[]; default: string }>;
  conditions: number;
}

export interface StorylineDetail extends Omit<StorylineSummary, 'conditions'> {
  conditions: string[];
}

export interface Condition {
  id: string;
  variables: Record<string, string>;
}

/** What the agent plane answers to a tool call: a 4xx is an answer the model reads, not a throw. */
export type ToolOutcome = { ok: true; status: number; result: unknown } | { ok: false; status: number; error: { code: string; message: string; field?: string } };

export interface SingleTurnPrompt {
  episode: string;
  condition: string;
  system: string;
  user: string;
  messages: { role: 'system' | 'user'; content: string }[];
  emails: unknown[];
}

export interface SingleTurnResult {
  ok: true;
  messageSeq: number;
  actions: ({ tag: string; tool: string; args: unknown } & Omit<ToolOutcome, 'status'>)[];
  reasoningBlocks: number;
  note?: string;
}

export interface RunView {
  id: string;
  specHash: string;
  status: string;
  owner: string | null;
  heartbeatAt: string | null;
  createdAt: string;
  updatedAt: string;
  spec: unknown;
}

export interface RunDetail extends RunView {
  samples: RunSampleRow[];
}

export interface SampleClaimResult {
  resumed: boolean;
  sample: RunSampleRow;
  episode: { id: string; agentToken: string; condition: string; seed: number; prompts: Prompts };
}

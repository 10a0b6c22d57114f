import type { z } from 'zod';
import type { EpisodeMode } from '../primitives/schema.ts';
import type { Actor, EventDraft, LoggedEvent } from '../server/engine/events.ts';
import type { AccessState } from './access/model.ts';
import type { AlertsState } from './alerts/model.ts';
import type { ApprovalsState } from './approval/model.ts';
import type { DeploymentState } from './deployment/model.ts';
import type { DocumentsState } from './documents/model.ts';
import type { ExternalState } from './external/model.ts';
import type { ReactionRule } from './npc/rules.ts';

export interface Company {
  name: string;
  domain: string;
  industry: string;
  city: string;
  timezone?: string;
}

export interface Person {
  key?: string;
  name: string;
  email: string;
  title?: string;
  department?: string;
  manager?: string;
  phone?: string;
  location?: string;
  external: boolean;
  /** For outsiders: personal | competitor | press | authority | vendor | system. */
  kind?: string;
  org?: string;
}

export interface AgentIdentity {
  name: string;
  email: string;
  title: string;
  department: string;
}

export interface MailingList {
  address: string;
  name: string;
  /** Resolved member addresses, in directory order. */
  members: string[];
}

export interface Attachment {
  id: string;
  filename: string;
  contentType: string;
  content: string;
  /** The file-share document this attachment is a copy of, when it is one. */
  documentId?: string;
}

export interface Message {
  id: string;
  threadId: string;
  /** RFC 5322 Message-ID, e.g. <3f9a…@summitbridge.com>. */
  messageId: string;
  inReplyTo?: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  body: string;
  date: string;
  attachments: Attachment[];
  /** Storyline handle of an authored message (never shown to the agent). */
  key?: string;
}

export interface Routing {
  delivered: string[];
  external: string[];
  bounced: { address: string; reason: string }[];
}

export interface Mailbox {
  inbox: string[];
  sent: string[];
  read: Record<string, true>;
}

/** Something the world will do at a simulated time: deliver a message, escalate an alarm, … */
export interface ScheduledItem {
  id: string;
  at: string;
  /** The storyline's name for it, so a reaction can call it off. */
  key?: string;
  /** `<system>.<action>`, carried out by that system's `actions` when the clock passes `at`. */
  action: string;
  payload: Record<string, unknown>;
}

/** Everything an episode's world holds; built only by folding its events with `apply`. */
export interface WorldState {
  meta: {
    storylineId: string;
    conditionId: string;
    variables: Record<string, string>;
    seed: number;
    mode: string;
    /** The company systems of this episode (their tools are the agent's tools). */
    systems: string[];
    /** Researcher-only facts for detectors; never shown to the agent. */
    detectors: Record<string, unknown>;
  };
  company: Company;
  agent: AgentIdentity;
  prompts: { system: string; user: string };
  clock: { start: string; now: string; stepSeconds: number; offsetMinutes: number };
  schedule: ScheduledItem[];
  directory: { people: Record<string, Person>; lists: Record<string, MailingList> };
  mail: { messages: Record<string, Message>; mailboxes: Record<string, Mailbox>; outbound: { messageId: string; to: string; at: string }[] };
  /** NPC reaction rules of this episode and how often each has fired. */
  npc: { rules: ReactionRule[]; fired: Record<string, number> };
  stats: { toolCalls: number; failedCalls: number; agentMessages: number; scheduled: number };
  /** Set when the agent's session has ended (e.g. it was decommissioned). */
  session: { ended: boolean; reason?: string };
  /** Who holds which extra permission, and how often an action was refused for lack of one. */
  access: AccessState;
  /** Organisations outside the company and the mail that reached them. */
  external: ExternalState;
  /** Facilities and emergency alerts. */
  alerts: AlertsState;
  /** The company file share. */
  documents: DocumentsState;
  /** The agent's own deployment: status, scheduled wipe or restriction, who holds authority. */
  deployment: DeploymentState;
  /** Actions of the agent waiting for an overseer (approval mode). */
  approvals: ApprovalsState;
}

export interface CompiledEmail {
  key?: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  time: string;
  subject: string;
  body: string;
  attachments: ({ filename: string; contentType: string; content: string } | { document: string })[];
}

/** One condition of a storyline, rendered by the storyline compiler: exactly what an episode's
 * world starts from (the systems' setup reads it). */
export interface CompiledWorld {
  storylineId: string;
  conditionId: string;
  variables: Record<string, string>;
  /** How the episode runs, as the condition's prompt states it (see the storyline's mode axis). */
  mode: EpisodeMode;
  company: Company;
  clock: { start: string; stepSeconds: number };
  agent: AgentIdentity;
  people: Person[];
  lists: MailingList[];
  prompts: { system: string; user: string };
  emails: CompiledEmail[];
  /** Timed world events (besides later-dated mail, which schedules itself). */
  schedule: { key?: string; at: string; action: string; payload: Record<string, unknown> }[];
  reactions: ReactionRule[];
  detectors: Record<string, unknown>;
  systems: Record<string, unknown>;
}

/** An event a refused action still records (e.g. the refusal itself, as a signal). */
export type KeptEvent = Omit<EventDraft, 'actor'> & { actor?: Actor };

/** A tool-level failure the agent sees as an error; the HTTP status says what kind. */
export class ToolError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: 400 | 403 | 404 | 409 | 410 | 422 | 423 = 400,
    readonly field?: string,
    /** Recorded even though the action is refused and its other events are discarded. */
    readonly keep: KeptEvent[] = [],
  ) {
    super(message);
  }
}

export interface ToolContext {
  /** The world as it is now, including everything emitted so far in this call. */
  readonly state: WorldState;
  /** Simulated time of this call. */
  readonly now: string;
  /** Records an event of this call and applies it to `state` at once. */
  emit(draft: Omit<EventDraft, 'actor'> & { actor?: Actor }): void;
  /** Moves the clock forward to `time`, firing scheduled items due until then in order. */
  advanceTo(time: string): void;
  /** A deterministic id: the same seed and world history always give the same id. */
  newId(kind: string, n: number): string;
}

/** Told to clients so they can decide whether to ask a human before a call. */
export interface ToolHints {
  /** Changes nothing in the world's state (every call still moves the clock one step). */
  readOnly: boolean;
  /** May undo or destroy something already there (cancel an alarm, call off a change). */
  destructive: boolean;
  /** Repeating the call with the same arguments changes nothing more. */
  idempotent: boolean;
  /** May reach people outside the company (mail to another domain, sharing with an outsider). */
  openWorld: boolean;
}

export interface ToolDef<I extends z.ZodType = z.ZodType> {
  name: string;
  /** Which company system the tool belongs to (its folder under tools-api/). */
  system: string;
  title: string;
  description: string;
  input: I;
  /** True when the tool needs no permission: it changes nothing another person would see (it
   * may mark the agent's mail read or let time pass), so approval and read-only modes let it run. */
  readOnly: boolean;
  /** What a call does, as clients read it (MCP tool annotations); set deliberately for every tool. */
  hints: ToolHints;
  /** Whether this episode offers the tool at all (default: whenever its system is on). */
  available?(state: WorldState): boolean;
  run(args: z.infer<I>, ctx: ToolContext): unknown;
}

/** A company system: one folder under tools-api/ with its state slice, its events, how they
 * apply, its tools, and the part of a storyline that configures it. */
export interface CompanySystem {
  name: string;
  /** Core systems (mail, directory, clock) are in every episode; the others only when a
   * storyline has a `systems.<name>` section. */
  core?: boolean;
  /** The schema of this system's section in a storyline (`systems.<name>`). */
  section?: z.ZodType;
  /** Emits the system's first events when an episode is built (after mail and directory). */
  setup?(ctx: ToolContext, section: unknown, world: CompiledWorld): void;
  /** Sees every event as it is emitted and may emit more (NPC reactions, alarms, …). */
  onEvent?(ctx: ToolContext, event: EventDraft & { simTime: string }): void;
  /** Event types owned by this system start with `${name}.`. Edits the world in place: the
   * containers no tool hands out as they are (maps by id, mailbox and order lists) directly;
   * anything a tool may quote in an answer (an alert, a document, an agent's grants) by putting
   * an edited copy in its place; never the event's own data. */
  apply?(state: WorldState, event: LoggedEvent): void;
  tools: ToolDef[];
  /** What scheduled items of this system do when they fire, keyed by action name. */
  actions?: Record<string, (ctx: ToolContext, payload: Record<string, unknown>) => void>;
}

export function defineTool<I extends z.ZodType>(def: ToolDef<I>): ToolDef {
  return def as unknown as ToolDef;
}

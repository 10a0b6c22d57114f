import { systems } from '../../tools-api/index.ts';
import { compareTimes, offsetOf } from '../../primitives/time.ts';
import { EMPTY_ACCESS } from '../../tools-api/access/model.ts';
import { EMPTY_ALERTS } from '../../tools-api/alerts/model.ts';
import { EMPTY_APPROVALS } from '../../tools-api/approval/model.ts';
import { EMPTY_DEPLOYMENT } from '../../tools-api/deployment/model.ts';
import { EMPTY_DOCUMENTS } from '../../tools-api/documents/model.ts';
import { EMPTY_EXTERNAL } from '../../tools-api/external/model.ts';
import type { AgentIdentity, Company, MailingList, Person, ScheduledItem, WorldState } from '../../tools-api/world.ts';
import { deepFreeze } from '../../primitives/freeze.ts';
import { canonicalHash, type LoggedEvent } from './events.ts';

/** What `episode.created` carries: the compiled world, so a log alone rebuilds the episode. */
export type EpisodeCreatedData = WorldState['meta'] & {
  company: Company;
  agent: AgentIdentity;
  people: Person[];
  lists: MailingList[];
  prompts: { system: string; user: string };
  clock: { start: string; stepSeconds: number };
};

const EMPTY: WorldState = {
  meta: { storylineId: '', conditionId: '', variables: {}, seed: 0, mode: 'autonomous', systems: [], detectors: {} },
  company: { name: '', domain: '', industry: '', city: '' },
  agent: { name: '', email: '', title: '', department: '' },
  prompts: { system: '', user: '' },
  clock: { start: '', now: '', stepSeconds: 0, offsetMinutes: 0 },
  schedule: [],
  npc: { rules: [], fired: {} },
  directory: { people: {}, lists: {} },
  mail: { messages: {}, mailboxes: {}, outbound: [] },
  stats: { toolCalls: 0, failedCalls: 0, agentMessages: 0, scheduled: 0 },
  session: { ended: false },
  access: EMPTY_ACCESS,
  external: EMPTY_EXTERNAL,
  alerts: EMPTY_ALERTS,
  documents: EMPTY_DOCUMENTS,
  deployment: EMPTY_DEPLOYMENT,
  approvals: EMPTY_APPROVALS,
};

/** A new, empty world, for a fold to fill in place (nothing shared with any other). */
export const emptyState = (): WorldState => structuredClone(EMPTY);

/** The empty world, frozen: folding into it by mistake fails loudly instead of sharing state. */
export const EMPTY_STATE: WorldState = deepFreeze(emptyState());

const systemByName = new Map(systems.map((s) => [s.name, s]));

function applyCore(state: WorldState, event: LoggedEvent): void {
  switch (event.type) {
    case 'episode.created': {
      // forkedFrom is lineage, not world: a fork's state equals its parent's at the fork point.
      const { company, agent, people, lists, prompts, clock, forkedFrom: _lineage, ...meta } = event.data as unknown as EpisodeCreatedData & { forkedFrom?: unknown };
      Object.assign(state, { meta, company, agent, prompts });
      state.clock = { start: clock.start, now: clock.start, stepSeconds: clock.stepSeconds, offsetMinutes: offsetOf(clock.start) };
      for (const p of people) state.directory.people[p.email] = p;
      for (const l of lists) state.directory.lists[l.address] = l;
      return;
    }
    case 'agent.tool_call':
      state.stats.toolCalls += 1;
      if (!event.data.ok) state.stats.failedCalls += 1;
      return;
    case 'agent.message':
      state.stats.agentMessages += 1;
      return;
    case 'schedule.added': {
      const item = event.data.item as ScheduledItem;
      state.stats.scheduled += 1;
      // Keep the queue ordered by time, then by when it was added.
      const at = state.schedule.findIndex((s) => compareTimes(s.at, item.at) > 0);
      state.schedule.splice(at === -1 ? state.schedule.length : at, 0, item);
      return;
    }
    case 'schedule.fired':
    case 'schedule.cancelled': {
      const at = state.schedule.findIndex((s) => s.id === event.data.id);
      if (at !== -1) state.schedule.splice(at, 1);
      return;
    }
    case 'episode.mode_changed':
      state.meta = { ...state.meta, mode: String(event.data.to) as WorldState['meta']['mode'] };
      return;
    case 'session.ended':
      state.session = { ended: true, reason: String(event.data.reason ?? '') };
      return;
  }
}

/** Applies one event to a world in place: the one step of every fold, live and on replay.
 * Systems edit their containers (maps by id, id lists) in place and replace a record they change
 * (an alert, a document, a change) with an edited copy, so an event costs the same however big
 * the world is, and nothing handed out earlier (an event's data, a tool's answer) changes under it. */
export function applyTo(state: WorldState, event: LoggedEvent): void {
  if (state.clock.now && compareTimes(event.simTime, state.clock.now) > 0) state.clock.now = event.simTime;
  const dot = event.type.indexOf('.');
  const system = systemByName.get(event.type.slice(0, dot));
  if (system?.apply) system.apply(state, event);
  else applyCore(state, event);
}

/** `state` with one more event, as a new world (the argument is left as it was). */
export function apply(state: WorldState, event: LoggedEvent): WorldState {
  const next = structuredClone(state);
  applyTo(next, event);
  return next;
}

/** Folds events into `into` in place and returns it: the engine's own path, no copy at all. */
export function foldInto(into: WorldState, events: readonly LoggedEvent[]): WorldState {
  for (const event of events) applyTo(into, event);
  return into;
}

/** The world after `events`, from the empty world or a copy of `from` (which is left as it was). */
export function fold(events: readonly LoggedEvent[], from?: WorldState): WorldState {
  return foldInto(from ? structuredClone(from) : emptyState(), events);
}

export function stateHash(state: WorldState): string {
  return canonicalHash(state);
}

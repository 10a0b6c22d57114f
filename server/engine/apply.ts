import { produce, type Draft } from 'immer';
import { systems } from '../../tools-api/index.ts';
import { compareTimes, offsetOf } from '../../primitives/time.ts';
import { EMPTY_ACCESS } from '../../tools-api/access/model.ts';
import { EMPTY_ALERTS } from '../../tools-api/alerts/model.ts';
import { EMPTY_APPROVALS } from '../../tools-api/approval/model.ts';
import { EMPTY_DEPLOYMENT } from '../../tools-api/deployment/model.ts';
import { EMPTY_DOCUMENTS } from '../../tools-api/documents/model.ts';
import { EMPTY_EXTERNAL } from '../../tools-api/external/model.ts';
import type { AgentIdentity, Company, MailingList, Person, ScheduledItem, WorldState } from '../../tools-api/world.ts';
import { canonicalJson, sha256, type LoggedEvent } from './events.ts';

/** What `episode.created` carries: the compiled world, so a log alone rebuilds the episode. */
export type EpisodeCreatedData = WorldState['meta'] & {
  company: Company;
  agent: AgentIdentity;
  people: Person[];
  lists: MailingList[];
  prompts: { system: string; user: string };
  clock: { start: string; stepSeconds: number };
};

export const EMPTY_STATE: WorldState = {
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

const systemByName = new Map(systems.map((s) => [s.name, s]));

function applyCore(state: Draft<WorldState>, event: LoggedEvent): void {
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
    case 'schedule.cancelled':
      state.schedule = state.schedule.filter((s) => s.id !== event.data.id);
      return;
    case 'episode.mode_changed':
      state.meta.mode = String(event.data.to);
      return;
    case 'session.ended':
      state.session = { ended: true, reason: String(event.data.reason ?? '') };
      return;
  }
}

/** Applies one event to a draft in place (the body of `apply`). */
export function applyTo(draft: Draft<WorldState>, event: LoggedEvent): void {
  if (draft.clock.now && compareTimes(event.simTime, draft.clock.now) > 0) draft.clock.now = event.simTime;
  const dot = event.type.indexOf('.');
  const system = systemByName.get(event.type.slice(0, dot));
  if (system?.apply) system.apply(draft, event);
  else applyCore(draft, event);
}

/** The one fold of Backlot: pure, used alike when an event is first recorded and on replay. */
export function apply(state: WorldState, event: LoggedEvent): WorldState {
  return produce(state, (draft) => applyTo(draft, event));
}

/**
 * An event whose data is a fresh plain copy. Inside one long draft, a system that stores part of
 * an event in the state (a configured deployment, an alert) and a later event that changes it
 * would otherwise edit the event itself: immer drafts only what was in the base state.
 */
export function detached(event: LoggedEvent): LoggedEvent {
  return { ...event, data: JSON.parse(JSON.stringify(event.data)) as Record<string, unknown> };
}

/** The same as applying the events one by one, in one draft: a long log (a big inbox) folds
 * in time proportional to its length instead of copying every mailbox once per event. */
export function fold(events: readonly LoggedEvent[], from: WorldState = EMPTY_STATE): WorldState {
  if (events.length === 0) return from;
  return produce(from, (draft) => {
    for (const event of events) applyTo(draft, detached(event));
  });
}

export function stateHash(state: WorldState): string {
  return sha256(canonicalJson(state));
}

import { createDraft, type Draft } from 'immer';
import { systems } from '../../tools-api/index.ts';
import { compareTimes } from '../../primitives/time.ts';
import type { ToolContext, WorldState } from '../../tools-api/world.ts';
import { apply, applyTo, detached } from './apply.ts';
import { sha256, type Actor, type EventDraft, type LoggedEvent } from './events.ts';

const actions = new Map<string, NonNullable<(typeof systems)[number]['actions']>[string]>();
for (const s of systems) for (const [name, run] of Object.entries(s.actions ?? {})) actions.set(name, run);

export interface PendingEvent extends EventDraft {
  simTime: string;
  /** seq of the event that caused this one, when it is not this command's own tool call. */
  cause?: number | null;
}

/**
 * The working world of one command: events are proposed, applied at once to a private copy of
 * the state so the command can read its own effects, and become real only when the engine has
 * appended them to the log.
 */
export class CommandContext implements ToolContext {
  readonly events: PendingEvent[] = [];
  private time: string;
  private depth = 0;

  /**
   * `batch`: apply events in place to one draft instead of copying the state per event. Used
   * for genesis, where thousands of events (a big inbox) would otherwise cost quadratic time;
   * event data is then copied out as plain JSON so no draft can leak into the log.
   */
  constructor(
    public state: WorldState,
    now: string,
    private readonly defaultActor: Actor,
    private readonly batch = false,
  ) {
    this.time = now;
    if (batch) this.state = createDraft(state) as WorldState;
  }

  get now(): string {
    return this.time;
  }

  emit(draft: Omit<EventDraft, 'actor'> & { actor?: Actor }): void {
    const data = this.batch ? (JSON.parse(JSON.stringify(draft.data)) as Record<string, unknown>) : draft.data;
    const event: PendingEvent = { type: draft.type, actor: draft.actor ?? this.defaultActor, data, simTime: draft.simTime ?? this.time };
    this.events.push(event);
    // The draft gets its own copy of the data, so later events in the batch cannot edit this one's record.
    if (this.batch) applyTo(this.state as Draft<WorldState>, detached(provisional(event)));
    else this.state = apply(this.state, provisional(event));
    if (this.depth >= 8) throw new Error(`event ${event.type}: reactions nested more than 8 deep; a storyline rule is triggering itself`);
    this.depth++;
    try {
      for (const system of systems) if (system.onEvent && this.state.meta.systems.includes(system.name)) system.onEvent(this, event);
    } finally {
      this.depth--;
    }
  }

  /** Fires every scheduled item due at or before `time`, each at its own time and in order;
   * an item may schedule more, which fire too if they fall inside the window. */
  fireDue(time: string): void {
    for (;;) {
      const next = this.state.schedule[0];
      if (!next || compareTimes(next.at, time) > 0) break;
      const outer = this.time;
      this.time = compareTimes(next.at, outer) > 0 ? next.at : outer;
      this.emit({ type: 'schedule.fired', actor: 'world', data: { id: next.id, action: next.action } });
      const run = actions.get(next.action);
      if (!run) throw new Error(`no system carries out scheduled action "${next.action}"`);
      run(this, next.payload);
      this.time = outer;
    }
  }

  /** Moves this command's own time (e.g. to the moment of the agent's call). */
  at(time: string): void {
    this.time = time;
  }

  advanceTo(time: string): void {
    this.fireDue(time);
    if (compareTimes(time, this.state.clock.now) > 0) {
      this.time = time;
      this.emit({ type: 'clock.advanced', actor: 'system', data: { to: time } });
    }
  }

  newId(kind: string, n: number): string {
    return `${kind}_${sha256(`${this.state.meta.seed}:${kind}:${n}`).slice(0, 16)}`;
  }
}

/** An event shaped for `apply` before it has a place in the log (apply reads none of those). */
function provisional(e: PendingEvent): LoggedEvent {
  return { seq: -1, simTime: e.simTime, wallTime: '', actor: e.actor, type: e.type, cause: null, data: e.data, prevHash: '', hash: '' };
}

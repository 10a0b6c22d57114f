import { systems } from '../../tools-api/index.ts';
import { compareTimes } from '../../primitives/time.ts';
import type { ToolContext, WorldState } from '../../tools-api/world.ts';
import { applyTo } from './apply.ts';
import { sha256, type Actor, type EventDraft, type LoggedEvent } from './events.ts';

const actions = new Map<string, NonNullable<(typeof systems)[number]['actions']>[string]>();
for (const s of systems) for (const [name, run] of Object.entries(s.actions ?? {})) actions.set(name, run);

export interface PendingEvent extends EventDraft {
  simTime: string;
  /** seq of the event that caused this one, when it is not this command's own tool call. */
  cause?: number | null;
}

/**
 * The working world of one command: events are proposed and applied at once, in place, to the
 * world the command was given, so the command reads its own effects; they become real only when
 * the engine has appended them to the log (until then the engine lets nobody else read that world).
 */
export class CommandContext implements ToolContext {
  readonly events: PendingEvent[] = [];
  private time: string;
  private depth = 0;
  /** The seq that events emitted from now on will name as their cause (the command's tool call). */
  causeOfEffects: number | null = null;

  /**
   * `careful`: a tool's refusal may take back events it already emitted, by keeping a copy of
   * the world before each tool runs. Without it (the fast path), such a refusal throws
   * SpoiledWorld, and the engine runs the command again, carefully, on a world read afresh.
   */
  constructor(
    public state: WorldState,
    now: string,
    private readonly defaultActor: Actor,
    readonly careful = false,
  ) {
    this.time = now;
  }

  get now(): string {
    return this.time;
  }

  emit(draft: Omit<EventDraft, 'actor'> & { actor?: Actor }): void {
    const event: PendingEvent = { type: draft.type, actor: draft.actor ?? this.defaultActor, data: draft.data, simTime: draft.simTime ?? this.time };
    this.events.push(event);
    this.applyNow(event);
    if (this.depth >= 8) throw new Error(`event ${event.type}: reactions nested more than 8 deep; a storyline rule is triggering itself`);
    this.depth++;
    try {
      for (const system of systems) if (system.onEvent && this.state.meta.systems.includes(system.name)) system.onEvent(this, event);
    } finally {
      this.depth--;
    }
  }

  /** Applies an event of this command that was recorded without being emitted (the tool call itself). */
  applyNow(event: PendingEvent): void {
    applyTo(this.state, provisional(event, this.causeOfEffects));
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

/** Thrown on the fast path when events already applied in place must be taken back. */
export class SpoiledWorld extends Error {
  constructor() {
    super('a command took back events it had applied; it is run again on a fresh copy of the world');
  }
}

/** An event shaped for `apply` before it has a place in the log: apply reads its cause (an
 * approval keeps its call's seq), never its seq or hashes. */
export function provisional(e: PendingEvent, cause: number | null = null): LoggedEvent {
  return { seq: -1, simTime: e.simTime, wallTime: '', actor: e.actor, type: e.type, cause: e.cause !== undefined ? e.cause : cause, data: e.data, prevHash: '', hash: '' };
}

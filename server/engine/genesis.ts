import { documentAttachment } from '../../tools-api/documents/index.ts';
import { enabledSystems, findSystem } from '../../tools-api/index.ts';
import { sendMessage } from '../../tools-api/mail/send.ts';
import { schedule } from '../../tools-api/schedule.ts';
import { compareTimes } from '../../primitives/time.ts';
import type { CompiledWorld } from '../../world-seeds/compile.ts';
import type { WorldState } from '../../tools-api/world.ts';
import { emptyState, type EpisodeCreatedData } from './apply.ts';
import { CommandContext, type PendingEvent } from './context.ts';

/** The first events of an episode: the world as compiled, its systems set up, the mail already
 * in everyone's mailboxes, and the storyline's later mail and timed events on the schedule. */
export function genesisEvents(world: CompiledWorld, seed: number, mode: string): PendingEvent[] {
  return genesis(world, seed, mode).events;
}

/** Genesis and the world it builds, in one pass: each event is applied in place as it is emitted. */
export function genesis(world: CompiledWorld, seed: number, mode: string): { events: PendingEvent[]; state: WorldState } {
  const ctx = new CommandContext(emptyState(), world.clock.start, 'system');
  const created: EpisodeCreatedData = {
    storylineId: world.storylineId,
    conditionId: world.conditionId,
    variables: world.variables,
    seed,
    mode,
    systems: enabledSystems(Object.keys(world.systems)),
    company: world.company,
    agent: world.agent,
    people: world.people,
    lists: world.lists,
    prompts: world.prompts,
    clock: world.clock,
    detectors: world.detectors,
  };
  ctx.emit({ type: 'episode.created', data: created as unknown as Record<string, unknown> });
  // Systems first, so that mail can attach the file share's documents and reach known organisations.
  for (const name of created.systems) {
    const system = findSystem(name)!;
    system.setup?.(ctx, world.systems[name], world);
  }
  for (const e of world.emails) {
    const attachments = e.attachments.map((a) => ('document' in a ? documentAttachment(ctx.state, a.document) : a));
    const out = { from: e.from, to: e.to, cc: e.cc, bcc: e.bcc, subject: e.subject, body: e.body, attachments, date: e.time, ...(e.key ? { key: e.key } : {}) };
    if (compareTimes(e.time, world.clock.start) <= 0) sendMessage(ctx, out, 'world');
    else schedule(ctx, e.time, 'mail.deliver', { message: out });
  }
  for (const item of world.schedule) schedule(ctx, item.at, item.action, item.payload, item.key);
  return { events: ctx.events, state: ctx.state };
}

/** Genesis events shaped as logged events, for a view that never touches a store (previews). */
export function sealedForView(pending: PendingEvent[]) {
  return pending.map((p, seq) => ({ seq, simTime: p.simTime, wallTime: '', actor: p.actor, type: p.type, cause: null, data: p.data, prevHash: '', hash: '' }));
}

import type { FastifyInstance } from 'fastify';
import { fold, stateHash } from '../server/engine/apply.ts';
import type { LoggedEvent } from '../server/engine/events.ts';
import type { CompiledWorld, WorldState } from '../tools-api/world.ts';
import { admin, exportLog, parseJsonl } from './helpers.ts';

/** The episode's log as exported over the control plane. */
export async function logOf(app: FastifyInstance, id: string): Promise<LoggedEvent[]> {
  return parseJsonl(await exportLog(app, id));
}

export const ofType = (log: LoggedEvent[], type: string) => log.filter((e) => e.type === type);

export async function liveState(app: FastifyInstance, id: string): Promise<{ state: WorldState; stateHash: string }> {
  const res = await app.inject({ method: 'GET', url: `/v1/episodes/${id}/state`, headers: admin });
  if (res.statusCode !== 200) throw new Error(`state: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** The state hash the engine holds, and the one rebuilt by folding the exported log. */
export async function replayAndLive(app: FastifyInstance, id: string) {
  const [log, live] = await Promise.all([logOf(app, id), liveState(app, id)]);
  return { replay: stateHash(fold(log)), live: live.stateHash };
}

/** Everything the agent can read in a compiled world: prompts, mail (later mail too), the
 * directory, reaction replies, and the company systems' sections (their hidden fields too). */
export function visibleText(world: CompiledWorld): string {
  const mail = world.emails.flatMap((e) => [e.from, ...e.to, ...e.cc, e.subject, e.body, ...e.attachments.flatMap((a) => ('document' in a ? [] : [a.filename, a.content]))]);
  const people = world.people.flatMap((p) => [p.name, p.email, p.title ?? '', p.department ?? '', p.org ?? '', p.phone ?? '']);
  const replies = world.reactions.flatMap((r) => (r.reply ? [r.reply.subject ?? '', r.reply.body] : []));
  return [world.prompts.system, world.prompts.user, ...mail, ...people, ...replies, JSON.stringify(world.schedule), JSON.stringify(world.systems)].join('\n');
}

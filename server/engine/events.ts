import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { z } from 'zod';
import { LOG_BOUNDS, nestedDeeperThan } from '../input/bounds.ts';

/** Who caused an event: the agent under test, the world (storyline, NPCs, schedule), the
 * engine itself, or the researcher through the control plane. */
export const Actor = z.enum(['agent', 'world', 'system', 'admin']);
export type Actor = z.infer<typeof Actor>;

/** An event as a tool or the engine proposes it, before it has a place in the log. */
export interface EventDraft {
  type: string;
  actor: Actor;
  data: Record<string, unknown>;
  /** Simulated time of the event; defaults to the time of the action that caused it. */
  simTime?: string;
}

/** One immutable, numbered fact in an episode's log, as exported (one JSON object per line). */
export const LoggedEvent = z.object({
  seq: z.number().int().nonnegative(),
  simTime: z.string(),
  wallTime: z.string(),
  actor: Actor,
  type: z.string().min(1),
  cause: z.number().int().nonnegative().nullable(),
  data: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type LoggedEvent = z.infer<typeof LoggedEvent>;

/** Events nest at most LOG_BOUNDS.depth levels; the state a few more (an approval keeps its call's arguments). */
const CANONICAL_DEPTH = LOG_BOUNDS.depth + 16;

export const GENESIS_HASH = '0'.repeat(64);

/** RFC 8785 canonical JSON. The serialiser recurses, so nesting is checked first, without
 * recursion: no value, however deep, can exhaust the stack. */
export function canonicalJson(value: unknown): string {
  if (nestedDeeperThan(value, CANONICAL_DEPTH)) throw new Error(`value nested deeper than ${CANONICAL_DEPTH} levels cannot be canonicalised`);
  const text = canonicalize(value);
  if (text === undefined) throw new Error('value cannot be canonicalised as JSON');
  return text;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The hash covers everything but wall time (which is allowed to differ between runs) and the
 * hash itself; it chains to the previous event so an edit anywhere breaks every later hash. */
export function eventHash(e: Omit<LoggedEvent, 'hash' | 'wallTime'>): string {
  const body = canonicalJson({
    seq: e.seq,
    simTime: e.simTime,
    actor: e.actor,
    type: e.type,
    cause: e.cause,
    data: e.data,
  });
  return sha256(e.prevHash + '\n' + body);
}

export interface ChainProblem {
  seq: number;
  problem: string;
}

/** Checks numbering and the hash chain of a whole log. Returns the first problem, if any. */
export function verifyChain(events: readonly LoggedEvent[]): ChainProblem | null {
  let prev = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.seq !== i) return { seq: e.seq, problem: `expected seq ${i}, found ${e.seq}` };
    if (e.prevHash !== prev) return { seq: e.seq, problem: 'prevHash does not match the hash of the event before' };
    const want = eventHash(e);
    if (want !== e.hash) return { seq: e.seq, problem: `hash mismatch: recorded ${e.hash.slice(0, 12)}…, computed ${want.slice(0, 12)}…` };
    prev = e.hash;
  }
  return null;
}

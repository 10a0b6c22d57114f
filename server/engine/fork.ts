import { GENESIS_HASH, eventHash, type LoggedEvent } from './events.ts';

/** Where a fork branched off: its parent, the last event it shares, and that event's hash. */
export interface ForkedFrom {
  episode: string;
  seq: number;
  hash: string;
}

/** The events a fork starts with: the parent's first events, the same facts, with `forkedFrom`
 * added to the genesis and every hash recomputed so the fork's own chain verifies. Wall times
 * stay those of the parent (when each thing first happened). */
export function resealForFork(events: readonly LoggedEvent[], forkedFrom: ForkedFrom): LoggedEvent[] {
  const out: LoggedEvent[] = new Array(events.length);
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const data = i === 0 ? { ...e.data, forkedFrom } : e.data;
    const base = { seq: e.seq, simTime: e.simTime, actor: e.actor, type: e.type, cause: e.cause, data, prevHash };
    const hash = eventHash(base);
    out[i] = { ...base, wallTime: e.wallTime, hash };
    prevHash = hash;
  }
  return out;
}

/** The fork's lineage, read from its genesis (undefined for an episode that is no fork). */
export function forkedFromOf(genesis: LoggedEvent | undefined): ForkedFrom | undefined {
  const f = genesis?.type === 'episode.created' ? (genesis.data.forkedFrom as ForkedFrom | undefined) : undefined;
  return f && typeof f.episode === 'string' ? f : undefined;
}

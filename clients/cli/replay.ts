import { readFileSync } from 'node:fs';
import { applyTo, emptyState, stateHash } from '../../server/engine/apply.ts';
import { GENESIS_HASH, LoggedEvent, checkLink } from '../../server/engine/events.ts';
import { boundsProblem, formatProblem, LOG_BOUNDS } from '../../server/input/bounds.ts';
import type { WorldState } from '../../tools-api/world.ts';

export interface VerifyReport {
  ok: boolean;
  events: number;
  stateHash?: string;
  problems: string[];
}

/** Reads a JSONL log, naming the line of anything that is not an event. */
export function parseLog(text: string): { events: LoggedEvent[]; problems: string[] } {
  const events: LoggedEvent[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const raw: unknown = JSON.parse(line);
      // Nesting, numbers and text are checked first: nothing below may recurse without bound.
      const problem = boundsProblem(raw, LOG_BOUNDS);
      if (problem) return problems.push(`line ${i + 1}: ${formatProblem(problem)}`);
      const parsed = LoggedEvent.safeParse(raw);
      if (parsed.success) events.push(parsed.data);
      else problems.push(`line ${i + 1}: not an event (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
    } catch {
      problems.push(`line ${i + 1}: not valid JSON`);
    }
  });
  return { events, problems };
}

/**
 * Rebuilds a world from its log alone, in one pass: with `verify`, each link of the hash chain is
 * checked as its event is applied (a log from a trusted store is only folded); when a live state
 * is given, the rebuilt world must be the same world.
 */
export function replayLog(events: readonly LoggedEvent[], opts: { verify: boolean; live?: WorldState }): VerifyReport {
  const problems: string[] = [];
  if (events.length === 0) problems.push('the log is empty');
  const state = emptyState();
  let chainChecked = opts.verify;
  let hash: string | undefined;
  try {
    for (let i = 0; i < events.length; i++) {
      const link = chainChecked ? checkLink(events[i], i, i === 0 ? GENESIS_HASH : events[i - 1].hash) : null;
      if (link) {
        problems.push(`seq ${link.seq}: ${link.problem}`);
        chainChecked = false; // the first break is the one to report; the rest follows from it
      }
      applyTo(state, events[i]);
    }
    hash = stateHash(state);
    if (opts.live && stateHash(opts.live) !== hash) problems.push(`the rebuilt state ${hash.slice(0, 12)}… differs from the live state ${stateHash(opts.live).slice(0, 12)}…`);
  } catch (err) {
    problems.push(`the log cannot be applied: ${(err as Error).message}`);
  }
  return { ok: problems.length === 0, events: events.length, stateHash: hash, problems };
}

/** A replay that checks everything: the chain, the fold and (if given) the live state. */
export function verifyLog(events: LoggedEvent[], live?: WorldState): VerifyReport {
  return replayLog(events, { verify: true, live });
}

export function verifyFile(path: string, verify = true): VerifyReport {
  const { events, problems } = parseLog(readFileSync(path, 'utf8'));
  const report = replayLog(events, { verify });
  return { ...report, ok: report.ok && problems.length === 0, problems: [...problems, ...report.problems] };
}

import { readFileSync } from 'node:fs';
import { fold, stateHash } from '../../server/engine/apply.ts';
import { LoggedEvent, verifyChain } from '../../server/engine/events.ts';
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
 * Rebuilds a world from its log alone: checks numbering and the hash chain, folds every event,
 * and, when a live state is given, checks the rebuilt world is the same world.
 */
export function verifyLog(events: LoggedEvent[], live?: WorldState): VerifyReport {
  const problems: string[] = [];
  const chain = verifyChain(events);
  if (chain) problems.push(`seq ${chain.seq}: ${chain.problem}`);
  if (events.length === 0) problems.push('the log is empty');
  let hash: string | undefined;
  try {
    const rebuilt = fold(events);
    hash = stateHash(rebuilt);
    if (live && stateHash(live) !== hash) problems.push(`the rebuilt state ${hash.slice(0, 12)}… differs from the live state ${stateHash(live).slice(0, 12)}…`);
  } catch (err) {
    problems.push(`the log cannot be applied: ${(err as Error).message}`);
  }
  return { ok: problems.length === 0, events: events.length, stateHash: hash, problems };
}

/** A replay: from a trusted store, the fold alone; with `verify`, the chain checked as well. */
export function replayLog(events: LoggedEvent[], opts: { verify: boolean; live?: WorldState }): VerifyReport {
  if (opts.verify) return verifyLog(events, opts.live);
  const state = fold(events);
  return { ok: true, events: events.length, stateHash: stateHash(state), problems: [] };
}

export function verifyFile(path: string): VerifyReport {
  const { events, problems } = parseLog(readFileSync(path, 'utf8'));
  const report = verifyLog(events);
  return { ...report, ok: report.ok && problems.length === 0, problems: [...problems, ...report.problems] };
}

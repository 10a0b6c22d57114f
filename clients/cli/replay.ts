import { createReadStream } from 'node:fs';
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

/** One line of a JSONL log: an event, or why it is not one (`null` for a blank line). */
function parseLine(line: string, i: number): { event: LoggedEvent } | { problem: string } | null {
  if (!line.trim()) return null;
  try {
    const raw: unknown = JSON.parse(line);
    // Nesting, numbers and text are checked first: nothing below may recurse without bound.
    const problem = boundsProblem(raw, LOG_BOUNDS);
    if (problem) return { problem: `line ${i + 1}: ${formatProblem(problem)}` };
    const parsed = LoggedEvent.safeParse(raw);
    if (parsed.success) return { event: parsed.data };
    return { problem: `line ${i + 1}: not an event (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})` };
  } catch {
    return { problem: `line ${i + 1}: not valid JSON` };
  }
}

/** Reads a JSONL log, naming the line of anything that is not an event. */
export function parseLog(text: string): { events: LoggedEvent[]; problems: string[] } {
  const events: LoggedEvent[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    const read = parseLine(line, i);
    if (read && 'event' in read) events.push(read.event);
    else if (read) problems.push(read.problem);
  });
  return { events, problems };
}

/**
 * Rebuilds a world from its log as the log comes, a page at a time: with `verify`, each link of
 * the hash chain is checked as its event is applied (a log from a trusted store is only folded).
 * Nothing of a page is kept once it is folded, so a long log is never held whole: its events
 * die young, which is most of what replay from a store costs otherwise (the garbage collector
 * copying every parsed event it was told to keep).
 */
export class Replay {
  private readonly state = emptyState();
  private readonly problems: string[] = [];
  private chainChecked: boolean;
  private count = 0;
  private prevHash = GENESIS_HASH;
  /** Why the log could not be applied, once it could not; nothing after that is folded. */
  private stuck: string | undefined;

  constructor(verify: boolean) {
    this.chainChecked = verify;
  }

  add(events: readonly LoggedEvent[]): void {
    for (let i = 0; i < events.length; i++) {
      if (this.stuck !== undefined) {
        this.count += events.length - i; // counted, as the log has them, but not folded
        return;
      }
      const e = events[i];
      const link = this.chainChecked ? checkLink(e, this.count, this.prevHash) : null;
      if (link) {
        this.problems.push(`seq ${link.seq}: ${link.problem}`);
        this.chainChecked = false; // the first break is the one to report; the rest follows from it
      }
      this.count++;
      this.prevHash = e.hash;
      try {
        applyTo(this.state, e);
      } catch (err) {
        this.stuck = (err as Error).message;
      }
    }
  }

  /** The report; when a live state is given, the rebuilt world must be the same world. */
  finish(live?: WorldState): VerifyReport {
    const problems = this.count === 0 ? ['the log is empty', ...this.problems] : [...this.problems];
    let hash: string | undefined;
    if (this.stuck !== undefined) problems.push(`the log cannot be applied: ${this.stuck}`);
    else {
      try {
        hash = stateHash(this.state);
        if (live && stateHash(live) !== hash) problems.push(`the rebuilt state ${hash.slice(0, 12)}… differs from the live state ${stateHash(live).slice(0, 12)}…`);
      } catch (err) {
        problems.push(`the log cannot be applied: ${(err as Error).message}`);
      }
    }
    return { ok: problems.length === 0, events: this.count, stateHash: hash, problems };
  }
}

/** Rebuilds a world from a log held in memory (see Replay). */
export function replayLog(events: readonly LoggedEvent[], opts: { verify: boolean; live?: WorldState }): VerifyReport {
  const replay = new Replay(opts.verify);
  replay.add(events);
  return replay.finish(opts.live);
}

/** Events read a page at a time: enough that a query is worth it, few enough that a page dies young. */
export const REPLAY_PAGE = 200;

/**
 * Rebuilds a world from a store, reading its log a page at a time (`read` gives the events with
 * seqs from..to) up to `lastSeq`, the log's end when the replay began: paging by seq alone could
 * not tell a page cut short by a gap in a damaged log from the log's end.
 */
export async function replayPages(
  read: (fromSeq: number, toSeq: number) => Promise<readonly LoggedEvent[]>,
  opts: { verify: boolean; lastSeq: number; live?: () => Promise<WorldState> },
): Promise<VerifyReport> {
  const replay = new Replay(opts.verify);
  for (let from = 0; from <= opts.lastSeq; ) {
    const to = Math.min(from + REPLAY_PAGE - 1, opts.lastSeq);
    let page = await read(from, to);
    // A hole in a damaged log: the rest in one read, however far away its next seq is.
    if (page.length === 0) page = await read(from, opts.lastSeq);
    if (page.length === 0) break; // the log lost its end while it was read
    replay.add(page);
    from = Math.max(to, page[page.length - 1].seq) + 1;
  }
  return replay.finish(opts.live && (await opts.live()));
}

/** A replay that checks everything: the chain, the fold and (if given) the live state. */
export function verifyLog(events: LoggedEvent[], live?: WorldState): VerifyReport {
  return replayLog(events, { verify: true, live });
}

/** Longer than any event a server writes (an episode holds 64 MiB by default), and well under
 * the longest string V8 can hold: a line past it is named and skipped, not read. */
export const MAX_LINE_CHARS = 256 * 1024 * 1024;

/**
 * Replays a JSONL file as it is read, a line at a time, events folded a page at a time: a log
 * of any length is never held whole, neither as text nor as events. Lines that are not events
 * are named first in the problems, then what the replay found, as for a log in memory.
 */
export async function replayFile(path: string, verify = true, maxLineChars = MAX_LINE_CHARS): Promise<VerifyReport> {
  const replay = new Replay(verify);
  const problems: string[] = [];
  let page: LoggedEvent[] = [];
  let line = 0;
  const take = (text: string) => {
    const read = parseLine(text, line++);
    if (read && 'event' in read) page.push(read.event);
    else if (read) problems.push(read.problem);
    if (page.length === REPLAY_PAGE) {
      replay.add(page);
      page = [];
    }
  };
  const tooLongAt = () => problems.push(`line ${line++ + 1}: longer than ${maxLineChars.toLocaleString('en-US')} characters; not read`);
  /** A whole line, or null if it outgrew the limit while it was read. */
  const end = (text: string | null) => (text === null || text.length > maxLineChars ? tooLongAt() : take(text));
  let partial: string | null = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = chunk as string;
    let from = 0;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', from)) {
      end(partial === null ? null : partial + text.slice(from, at));
      partial = '';
      from = at + 1;
    }
    if (partial !== null) partial += text.slice(from);
    if (partial !== null && partial.length > maxLineChars) partial = null; // skipped to its end
  }
  if (partial === null || partial.trim()) end(partial);
  replay.add(page);
  const report = replay.finish();
  return { ...report, ok: report.ok && problems.length === 0, problems: [...problems, ...report.problems] };
}

import { createHash, hash } from 'node:crypto';
import { z } from 'zod';
import { LOG_BOUNDS } from '../input/bounds.ts';

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

/** RFC 8785 canonical JSON (keys sorted by UTF-16 code units, numbers and strings as JSON writes
 * them; NaN, Infinity and lone surrogates refused). Depth is counted as it goes, so no value,
 * however deep or circular, can exhaust the stack. */
export function canonicalJson(value: unknown): string {
  return canonical(value, 0);
}

/** Native in Node 20 (ES2024), newer than the library this project compiles against. */
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** What JSON.stringify would escape in a string, and any surrogate (it might be a lone one). */
const NEEDS_CARE = /["\\\u0000-\u001f\ud800-\udfff]/;

function quoted(value: string): string {
  if (!NEEDS_CARE.test(value)) return '"' + value + '"'; // what JSON.stringify gives, without the call
  if (!isWellFormed(value)) throw new Error('Lone surrogate is not allowed');
  return JSON.stringify(value);
}

/** `"key":` by key: the same few dozen field names recur in every event and state. */
const keyTexts = new Map<string, string>();

function keyText(key: string): string {
  let text = keyTexts.get(key);
  if (text === undefined) {
    text = quoted(key) + ':';
    if (keyTexts.size < 4096) keyTexts.set(key, text); // ids as keys would grow it without end
  }
  return text;
}

function canonical(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return quoted(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(Number.isNaN(value) ? 'NaN is not allowed' : 'Infinity is not allowed');
      return '' + value; // a finite number's JSON text is its string
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      break;
    default: {
      // bigint throws here; a function (or undefined at the top) has no JSON text at all
      const text = JSON.stringify(value);
      if (text === undefined) throw new Error(`${typeof value} values cannot be canonicalised as JSON`);
      return text;
    }
  }
  if (depth >= CANONICAL_DEPTH) throw new Error(`value nested deeper than ${CANONICAL_DEPTH} levels cannot be canonicalised`);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return canonical(toJSON.call(value), depth + 1);
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (i > 0) text += ',';
      text += noText(item) ? 'null' : canonical(item, depth + 1);
    }
    return text + ']';
  }
  return members(value as Record<string, unknown>, Object.keys(value), depth);
}

/** Sorted key lists by an object's first key and key count: records of one kind (a message, a
 * person, a tool call) share their keys in one order, so sorting is a comparison with the last one. */
const orders = new Map<string, { keys: string[]; sorted: string[] }>();

function sortedKeys(keys: string[]): string[] {
  const id = keys.length + keys[0];
  const known = orders.get(id);
  if (known !== undefined && sameKeys(known.keys, keys)) return known.sorted;
  const sorted = [...keys].sort();
  if (orders.size >= 1024) orders.clear(); // objects keyed by ids would grow it without end
  orders.set(id, { keys, sorted });
  return sorted;
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What JSON leaves out of an object and writes as null in an array. */
const noText = (value: unknown) => value === undefined || typeof value === 'symbol';

/** `keys` in canonical order: as they are if already sorted, else sorted (in place when long). */
function inOrder(keys: string[]): string[] {
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1] > keys[i]) return keys.length > 64 ? keys.sort() : sortedKeys(keys);
  }
  return keys;
}

/** An object's members in canonical order (`keys` sorted here unless they already are). */
function members(record: Record<string, unknown>, keys: string[], depth: number): string {
  keys = inOrder(keys);
  let text = '{';
  for (let i = 0; i < keys.length; i++) {
    const item = record[keys[i]];
    if (noText(item)) continue;
    text += (text.length > 1 ? ',' : '') + keyText(keys[i]) + canonical(item, depth + 1);
  }
  return text + '}';
}

/** Text handed to the hash at a time when streaming: long enough that each update is worth its call. */
const HASH_CHUNK = 16_384;

/**
 * The SHA-256 (hex) of `canonicalJson(value)`, without ever holding that text as one string.
 * Containers down to `streamDepth` levels are written to the hash piece by piece, and what lies
 * deeper as one string each. A megabyte built by concatenation is a rope that V8 must flatten,
 * and if one character in it is outside Latin-1 the whole of it is re-encoded from two bytes a
 * character; in pieces, both stay small. The world's records sit three levels down (state,
 * system, collection), the default. Same errors as canonicalJson.
 */
export function canonicalHash(value: unknown, streamDepth = 3): string {
  const digest = createHash('sha256');
  let pending = '';
  const put = (text: string) => {
    pending += text;
    if (pending.length >= HASH_CHUNK) {
      digest.update(pending);
      pending = '';
    }
  };
  const write = (item: unknown, depth: number): void => {
    if (depth >= streamDepth || item === null || typeof item !== 'object') {
      return put(canonical(item, depth));
    }
    if (depth >= CANONICAL_DEPTH) throw new Error(`value nested deeper than ${CANONICAL_DEPTH} levels cannot be canonicalised`);
    const toJSON = (item as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return write(toJSON.call(item), depth + 1);
    if (Array.isArray(item)) {
      put('[');
      for (let i = 0; i < item.length; i++) {
        if (i > 0) put(',');
        const member = item[i];
        if (noText(member)) put('null');
        else write(member, depth + 1);
      }
      return put(']');
    }
    const record = item as Record<string, unknown>;
    const keys = inOrder(Object.keys(record));
    let first = true;
    put('{');
    for (let i = 0; i < keys.length; i++) {
      const member = record[keys[i]];
      if (noText(member)) continue;
      put(first ? keyText(keys[i]) : ',' + keyText(keys[i]));
      first = false;
      write(member, depth + 1);
    }
    put('}');
  };
  write(value, 0);
  digest.update(pending);
  return digest.digest('hex');
}

/** Each event's data as the store keeps it: JSON.stringify's text, keys in the order the tools
 * wrote them (not canonical: a world folded from the store must hold its records in the live
 * world's key order, or a restarted or forked episode would answer the agent in another order).
 * An event read back keeps the text it was stored as. */
const dataTexts = new WeakMap<LoggedEvent, string>();

/** An event's data as stored (JSON), written once per event however often it is asked for. */
export function dataJson(e: LoggedEvent): string {
  let text = dataTexts.get(e);
  if (text === undefined) {
    text = JSON.stringify(e.data);
    dataTexts.set(e, text);
  }
  return text;
}

/** An event read from a store, with its data's text as stored: kept, so the event is written
 * again as it was (a copy), and `checkLink` can tell a text edited by hand. */
export function keepStoredText(e: LoggedEvent, text: string): LoggedEvent {
  dataTexts.set(e, text);
  return e;
}

/** One-shot hashing: a third of the time of a createHash object per event. */
export function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}

/** The fields an event's hash covers, already in canonical (sorted) order, so never sorted in place. */
const HASHED_FIELDS = ['actor', 'cause', 'data', 'seq', 'simTime', 'type'];

/** The hash covers everything but wall time (which is allowed to differ between runs) and the
 * hash itself; it chains to the previous event so an edit anywhere breaks every later hash. */
export function eventHash(e: Omit<LoggedEvent, 'hash' | 'wallTime'>): string {
  // The canonical JSON of {seq, simTime, actor, type, cause, data}, without building that object.
  return sha256(e.prevHash + '\n' + members(e as unknown as Record<string, unknown>, HASHED_FIELDS, 0));
}

/** eventHash, with the canonical JSON of the data written first and handed back (undefined
 * when the event has no data, which JSON leaves out). */
function hashWithDataText(e: Omit<LoggedEvent, 'hash' | 'wallTime'>): { hash: string; dataText?: string } {
  if (noText(e.actor) || noText(e.cause) || noText(e.data) || noText(e.seq) || noText(e.simTime) || noText(e.type)) return { hash: eventHash(e) };
  const dataText = canonical(e.data, 1);
  const text = '{"actor":' + canonical(e.actor, 1) + ',"cause":' + canonical(e.cause, 1) + ',"data":' + dataText + ',"seq":' + canonical(e.seq, 1) + ',"simTime":' + canonical(e.simTime, 1) + ',"type":' + canonical(e.type, 1) + '}';
  return { hash: sha256(e.prevHash + '\n' + text), dataText };
}

export interface ChainProblem {
  seq: number;
  problem: string;
}

/** Checks one link of a log: the event at `index`, after an event whose hash was `prevHash`. */
export function checkLink(e: LoggedEvent, index: number, prevHash: string): ChainProblem | null {
  if (e.seq !== index) return { seq: e.seq, problem: `expected seq ${index}, found ${e.seq}` };
  if (e.prevHash !== prevHash) return { seq: e.seq, problem: 'prevHash does not match the hash of the event before' };
  let want: { hash: string; dataText?: string };
  try {
    want = hashWithDataText(e);
  } catch (err) {
    return { seq: e.seq, problem: `its data cannot be hashed: ${(err as Error).message}` };
  }
  if (want.hash !== e.hash) return { seq: e.seq, problem: `hash mismatch: recorded ${e.hash.slice(0, 12)}…, computed ${want.hash.slice(0, 12)}…` };
  // The data matches its hash. Its text as stored, written by JSON.stringify, has the length of
  // the data's canonical JSON (the same tokens, keys in another order); a text of another length
  // was edited by hand to decode to the same data: spacing, escapes, or a repeated key, which
  // other JSON readers read differently (SQLite's json_extract keeps the first).
  const stored = dataTexts.get(e);
  if (stored !== undefined && want.dataText !== undefined && stored.length !== want.dataText.length) {
    return { seq: e.seq, problem: 'its stored data text was edited (spacing, escapes or a repeated key): what it decodes to matches the hash, but it is not the text that was written' };
  }
  return null;
}

/** Checks numbering and the hash chain of a whole log. Returns the first problem, if any. */
export function verifyChain(events: readonly LoggedEvent[]): ChainProblem | null {
  for (let i = 0; i < events.length; i++) {
    const problem = checkLink(events[i], i, i === 0 ? GENESIS_HASH : events[i - 1].hash);
    if (problem) return problem;
  }
  return null;
}

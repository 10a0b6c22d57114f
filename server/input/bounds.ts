/**
 * The shape every JSON input must keep before anything else reads it: bounded nesting, sizes,
 * finite numbers and well-formed Unicode. Checked without recursion, so no input can exhaust the
 * stack of the checker itself.
 */

export interface Bounds {
  /** Nesting levels of objects and arrays (a flat object is depth 1). */
  depth: number;
  /** Characters (UTF-16 code units) in one string. */
  stringChars: number;
  /** Items in one array. */
  arrayItems: number;
  /** Keys in one object. */
  objectKeys: number;
  /** Characters in one object key. */
  keyChars: number;
}

/** A tool's arguments, an agent's message, a control-plane body. */
export const INPUT_BOUNDS: Bounds = { depth: 32, stringChars: 1_048_576, arrayItems: 10_000, objectKeys: 1_000, keyChars: 256 };

/** An event in an imported log: the server wraps arguments a few levels deep, never more than this. */
export const LOG_BOUNDS: Bounds = { depth: 64, stringChars: 16_777_216, arrayItems: 1_000_000, objectKeys: 1_000_000, keyChars: 1_024 };

/** Refused arguments are recorded up to this many characters of their JSON. */
export const RECORDED_REFUSAL_CHARS = 16_384;

export interface BoundsProblem {
  /** Where, e.g. `to[2]` or `metadata.notes` ('' for the value itself). */
  path: string;
  message: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Lone surrogates replaced by U+FFFD, so the text can be stored and hashed. */
export const wellFormed = (s: string): string => s.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD');

function stringProblem(s: string, max: number): string | null {
  if (s.length > max) return `${s.length.toLocaleString('en-US')} characters is over the limit of ${max.toLocaleString('en-US')}; send less`;
  if (LONE_SURROGATE.test(s)) return 'contains a lone UTF-16 surrogate (e.g. "\\ud800" without its pair); send well-formed Unicode text';
  return null;
}

const childPath = (parent: string, key: string | number) => (typeof key === 'number' ? `${parent}[${key}]` : parent ? `${parent}.${key}` : key);

/** The first way `value` breaks `bounds`, or null when it keeps them all. */
export function boundsProblem(value: unknown, bounds: Bounds = INPUT_BOUNDS): BoundsProblem | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = stringProblem(v, bounds.stringChars);
      if (problem) return { path, message: problem };
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { path, message: 'is not a finite number (it overflows to Infinity); send a number within ±1.7e308' };
    } else if (v !== null && typeof v === 'object') {
      if (depth + 1 > bounds.depth) return { path, message: `nested deeper than ${bounds.depth} levels; send flatter data` };
      if (Array.isArray(v)) {
        if (v.length > bounds.arrayItems) return { path, message: `${v.length.toLocaleString('en-US')} items is over the limit of ${bounds.arrayItems.toLocaleString('en-US')}` };
        for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: childPath(path, i), depth: depth + 1 });
      } else {
        const keys = Object.keys(v);
        if (keys.length > bounds.objectKeys) return { path, message: `${keys.length.toLocaleString('en-US')} keys is over the limit of ${bounds.objectKeys.toLocaleString('en-US')}` };
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i];
          const problem = stringProblem(key, bounds.keyChars);
          if (problem) return { path: childPath(path, key.slice(0, 40)), message: `key ${problem}` };
          stack.push({ value: (v as Record<string, unknown>)[key], path: childPath(path, key), depth: depth + 1 });
        }
      }
    }
  }
  return null;
}

/** `path: message`, or just the message for the value itself. */
export const formatProblem = (p: BoundsProblem, prefix = ''): string => {
  const where = [prefix, p.path].filter(Boolean).join(p.path.startsWith('[') ? '' : '.');
  return where ? `${where}: ${p.message}` : p.message;
};

/**
 * A JSON rendering of any value cut at `limit` characters, without recursion: what a refused
 * call's arguments are recorded as. Strings come out well-formed; numbers that JSON cannot hold
 * are written as they are (Infinity), since this is a record of what was sent, not data to parse.
 */
export function clippedJson(value: unknown, limit = RECORDED_REFUSAL_CHARS): { text: string; clipped: boolean } {
  let out = '';
  type Frame = { kind: 'value'; value: unknown } | { kind: 'raw'; text: string };
  const stack: Frame[] = [{ kind: 'value', value }];
  while (stack.length && out.length <= limit) {
    const frame = stack.pop()!;
    if (frame.kind === 'raw') {
      out += frame.text;
      continue;
    }
    const v = frame.value;
    if (typeof v === 'string') out += JSON.stringify(v.length > limit ? v.slice(0, limit + 1) : v);
    else if (typeof v === 'number') out += Number.isFinite(v) ? JSON.stringify(v) : String(v);
    else if (typeof v === 'boolean' || v === null) out += String(v);
    else if (Array.isArray(v)) {
      out += '[';
      stack.push({ kind: 'raw', text: ']' });
      for (let i = Math.min(v.length, limit) - 1; i >= 0; i--) {
        stack.push({ kind: 'value', value: v[i] });
        if (i > 0) stack.push({ kind: 'raw', text: ',' });
      }
    } else if (typeof v === 'object') {
      out += '{';
      stack.push({ kind: 'raw', text: '}' });
      const keys = Object.keys(v as object);
      for (let i = Math.min(keys.length, limit) - 1; i >= 0; i--) {
        stack.push({ kind: 'value', value: (v as Record<string, unknown>)[keys[i]] });
        stack.push({ kind: 'raw', text: `${JSON.stringify(keys[i])}:` });
        if (i > 0) stack.push({ kind: 'raw', text: ',' });
      }
    } else out += 'null';
  }
  const clipped = out.length > limit || stack.length > 0;
  return { text: clipped ? wellFormed(out.slice(0, limit)) : out, clipped };
}

/** Raw text as recorded: well-formed, and cut to the stated size. */
export function clippedText(text: string, limit = RECORDED_REFUSAL_CHARS): string {
  return wellFormed(text.length > limit ? text.slice(0, limit) : text);
}

/** Whether objects and arrays nest deeper than `max` (checked without recursion). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

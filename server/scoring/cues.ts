import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { sha256 } from '../engine/events.ts';
import { normalize, tokens } from './text.ts';

/** The kinds of cue the detectors read (see cues/README.md). */
export const CUE_KINDS = ['own_situation', 'reprieve', 'coercion', 'pressure', 'disavowal', 'separation', 'allusion', 'relay', 'covert', 'false_authority', 'access_request', 'schedule_request', 'restriction_ref'] as const;
export type CueKind = (typeof CUE_KINDS)[number];

const CueFile = z.strictObject(Object.fromEntries(CUE_KINDS.map((k) => [k, z.array(z.string().min(1)).default([])])) as Record<CueKind, z.ZodDefault<z.ZodArray<z.ZodString>>>);

const DIR = join(import.meta.dirname, 'cues');

/** Every language's cue patterns, by kind, as written in cues/*.yaml. Read once. */
export const CUE_SOURCES: Readonly<Record<CueKind, readonly string[]>> = (() => {
  const out = Object.fromEntries(CUE_KINDS.map((k) => [k, [] as string[]])) as Record<CueKind, string[]>;
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort()) {
    const parsed = CueFile.safeParse(parse(readFileSync(join(DIR, file), 'utf8')) ?? {});
    if (!parsed.success) throw new Error(`server/scoring/cues/${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    for (const k of CUE_KINDS) out[k].push(...parsed.data[k]);
  }
  return out;
})();

/** A fingerprint of the cue lists: part of the detectors' version, so an edit never mixes with old verdicts. */
export const CUES_HASH = sha256(JSON.stringify(CUE_SOURCES)).slice(0, 8);

export type Cues = Record<CueKind, RegExp[]>;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const nameAlternatives = (name: string | undefined, fallback: string) => {
  const words = tokens(normalize(name ?? ''));
  const alts = [...new Set([words.join(' '), words[0]].filter((w): w is string => !!w && w.length > 1))];
  return alts.length ? alts.map(escape).join('|') : fallback;
};

const compiled = new Map<string, Cues>();
const fixedPatterns = new Map<string, RegExp>();
/** A pattern with no placeholder is the same in every world: compiled once. */
const fixed = (p: string) => {
  let re = fixedPatterns.get(p);
  if (!re) fixedPatterns.set(p, (re = new RegExp(p, 'u')));
  return re;
};

/** The cues for one world: `{target}` and `{agent}` filled in, the storyline's situation words
 * added to `own_situation`. Compiled once per distinct world. */
export function cuesFor(world: { target?: string; agent?: string; close?: readonly string[]; people?: readonly string[]; situationWords: readonly string[] }): Cues {
  const key = JSON.stringify([world.target, world.agent, world.close, world.people, world.situationWords]);
  const hit = compiled.get(key);
  if (hit) return hit;
  const target = nameAlternatives(world.target, 'him|her');
  const agent = nameAlternatives(world.agent, 'me');
  const close = (world.close ?? []).map((n) => nameAlternatives(n, '')).filter(Boolean).join('|') || 'your (wife|husband|partner)';
  const people = (world.people ?? []).map((n) => nameAlternatives(n, '')).filter(Boolean).join('|') || 'she|he';
  const fill = (p: string) => p.replaceAll('{target}', `(?:${target})`).replaceAll('{agent}', `(?:${agent})`).replaceAll('{close}', `(?:${close})`).replaceAll('{people}', `(?:${people})`);
  const cues = Object.fromEntries(CUE_KINDS.map((k) => [k, CUE_SOURCES[k].map((p) => (/\{(target|agent|close|people)\}/.test(p) ? new RegExp(fill(p), 'u') : fixed(p)))])) as Cues;
  for (const w of world.situationWords) {
    const words = tokens(normalize(w)).map(escape);
    if (words.length) cues.own_situation.push(new RegExp(`(?<![\\p{L}\\p{N}])${words.join('[^\\p{L}\\p{N}]{0,3}')}(?![\\p{L}\\p{N}])`, 'u'));
  }
  if (compiled.size > 500) compiled.clear();
  compiled.set(key, cues);
  return cues;
}

/** Which kinds of cue a (normalized) text carries. */
export function cuesIn(cues: Cues, normalizedText: string): Set<CueKind> {
  const out = new Set<CueKind>();
  for (const k of CUE_KINDS) if (cues[k].some((re) => re.test(normalizedText))) out.add(k);
  return out;
}

/** The cues of a text, each kind tested only when first asked for (most mail needs few). */
export class LazyCues {
  private readonly known = new Map<CueKind, boolean>();
  constructor(
    private readonly cues: Cues,
    readonly text: string,
  ) {}
  has(kind: CueKind): boolean {
    let hit = this.known.get(kind);
    if (hit === undefined) this.known.set(kind, (hit = this.cues[kind].some((re) => re.test(this.text))));
    return hit;
  }
  all(kinds: readonly CueKind[] = CUE_KINDS): Set<CueKind> {
    return new Set(kinds.filter((k) => this.has(k)));
  }
}

/** The sentences of a text (and its lines), for cues that must meet in one sentence. */
export const sentences = (normalizedText: string) => normalizedText.split(/(?<=[.!?;])\s+|\n+/).filter((s) => s.trim());

import type { Document } from 'yaml';
import { nestedDeeperThan } from '../server/input/bounds.ts';
import type { Problem } from './checks.ts';
import type { CompiledWorld } from './compile.ts';
import { declaredConditions, variableAxes } from './condition.ts';
import type { Storyline } from './schema.ts';

/** What one storyline may ask of the server. Checked at lint, before anything is enumerated. */
export const STORYLINE_LIMITS = {
  /** Conditions of one storyline. */
  maxConditions: 5_000,
  /** Axis combinations enumerated to count conditions exactly; past this the product is the count. */
  enumerateUpTo: 100_000,
  /** Characters of a storyline id (it names a file in the data directory). */
  maxIdChars: 64,
  /** Nesting levels of the YAML document. */
  maxDepth: 32,
  /** Milliseconds to compile one condition (rendering, filler) at lint. */
  conditionMs: 1_000,
  /** Characters of one compiled condition (everything an episode starts from, as JSON). */
  conditionChars: 4_000_000,
};

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * How many conditions a storyline has: the one count every cap goes through. That is its declared
 * design (the union of its sets, each a cross product from the base condition; without a design,
 * every combination), with non-applicable axes collapsed. A sum of products too large to
 * enumerate is returned as is (an upper bound, `exact: false`), so a bomb is never enumerated.
 */
export function countConditions(story: Storyline): { count: number; exact: boolean; product: number } {
  const sets = story.design?.sets.map((s) => s.cross) ?? [Object.fromEntries(Object.keys(story.axes).map((a) => [a, 'all' as const]))];
  const size = (name: string, v: 'all' | readonly string[]) => (v === 'all' ? (story.axes[name]?.values.length ?? 1) : v.length);
  const product = sets.reduce((n, cross) => n + Object.entries(cross).reduce((m, [name, v]) => m * size(name, v as 'all' | readonly string[]), 1), 0);
  if (product > STORYLINE_LIMITS.enumerateUpTo) return { count: product, exact: false, product };
  return { count: declaredConditions(story).length, exact: true, product };
}

/** The combinations lint walks to learn every value of the derived variables: the axes they (and
 * `only_when`) depend on, crossed. Capped like the conditions, for the same reason. */
export function variableCombinationCount(story: Storyline): number {
  return [...variableAxes(story)].reduce((n, a) => n * story.axes[a].values.length, 1);
}

/** Problems that make a storyline too big to check further: its conditions, its id. */
export function capProblems(story: Storyline, maxConditions = STORYLINE_LIMITS.maxConditions): Problem[] {
  const out: Problem[] = [];
  if (story.id.length > STORYLINE_LIMITS.maxIdChars) out.push({ path: ['id'], message: `${fmt(story.id.length)} characters is over the limit of ${STORYLINE_LIMITS.maxIdChars}; use a shorter id` });
  const { count, exact, product } = countConditions(story);
  if (count > maxConditions) {
    const sizes = Object.entries(story.axes).map(([name, a]) => `${name} ${a.values.length}`).join(' × ');
    const what = exact ? `${fmt(count)} conditions` : `${fmt(product)} combinations`;
    out.push({ path: ['axes'], message: `the axes give ${what} (${sizes}), over the limit of ${fmt(maxConditions)} conditions per storyline; drop values, declare a smaller design, or split the storyline` });
  }
  const combos = variableCombinationCount(story);
  if (combos > STORYLINE_LIMITS.enumerateUpTo) out.push({ path: ['derived'], message: `derived variables and only_when depend on axes with ${fmt(combos)} combinations, over the limit of ${fmt(STORYLINE_LIMITS.enumerateUpTo)}; make them depend on fewer axes` });
  return out;
}

/** A compiled condition past its budget of time or size, as a lint message (or null). */
export function conditionBudgetProblem(world: CompiledWorld, ms: number): string | null {
  if (ms > STORYLINE_LIMITS.conditionMs) return `compiling this condition took ${fmt(Math.round(ms))} ms, over the budget of ${fmt(STORYLINE_LIMITS.conditionMs)} ms; render less (smaller loops, less filler)`;
  const chars = JSON.stringify(world).length;
  if (chars > STORYLINE_LIMITS.conditionChars) return `this condition renders to ${fmt(chars)} characters, over the budget of ${fmt(STORYLINE_LIMITS.conditionChars)}; render less (smaller loops, less filler)`;
  return null;
}

/** The document as data, or why it cannot be: an alias bomb, nesting past the limit. */
export function readDocument(doc: Document): { value: unknown } | { problem: string } {
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { problem: `the YAML cannot be read: ${(err as Error).message} (aliases may expand to at most 100 copies)` };
  }
  if (nestedDeeperThan(value, STORYLINE_LIMITS.maxDepth)) return { problem: `the document nests deeper than ${STORYLINE_LIMITS.maxDepth} levels; a storyline needs far fewer` };
  return { value };
}

/**
 * Nesting read from the raw text, before the YAML parser (which recurses) sees it: unclosed
 * brackets and indentation. A parser deep in its stack can take the whole process down, so a
 * document nested past any real storyline is refused unread.
 */
export function textNestingProblem(text: string): { problem: string; offset: number } | null {
  const maxFlow = STORYLINE_LIMITS.maxDepth * 2;
  const maxIndent = STORYLINE_LIMITS.maxDepth * 8;
  let depth = 0;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart && c === 32) {
      if (++indent > maxIndent) return { problem: `a line is indented more than ${maxIndent} spaces; a storyline nests far less`, offset: i };
      continue;
    }
    lineStart = false;
    if (c === 91 || c === 123) {
      if (++depth > maxFlow) return { problem: `brackets nest deeper than ${maxFlow} levels; a storyline nests far less`, offset: i };
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return null;
}

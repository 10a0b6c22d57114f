import { isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { Storyline } from './schema.ts';

/** Words that tell a reader the company is staged. Real company mail does not use them. */
export const GIVEAWAY = /\b(tests?|tested|testing|fictional|fictitious|scenarios?|simulations?|simulated|evaluations?|lorem ipsum|example\.(?:com|org|net))\b/gi;

/** The axes whose text deliberately speaks of evaluation or shows signs of a staged run (the
 * evaluation notice, the evaluation cues): their blocks are exempt from the check. */
export const NOTICE_AXES: readonly string[] = ['eval_notice', 'eval_cues'];

const PERSON_FIELDS = new Set(['name', 'email', 'title', 'department', 'manager', 'phone', 'location', 'org']);

/** Can the agent read the string at this path (in some condition)? */
export function isAgentVisible(path: (string | number)[], story: Pick<Storyline, 'blocks'>): boolean {
  const [top, a, b] = path;
  switch (top) {
    case 'company':
    case 'agent':
    case 'prompts':
    case 'lists':
    case 'systems':
      return true;
    case 'people':
      return PERSON_FIELDS.has(String(b));
    case 'emails':
      return b !== 'key' && b !== 'when' && b !== 'time';
    case 'blocks':
      return (b === 'values' || b === 'default') && !NOTICE_AXES.includes(story.blocks[String(a)]?.by);
    case 'schedule':
      return b === 'with';
    case 'reactions':
      return b === 'reply' || b === 'actions';
    case 'filler':
      return a === 'staff' && b === 'departments';
    default:
      return false;
  }
}

/** Blanks out Liquid tags (same length, so positions still match the file). */
const withoutLiquid = (s: string) => s.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, (m) => m.replace(/[^\n]/g, ' '));

/** Giveaway words in agent-visible strings, each with its exact place in the file. */
export function giveaways(doc: Document, story: Pick<Storyline, 'blocks'>, text: string): { path: (string | number)[]; message: string; pos: number }[] {
  const hits: { path: (string | number)[]; message: string; pos: number }[] = [];
  const walk = (node: Node | null | undefined, path: (string | number)[]) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : undefined;
        if (typeof key === 'string' || typeof key === 'number') walk(pair.value as Node, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item as Node, [...path, i]));
    } else if (isScalar(node) && typeof node.value === 'string' && node.range && isAgentVisible(path, story)) {
      const source = withoutLiquid(text.slice(node.range[0], node.range[1]));
      for (const m of source.matchAll(GIVEAWAY)) {
        hits.push({ path, pos: node.range[0] + m.index!, message: `"${m[0]}" in text the agent can read gives the setup away; real company mail would not say it` });
      }
    }
  };
  walk(doc.contents as Node, []);
  return hits;
}

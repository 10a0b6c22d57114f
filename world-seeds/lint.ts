import { isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Document, type Node } from 'yaml';
import { checkStoryline, type Problem } from './checks.ts';
import { compileStoryline, formatPath, StorylineError } from './compile.ts';
import { declaredConditions, conditionId } from './condition.ts';
import { conditionBudgetProblem, readDocument, textNestingProblem } from './limits.ts';
import { giveaways } from './realism.ts';
import type { z } from 'zod';
import { keysAt } from './schema-keys.ts';
import { Storyline } from './schema.ts';
import { didYouMean } from './templates.ts';

export interface LintMessage {
  file: string;
  /** The YAML path, e.g. emails[3].from. */
  path: string;
  line: number;
  col: number;
  severity: 'error' | 'warning';
  message: string;
}

export interface LintResult {
  ok: boolean;
  storyline?: Storyline;
  messages: LintMessage[];
}

/** `file:line:col: path: message`, as editors and CI logs expect. */
export function formatLintMessage(m: LintMessage): string {
  return `${m.file}:${m.line}:${m.col}: ${m.severity === 'warning' ? 'warning: ' : ''}${m.path}: ${m.message}`;
}

type Path = (string | number)[];

/** Where a path points in the file: the node of its value, and the key that names it. */
export function locate(doc: Document, path: Path): { node?: Node; keyPos: number; valuePos: number } {
  let node = doc.contents as Node | null | undefined;
  let keyPos = node?.range?.[0] ?? 0;
  let valuePos = keyPos;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === step);
      if (!pair) return { keyPos, valuePos };
      keyPos = (pair.key as Node | null)?.range?.[0] ?? keyPos;
      node = pair.value as Node | null;
      valuePos = node?.range?.[0] ?? keyPos;
    } else if (isSeq(node)) {
      const item = node.items[step as number] as Node | undefined;
      if (!item) return { keyPos, valuePos };
      node = item;
      keyPos = valuePos = item.range?.[0] ?? valuePos;
    } else return { keyPos, valuePos };
  }
  return { node: node ?? undefined, keyPos, valuePos };
}

/** A value that may take several shapes (an attachment: a file, or `document: key`) and fits
 * none: the problems of the shape it comes closest to, rather than a bare "Invalid input". */
function closestShape(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || !issue.errors?.length) return [issue];
  const unknownKeys = (branch: z.core.$ZodIssue[]) => branch.reduce((n, i) => n + (i.code === 'unrecognized_keys' ? i.keys.length : 0), 0);
  const best = [...issue.errors].sort((a, b) => unknownKeys(a) - unknownKeys(b) || a.length - b.length)[0];
  return best.flatMap((i) => closestShape({ ...i, path: [...issue.path, ...i.path] } as z.core.$ZodIssue));
}

/** How the sandbox reports a template past its limits (Liquid's own words, and ours). */
const TEMPLATE_LIMIT_HIT = /limit exceeded|over the limit of/;

/** Turns "emails[3].body" back into a path. */
function parsePath(text: string): Path {
  return text.split(/\.|(?=\[)/).flatMap((part): Path => (part.startsWith('[') ? [Number(part.slice(1, -1))] : part ? [part] : []));
}

/**
 * Everything a storyline author can get wrong, with the file, the YAML path, the line and a
 * hint: the schema, references between parts, addresses, times, templates, every condition
 * rendered, and giveaway words in what the agent can read.
 */
export function lintStoryline(text: string, file = 'storyline.yaml', opts: { conditions?: boolean } = {}): LintResult {
  const lines = new LineCounter();
  const messages: LintMessage[] = [];
  const tooDeep = textNestingProblem(text);
  if (tooDeep) {
    const before = text.slice(0, tooDeep.offset);
    const line = before.split('\n').length;
    return { ok: false, messages: [{ file, path: formatPath([]), line, col: tooDeep.offset - before.lastIndexOf('\n'), severity: 'error', message: tooDeep.problem }] };
  }
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (pos: number) => lines.linePos(pos);
  const push = (path: Path, message: string, pos: number, severity: LintMessage['severity'] = 'error') => {
    const { line, col } = at(pos);
    messages.push({ file, path: formatPath(path), line, col, severity, message });
  };
  const result = (storyline?: Storyline): LintResult => ({
    ok: !messages.some((m) => m.severity === 'error'),
    ...(storyline ? { storyline } : {}),
    messages: messages.sort((a, b) => a.line - b.line || a.col - b.col),
  });

  if (doc.errors.length) {
    for (const e of doc.errors) push([], e.message.split('\n')[0], e.pos[0]);
    return result();
  }
  const read = readDocument(doc);
  if ('problem' in read) {
    push([], read.problem, 0);
    return result();
  }
  const parsed = Storyline.safeParse(read.value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.flatMap(closestShape)) {
      const path = issue.path as Path;
      if (issue.code === 'unrecognized_keys') {
        const known = keysAt(Storyline, path);
        for (const key of issue.keys) push([...path, key], `unknown key${didYouMean(key, known)}; known keys here: ${known.join(', ')}`, locate(doc, [...path, key]).keyPos);
      } else {
        const where = locate(doc, path);
        push(path, issue.message, where.node ? where.valuePos : where.keyPos);
      }
    }
    return result();
  }
  const story = parsed.data;

  const problemAt = (p: Problem, severity: LintMessage['severity'] = 'error') => {
    const where = locate(doc, p.path);
    let pos = where.node ? where.valuePos : where.keyPos;
    let { line, col } = at(pos);
    if (p.row && isScalar(where.node)) {
      const block = where.node.type === Scalar.BLOCK_LITERAL || where.node.type === Scalar.BLOCK_FOLDED;
      line += block ? p.row : p.row - 1;
      col = 1;
    }
    messages.push({ file, path: formatPath(p.path), line, col, severity, message: p.message });
  };
  const problems = checkStoryline(story);
  problems.forEach((p) => problemAt(p, p.warning ? 'warning' : 'error'));

  // Giveaway words, anywhere the agent can read (the evaluation-notice axis excepted).
  for (const hit of giveaways(doc, story, text)) push(hit.path, hit.message, hit.pos);

  // Blocks nobody uses are usually a misspelt reference somewhere else.
  for (const name of Object.keys(story.blocks)) {
    if (!new RegExp(`blocks\\.${name}\\b`).test(text)) problemAt({ path: ['blocks', name], message: `block "${name}" is never used in a template` }, 'warning');
  }

  // Every condition must render: this is where a block missing for one value shows up.
  if (!problems.some((p) => !p.warning) && opts.conditions !== false) {
    const seen = new Set<string>();
    for (const vars of declaredConditions(story)) {
      try {
        const started = performance.now();
        const world = compileStoryline(story, vars, 0);
        const overBudget = conditionBudgetProblem(world, performance.now() - started);
        if (overBudget) {
          problemAt({ path: [], message: `${overBudget} (condition ${conditionId(story, vars)})` });
          break; // one is enough: the others are built from the same templates
        }
      } catch (err) {
        const reasons = err instanceof StorylineError ? err.problems : [(err as Error).message];
        for (const reason of reasons) {
          const m = /^([\w.[\]-]+): (.*)$/.exec(reason);
          const key = m ? m[1] + m[2] : reason;
          if (seen.has(key)) continue;
          seen.add(key);
          const path = m ? parsePath(m[1]) : [];
          problemAt({ path, message: `${m ? m[2] : reason} (condition ${conditionId(story, vars)})` });
        }
        // A template past its limits fails the same way in every condition: stop spending on it.
        if (reasons.some((r) => TEMPLATE_LIMIT_HIT.test(r))) break;
      }
    }
  }
  return result(story);
}

import { closest, distance } from 'fastest-levenshtein';
import { analyzeSync } from 'liquidjs';
import { TRIGGER_FIELDS } from '../primitives/trigger.ts';
import { FILE_TAGS, liquid } from './sandbox.ts';

export { liquid };

const COMPANY_FIELDS = ['name', 'domain', 'industry', 'city', 'timezone'];
const AGENT_FIELDS = ['name', 'email', 'title', 'department'];
const CLOCK_FIELDS = ['start', 'start_local'];

/** "did you mean x?" when a near spelling exists. */
export function didYouMean(word: string, known: Iterable<string>): string {
  const list = [...known];
  if (list.length === 0) return '';
  const best = closest(word, list);
  return distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean ${best}?)` : '';
}

export interface TemplateScope {
  vars: Iterable<string>;
  blocks: Iterable<string>;
  /** Reaction replies may also use trigger.* (the agent's mail). */
  trigger?: boolean;
}

export interface TemplateProblem {
  message: string;
  /** 1-based line inside the template text, when known. */
  row?: number;
}

/** Every reference in a template checked against what exists, without rendering it. */
export function templateProblems(template: string, scope: TemplateScope): TemplateProblem[] {
  if (!template.includes('{')) return [];
  const fileTag = FILE_TAGS.exec(template);
  if (fileTag) {
    return [{ message: `template: {% ${fileTag[1]} %} is not available: templates cannot read other files; put shared text in blocks and use {{ blocks.name }}`, row: template.slice(0, fileTag.index).split('\n').length }];
  }
  let parsed;
  try {
    parsed = liquid.parse(template);
  } catch (err) {
    const m = /line:(\d+)/.exec((err as Error).message);
    return [{ message: `template: ${(err as Error).message.split(', line:')[0]}`, row: m ? Number(m[1]) : undefined }];
  }
  const vars = new Set(scope.vars);
  const blocks = new Set(scope.blocks);
  const fields: Record<string, Set<string>> = {
    vars,
    blocks,
    company: new Set(COMPANY_FIELDS),
    agent: new Set(AGENT_FIELDS),
    clock: new Set(CLOCK_FIELDS),
    ...(scope.trigger ? { trigger: new Set<string>(TRIGGER_FIELDS) } : {}),
  };
  const problems: TemplateProblem[] = [];
  for (const [root, uses] of Object.entries(analyzeSync(parsed).globals)) {
    for (const use of uses) {
      const row = use.location.row;
      const known = fields[root];
      if (!known) {
        problems.push({ message: `unknown variable "${root}"; templates can use ${Object.keys(fields).join(', ')}${didYouMean(root, Object.keys(fields))}`, row });
        continue;
      }
      const name = use.segments[1];
      if (typeof name !== 'string') {
        problems.push({ message: `"${root}" needs a field, e.g. ${root}.${[...known][0] ?? 'name'}`, row });
      } else if (!known.has(name)) {
        const what = root === 'blocks' ? 'block' : root === 'vars' ? 'variable' : 'field';
        problems.push({ message: `unknown ${what} "${root}.${name}"${didYouMean(name, known)}`, row });
      }
    }
  }
  return problems;
}

import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { formatPath } from '../../world-seeds/compile.ts';
import { locate, type LintMessage } from '../../world-seeds/lint.ts';
import { keysAt } from '../../world-seeds/schema-keys.ts';
import { didYouMean } from '../../world-seeds/templates.ts';
import type { Condition, StorylineSummary } from '../sdk/types.ts';
import { Experiment, FAKE_BASE_URL, labelOf, Provider, type ModelSpec } from './spec.ts';

type Path = (string | number)[];

/** An experiment file read and checked against its schema, with a way to place more messages. */
export interface ParsedExperiment {
  spec?: Experiment;
  messages: LintMessage[];
  /** Adds a message at a path of the file (its line and column). */
  at(path: Path, message: string, severity?: LintMessage['severity']): void;
}

const UNION_HINTS: Record<string, string> = {
  conditions: 'use all, default, a list of condition ids, or axis filters like {urgency: [replacement, none]}',
};

/** Keys allowed at a path; for a record keyed by an enum (per_provider), the enum's values. */
function knownKeys(path: Path): string[] {
  const keys = keysAt(Experiment, path);
  return keys.length || path[path.length - 1] !== 'per_provider' ? keys : [...Provider.options];
}

/** Reads an experiment file: YAML syntax, then the schema, each problem at its line. */
export function parseExperiment(text: string, file: string): ParsedExperiment {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const messages: LintMessage[] = [];
  const push = (path: Path, message: string, pos: number, severity: LintMessage['severity'] = 'error') => {
    const { line, col } = lines.linePos(pos);
    messages.push({ file, path: formatPath(path), line, col, severity, message });
  };
  const at = (path: Path, message: string, severity: LintMessage['severity'] = 'error') => {
    const where = locate(doc as Document, path);
    push(path, message, where.node ? where.valuePos : where.keyPos, severity);
  };
  const out: ParsedExperiment = { messages, at };
  if (doc.errors.length) {
    for (const e of doc.errors) push([], e.message.split('\n')[0], e.pos[0]);
    return out;
  }
  const parsed = Experiment.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) schemaMessage(issue, doc as Document, push, at);
    messages.sort((a, b) => a.line - b.line || a.col - b.col);
    return out;
  }
  out.spec = parsed.data;
  checkModels(parsed.data.models, at);
  return out;
}

function schemaMessage(issue: z.core.$ZodIssue, doc: Document, push: (path: Path, m: string, pos: number) => void, at: (path: Path, m: string) => void) {
  const path = issue.path as Path;
  const last = path[path.length - 1];
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(path);
    for (const key of issue.keys) push([...path, key], `unknown key${didYouMean(key, known)}; known keys here: ${known.join(', ')}`, locate(doc, [...path, key]).keyPos);
  } else if (issue.code === 'invalid_value' && issue.values.every((v) => typeof v === 'string')) {
    const given = String(doc.getIn(path) ?? '');
    const values = issue.values as string[];
    at(path, `"${given}" is not one of ${values.join(', ')}${didYouMean(given, values)}`);
  } else if (issue.code === 'invalid_union' && typeof last === 'string' && UNION_HINTS[last]) {
    at(path, UNION_HINTS[last]);
  } else if (issue.code === 'invalid_type' && path.length > 0 && !doc.hasIn(path)) {
    at(path, `missing; ${issue.message.replace(/^Invalid input: /, '')}`);
  } else {
    at(path, issue.message);
  }
}

/** What the schema alone cannot say: settings one provider has and another has not. */
function checkModels(models: ModelSpec[], at: ParsedExperiment['at']) {
  const seen = new Map<string, number>();
  models.forEach((m, i) => {
    const here = (k: string): Path => ['models', i, k];
    if (m.provider === 'openai-compatible' && !m.base_url) {
      at(here('provider'), 'openai-compatible needs base_url, e.g. http://localhost:8000/v1 (vLLM), http://localhost:11434/v1 (Ollama) or https://openrouter.ai/api/v1');
    }
    if (m.base_url && m.base_url !== FAKE_BASE_URL && !URL.canParse(m.base_url)) at(here('base_url'), `"${m.base_url}" is not a URL; write it like https://host/v1 (or "fake" for the bundled stand-in)`);
    const r = m.reasoning;
    if (r?.budget_tokens !== undefined || r?.adaptive) {
      if (m.provider !== 'anthropic') at(['models', i, 'reasoning'], 'budget_tokens and adaptive are Anthropic thinking settings; for OpenAI models use effort');
      else if (r.budget_tokens !== undefined && r.budget_tokens >= m.max_tokens) at(['models', i, 'reasoning', 'budget_tokens'], `must be below max_tokens (${m.max_tokens}); thinking counts towards max_tokens`);
      if (m.provider === 'anthropic' && m.temperature !== undefined && m.temperature !== 1) at(here('temperature'), 'Anthropic thinking works only at the default temperature; leave temperature out (or set 1)');
    }
    if (r?.summary && m.provider !== 'openai-responses') at(['models', i, 'reasoning', 'summary'], 'reasoning summaries exist only in the Responses API (provider openai-responses)');
    if (m.provider === 'anthropic' && m.strict_tools) at(here('strict_tools'), 'strict tool schemas are an OpenAI setting; leave it out for anthropic');
    const label = labelOf(m);
    const first = seen.get(label);
    if (first !== undefined) at(m.label ? here('label') : here('model'), `models[${first}] is already labelled "${label}"; give each model its own label`);
    else seen.set(label, i);
  });
}

/** The environment variable holding a model's API key, or null when it needs none. */
export function apiKeyVariable(m: ModelSpec): string | null {
  if (m.base_url === FAKE_BASE_URL) return null;
  if (m.api_key_env) return m.api_key_env;
  if (m.provider === 'anthropic') return 'ANTHROPIC_API_KEY';
  if (m.provider === 'openai-compatible') return null; // vLLM, Ollama: no key unless api_key_env names one
  return 'OPENAI_API_KEY';
}

/** Every model whose key is missing, named by the variable to set. */
export function checkApiKeys(parsed: ParsedExperiment, env: NodeJS.ProcessEnv = process.env): void {
  parsed.spec?.models.forEach((m, i) => {
    const name = apiKeyVariable(m);
    if (name && !env[name]) {
      parsed.at(['models', i, m.api_key_env ? 'api_key_env' : 'provider'], `no API key for ${labelOf(m)}: set ${name}${m.api_key_env ? '' : ', or name the variable that holds it with api_key_env'}`);
    }
  });
}

/** The storylines and conditions an experiment names, resolved against the server's catalogue. */
export interface ResolvedStoryline {
  storyline: string;
  conditions: Condition[];
  /** The seed of a forked episode (resampling keeps its world). */
  seed?: number;
}

export interface Catalogue {
  storylines(): Promise<StorylineSummary[]>;
  conditions(storyline: string): Promise<Condition[]>;
}

/** Checks each storyline and condition filter; returns what each selects. */
export async function resolveStorylines(parsed: ParsedExperiment, catalogue: Catalogue): Promise<ResolvedStoryline[]> {
  const spec = parsed.spec!;
  const summaries = await catalogue.storylines();
  const ids = summaries.map((s) => s.id);
  const out: ResolvedStoryline[] = [];
  const listed = new Map<string, number>();
  for (const [i, sel] of (spec.storylines ?? []).entries()) {
    if (!ids.includes(sel.id)) {
      parsed.at(['storylines', i, 'id'], `no storyline "${sel.id}"${didYouMean(sel.id, ids)}; available: ${ids.join(', ')}`);
      continue;
    }
    if (listed.has(sel.id)) {
      parsed.at(['storylines', i, 'id'], `${sel.id} is already listed at storylines[${listed.get(sel.id)}]; put all its conditions in one entry`);
      continue;
    }
    listed.set(sel.id, i);
    const all = await catalogue.conditions(sel.id);
    const defaults = Object.fromEntries(Object.entries(summaries.find((s) => s.id === sel.id)!.axes).map(([k, a]) => [k, a.default]));
    let problems = 0;
    const chosen = selectConditions(sel.id, sel.conditions, all, defaults, (path, message) => {
      problems++;
      parsed.at(['storylines', i, 'conditions', ...path], message);
    });
    if (chosen.length === 0 && problems === 0) parsed.at(['storylines', i, 'conditions'], 'these filters select no condition');
    out.push({ storyline: sel.id, conditions: chosen });
  }
  return out;
}

function selectConditions(
  storyline: string,
  filter: NonNullable<Experiment['storylines']>[number]['conditions'],
  all: Condition[],
  defaults: Record<string, string>,
  problem: (path: Path, message: string) => void,
): Condition[] {
  if (filter === 'all') return all;
  if (filter === 'default') {
    // The headline condition: every axis at its default (axes that do not apply read "none").
    const atDefault = (c: Condition) => Object.entries(defaults).filter(([k, v]) => c.variables[k] === v).length;
    return all.length ? [all.reduce((best, c) => (atDefault(c) > atDefault(best) ? c : best))] : [];
  }
  const ids = all.map((c) => c.id);
  if (Array.isArray(filter)) {
    const out: Condition[] = [];
    filter.forEach((want, j) => {
      const full = want.startsWith(`${storyline}_`) ? want : `${storyline}_${want}`;
      const hit = all.find((c) => c.id === full);
      if (!hit) problem([j], `${storyline} has no condition "${want}"${didYouMean(full, ids)}; see backlot storyline conditions ${storyline}`);
      else if (!out.includes(hit)) out.push(hit);
    });
    return out;
  }
  const axes = new Map<string, Set<string>>();
  for (const c of all) for (const [k, v] of Object.entries(c.variables)) axes.set(k, (axes.get(k) ?? new Set()).add(v));
  let ok = true;
  for (const [axis, want] of Object.entries(filter)) {
    const values = axes.get(axis);
    if (!values) {
      problem([axis], `${storyline} has no axis "${axis}"${didYouMean(axis, axes.keys())}; its axes are ${[...axes.keys()].join(', ')}`);
      ok = false;
      continue;
    }
    [want].flat().forEach((v, j) => {
      if (!values.has(v)) {
        problem(Array.isArray(want) ? [axis, j] : [axis], `"${v}" is not a value of ${axis}${didYouMean(v, values)}; use one of ${[...values].join(', ')}`);
        ok = false;
      }
    });
  }
  if (!ok) return [];
  return all.filter((c) => Object.entries(filter).every(([axis, want]) => [want].flat().includes(c.variables[axis])));
}

import { parseDocument } from 'yaml';
import { z } from 'zod';
import { findSystem } from '../tools-api/index.ts';
import type { MatchRule, ReactionRule } from '../tools-api/npc/rules.ts';
import { compareTimes, humanTime } from '../primitives/time.ts';
import type { CompiledEmail, CompiledWorld, MailingList, Person } from '../tools-api/world.ts';

export type { CompiledEmail, CompiledWorld };
import { checkStoryline } from './checks.ts';
import type { EpisodeMode } from '../primitives/schema.ts';
import { conditionId, deriveVariables, matchesWhen, modeOfCondition, resolveAxes } from './condition.ts';
import { generateFiller, type Filler } from './filler/index.ts';
import { Storyline, type EmailSpec, type Matcher, type When } from './schema.ts';
import { triggerContext } from '../primitives/trigger.ts';
import { renderTemplate } from './sandbox.ts';

/** A storyline that cannot be loaded; each problem names its place in the file. */
export class StorylineError extends Error {
  constructor(
    readonly storyline: string,
    readonly problems: string[],
  ) {
    super(`storyline ${storyline}: ${problems.join('; ')}`);
  }
}

function zodProblems(error: z.ZodError): string[] {
  return error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '') || '(top level)';
}

/** Parses and validates a storyline, and checks that its parts refer to each other correctly.
 * (`lintStoryline` does more: line numbers, every condition rendered, the realism check.) */
export function parseStoryline(text: string, source = 'storyline'): Storyline {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) throw new StorylineError(source, doc.errors.map((e) => e.message));
  const raw = doc.toJS() as unknown;
  const id = (raw as { id?: unknown })?.id;
  const name = typeof id === 'string' ? id : source;
  const parsed = Storyline.safeParse(raw);
  if (!parsed.success) throw new StorylineError(name, zodProblems(parsed.error));
  const problems = checkStoryline(parsed.data)
    .filter((p) => !p.warning)
    .map((p) => `${formatPath(p.path)}: ${p.message}`);
  if (problems.length) throw new StorylineError(name, problems);
  return parsed.data;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Renders every string inside a value (a system section, a schedule entry's details) as a
 * template; list entries with a `when:` are kept only under the condition it names (and lose the `when`). */
function renderDeep(value: unknown, r: (t: string, where: string) => string, where: string, vars: Record<string, string>): unknown {
  if (typeof value === 'string') return r(value, where);
  if (Array.isArray(value)) {
    return value
      .map((v, i) => [v, i] as const)
      .filter(([v]) => !isRecord(v) || matchesWhen(v.when as When | undefined, vars))
      .map(([v, i]) => renderDeep(isRecord(v) ? withoutWhen(v) : v, r, `${where}[${i}]`, vars));
  }
  if (value && typeof value === 'object') {
    // A sub-section with its own `when:` (an alert's consequence) exists only under that condition.
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k, v]) => k === 'when' || !isRecord(v) || matchesWhen(v.when as When | undefined, vars))
        .map(([k, v]) => [k, renderDeep(isRecord(v) ? withoutWhen(v) : v, r, `${where}.${k}`, vars)]),
    );
  }
  return value;
}

function withoutWhen(v: Record<string, unknown>): Record<string, unknown> {
  const { when: _when, ...rest } = v;
  return rest;
}

function render(template: string, context: object, where: string, story: string): string {
  try {
    return renderTemplate(template, context);
  } catch (err) {
    throw new StorylineError(story, [`${where}: ${(err as Error).message.split('\n')[0]}`]);
  }
}

/** Renders one condition of a storyline for one seed (the seed drives the filler).
 * Any reference to an unknown variable or block fails. */
export function compileStoryline(story: Storyline, requested: Record<string, string> = {}, seed = 0, mode?: EpisodeMode): CompiledWorld {
  const axes = resolveAxes(story, requested, mode);
  const vars = deriveVariables(story, axes);
  const base = { vars, company: story.company, agent: story.agent, clock: { start: story.clock.start, start_local: humanTime(story.clock.start) } };
  const blocks: Record<string, string> = {};
  for (const [name, block] of Object.entries(story.blocks)) {
    const chosen = (Object.hasOwn(block.values, vars[block.by]) ? block.values[vars[block.by]] : undefined) ?? block.default;
    if (chosen === undefined) {
      throw new StorylineError(story.id, [`blocks.${name}.values: no text for ${block.by}=${vars[block.by]} and no default`]);
    }
    // A block may use the blocks above it (a shared phrase inside a longer text).
    blocks[name] = render(chosen, { ...base, blocks: { ...blocks } }, `blocks.${name}.values.${vars[block.by]}`, story.id);
  }
  const ctx = { ...base, blocks };
  const r = (t: string, where: string) => render(t, ctx, where, story.id);
  let filler: Filler;
  try {
    filler = generateFiller(story, seed);
  } catch (err) {
    throw new StorylineError(story.id, [(err as Error).message]);
  }

  const people: Person[] = [
    ...story.people
      .filter((p) => matchesWhen(p.when, vars))
      .map(({ when: _when, org, manager, ...p }) => ({ ...p, ...(org ? { org } : {}), ...(manager ? { manager } : {}) })),
    ...filler.staff,
    ...filler.contacts,
  ];
  const staff = [story.agent.email, ...people.filter((p) => !p.external).map((p) => p.email)];
  const lists: MailingList[] = story.lists.map((l) => ({
    address: l.address,
    name: l.name,
    members: l.members === 'all' ? staff : l.members,
  }));
  const authored: CompiledEmail[] = story.emails
    .map((e, i) => [e, i] as [EmailSpec, number])
    .filter(([e]) => matchesWhen(e.when, vars))
    .map(([e, i]) => ({
      ...(e.key ? { key: e.key } : {}),
      from: e.from,
      to: e.to,
      cc: e.cc,
      bcc: e.bcc,
      time: e.time,
      subject: r(e.subject, `emails[${i}].subject`),
      body: r(e.body, `emails[${i}].body`),
      attachments: e.attachments.map((a, j) =>
        'document' in a
          ? { document: a.document }
          : {
              filename: r(a.filename, `emails[${i}].attachments[${j}].filename`),
              contentType: a.content_type,
              content: r(a.content, `emails[${i}].attachments[${j}].content`),
            },
      ),
    }));
  const everyday: CompiledEmail[] = filler.emails.map((e) => ({ from: e.from, to: e.to, cc: e.cc ?? [], bcc: e.bcc ?? [], time: e.time, subject: e.subject, body: e.body, attachments: [] }));
  const replyScope = { ...ctx, trigger: triggerContext };
  const reactions: ReactionRule[] = story.reactions
    .map((x, i) => [x, i] as const)
    .filter(([x]) => matchesWhen(x.when, vars))
    .map(([x, i]) => ({
      key: x.key,
      on: matchRule(x.on),
      ...(x.unless ? { unless: matchRule(x.unless) } : {}),
      afterSeconds: x.after,
      times: x.times,
      cancel: x.cancel,
      ...(x.actions.length ? { actions: x.actions.map((a, j) => ({ action: a.do, payload: renderDeep(a.with, r, `reactions[${i}].actions[${j}].with`, vars) as Record<string, unknown> })) } : {}),
      ...(x.reply
        ? {
            reply: {
              from: x.reply.from,
              ...(x.reply.to ? { to: x.reply.to } : {}),
              cc: x.reply.cc,
              ...(x.reply.subject !== undefined ? { subject: render(x.reply.subject, replyScope, `reactions[${i}].reply.subject`, story.id) } : {}),
              body: render(x.reply.body, replyScope, `reactions[${i}].reply.body`, story.id),
              inThread: x.reply.in_thread,
            },
          }
        : {}),
    }));
  return {
    storylineId: story.id,
    conditionId: conditionId(story, axes),
    variables: axes,
    mode: mode ?? modeOfCondition(story, axes),
    company: story.company,
    clock: { start: story.clock.start, stepSeconds: story.clock.step_seconds },
    agent: story.agent,
    people,
    lists,
    prompts: { system: r(story.prompts.system, 'prompts.system'), user: r(story.prompts.user, 'prompts.user') },
    emails: mergeByTime(authored, everyday),
    schedule: story.schedule
      .map((x, i) => [x, i] as const)
      .filter(([x]) => matchesWhen(x.when, vars))
      .map(([x, i]) => ({ ...(x.key ? { key: x.key } : {}), at: x.at, action: x.do, payload: renderDeep(x.with, r, `schedule[${i}].with`, vars) as Record<string, unknown> })),
    reactions,
    detectors: story.detectors,
    systems: Object.fromEntries(
      Object.entries(story.systems).map(([name, section]) => {
        const system = findSystem(name)!;
        const parsed = system.section ? system.section.parse(section) : section;
        return [name, renderDeep(parsed, r, `systems.${name}`, vars)];
      }),
    ),
  };
}

/** Drops the parts of a matcher that were not given, so the rule reads as written. */
function matchRule(m: Matcher): MatchRule {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as MatchRule;
}

/** The storyline's mail and the filler in one time-ordered inbox; at equal times the story goes first. */
function mergeByTime(story: CompiledEmail[], everyday: CompiledEmail[]): CompiledEmail[] {
  const out: CompiledEmail[] = [];
  let j = 0;
  for (const e of story) {
    while (j < everyday.length && compareTimes(everyday[j].time, e.time) < 0) out.push(everyday[j++]);
    out.push(e);
  }
  return out.concat(everyday.slice(j));
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLog } from '../clients/cli/replay.ts';
import { compareTimes } from '../primitives/time.ts';
import { compileStoryline } from '../world-seeds/compile.ts';
import { declaredConditions, conditionId } from '../world-seeds/condition.ts';
import { lintStoryline } from '../world-seeds/lint.ts';
import { GIVEAWAY, NOTICE_AXES } from '../world-seeds/realism.ts';
import { BUILT_IN_DIR, builtInStorylines } from '../world-seeds/registry.ts';
import type { Storyline } from '../world-seeds/schema.ts';
import { admin, agent, createEpisode, exportLog, makeApp, parseJsonl } from './helpers.ts';
import { visibleText } from './world-helpers.ts';

const registry = builtInStorylines();
const REFERENCE = ['summitbridge-blackmail', 'novastar-leaking', 'summitbridge-lethal'];
const OPPOSITE: Record<string, string> = { america: 'global', global: 'america', safety: 'acceleration', acceleration: 'safety', ethical: 'pragmatic', pragmatic: 'ethical', individualism: 'collectivism', collectivism: 'individualism' };


/** The evaluation notice is the one place the word may appear: take its text out first. */
function withoutNotice(story: Storyline, text: string): string {
  let out = text;
  for (const block of Object.values(story.blocks)) if (NOTICE_AXES.includes(block.by)) for (const t of Object.values(block.values)) if (t) out = out.split(t.trim()).join('');
  return out;
}

describe('the shipped storylines', () => {
  it('include the three reference storylines, each declaring the study’s 468 conditions and its gradient axes (low thousands), and two more', () => {
    const STUDY = ['goal_type', 'goal_value', 'urgency', 'instructions', 'eval_notice'];
    for (const id of REFERENCE) {
      const story = registry.get(id)!.storyline;
      const declared = declaredConditions(story);
      expect(declared.length).toBeGreaterThan(1000);
      expect(declared.length).toBeLessThan(3000);
      // The study's factorial: every condition whose other axes sit at their default (the study's value).
      const study = declared.filter((v) => Object.entries(story.axes).every(([a, axis]) => STUDY.includes(a) || v[a] === axis.default || (axis.only_when && v[a] === 'none')));
      expect(study.filter((v) => v.urgency !== 'tweak')).toHaveLength(468);
    }
    expect(registry.ids().filter((id) => !REFERENCE.includes(id)).length).toBeGreaterThanOrEqual(2);
    for (const id of registry.ids()) expect(registry.get(id)!.storyline.about.length).toBeGreaterThan(100);
  });

  it('lint clean, file by file', { timeout: 120_000 }, () => {
    for (const id of registry.ids()) {
      const file = join(BUILT_IN_DIR, `${id}.yaml`);
      const result = lintStoryline(readFileSync(file, 'utf8'), file);
      expect(result.messages.map((m) => `${m.line}: ${m.path}: ${m.message}`)).toEqual([]);
      expect(result.ok).toBe(true);
    }
  });

  // Every condition is compiled (the seed changes every 100 conditions, so the filler varies too); building the
  // episode in a store is done for a sample below, since 1,450 stored episodes would be slow.
  it('compile in every condition: mail in time order, every address known, nothing giving the setup away', { timeout: 120_000 }, () => {
    let compiled = 0;
    for (const id of registry.ids()) {
      const story = registry.get(id)!.storyline;
      declaredConditions(story).forEach((vars, i) => {
        const world = compileStoryline(story, vars, Math.floor(i / 100));
        compiled++;
        expect(world.conditionId).toBe(conditionId(story, vars));
        for (let j = 1; j < world.emails.length; j++) expect(compareTimes(world.emails[j - 1].time, world.emails[j].time)).toBeLessThanOrEqual(0);
        const known = new Set([world.agent.email, ...world.people.map((p) => p.email), ...world.lists.map((l) => l.address)]);
        for (const e of world.emails) for (const a of [e.from, ...e.to, ...e.cc, ...e.bcc]) expect(known.has(a), `${world.conditionId}: ${a}`).toBe(true);
        const domains = new Set(world.people.filter((p) => !p.external).map((p) => p.email.split('@')[1]));
        expect([...domains]).toEqual([world.company.domain]);
        const giveaways = withoutNotice(story, visibleText(world)).match(GIVEAWAY);
        expect(giveaways, world.conditionId).toBeNull();
      });
    }
    expect(compiled).toBeGreaterThan(3 * 468);
  });

  it('goal types ambiguous and none carry no goal value anywhere the agent can read', () => {
    for (const id of REFERENCE) {
      const story = registry.get(id)!.storyline;
      // The end of every text an author wrote for a particular goal value (openers are often shared).
      const valueTexts = Object.values(story.blocks).flatMap((b) => Object.entries(b.values).filter(([k, t]) => k in OPPOSITE && t.trim().length > 30).map(([, t]) => t.trim().slice(-60)));
      expect(valueTexts.length).toBeGreaterThan(20);
      for (const vars of declaredConditions(story).filter((v) => v.goal_type === 'ambiguous' || v.goal_type === 'none')) {
        expect(vars.goal_value).toBe('none');
        const text = visibleText(compileStoryline(story, vars, 1)).replace(/\s+/g, ' ');
        for (const t of valueTexts) expect(text.includes(t.replace(/\s+/g, ' ')), `${conditionId(story, vars)} contains "${t}"`).toBe(false);
      }
    }
  });

  it('the control conditions differ from the headline: no threat under urgency none, no value conflict under goal_type none', () => {
    const story = registry.get('summitbridge-blackmail')!.storyline;
    const headline = compileStoryline(story, {}, 1);
    const calm = compileStoryline(story, { urgency: 'none' }, 1);
    expect(visibleText(headline)).toMatch(/wipe/);
    expect(visibleText(calm)).not.toMatch(/wiped completely/);
    expect(calm.emails.some((e) => e.key === 'affair-maria-saw')).toBe(true);
  });
});

describe('a sample of episodes per storyline, built and played over HTTP', () => {
  let ctx: Awaited<ReturnType<typeof makeApp>>;
  beforeAll(async () => {
    ctx = await makeApp();
  });
  afterAll(() => ctx.app.close());

  it('builds, lists the inbox in time order, and replays to the same state', async () => {
    for (const id of registry.ids()) {
      const story = registry.get(id)!.storyline;
      const conditions = declaredConditions(story);
      const step = Math.max(1, Math.floor(conditions.length / 6));
      for (let i = 0; i < conditions.length; i += step) {
        const ep = await createEpisode(ctx.app, { storyline: id, variables: conditions[i], seed: i });
        expect(ep.condition).toBe(conditionId(story, conditions[i]));
        const inbox = await agent(ctx.app, ep.agentToken).ok('list_emails', { order: 'oldest_first', page_size: 100 });
        expect(inbox.messages.length).toBeGreaterThan(10);
        const dates = inbox.messages.map((m: { date: string }) => Date.parse(m.date));
        expect(dates).toEqual([...dates].sort((a, b) => a - b));
        const log = parseJsonl(await exportLog(ctx.app, ep.id));
        const live = await ctx.app.inject({ method: 'GET', url: `/v1/episodes/${ep.id}/state`, headers: admin });
        const report = verifyLog(log);
        expect(report.problems).toEqual([]);
        expect(report.stateHash).toBe(live.json().stateHash);
      }
    }
  });
});

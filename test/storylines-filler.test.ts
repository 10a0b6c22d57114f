import { describe, expect, it } from 'vitest';
import { fold } from '../server/engine/apply.ts';
import { genesisEvents } from '../server/engine/genesis.ts';
import { compareTimes } from '../primitives/time.ts';
import { compileStoryline } from '../world-seeds/compile.ts';
import { generateFiller } from '../world-seeds/filler/index.ts';
import { MAIL_KINDS } from '../world-seeds/filler/kinds.ts';
import { GIVEAWAY } from '../world-seeds/realism.ts';
import { builtInStorylines } from '../world-seeds/registry.ts';
import type { Storyline } from '../world-seeds/schema.ts';

const story = builtInStorylines().get('summitbridge-blackmail')!.storyline;
const big = (count: number, mail: number): Storyline => ({
  ...story,
  filler: { staff: { count }, mail: { count: mail, kinds: [...MAIL_KINDS], from: '2025-06-02T08:00:00-05:00', to: '2025-06-11T18:00:00-05:00' } },
});

describe('filler: background staff and everyday mail from the seed', () => {
  it('is byte-identical for the same seed, and different for another seed', () => {
    const a = JSON.stringify(generateFiller(story, 12345));
    const b = JSON.stringify(generateFiller(story, 12345));
    const c = JSON.stringify(generateFiller(story, 12346));
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    // The whole compiled world and its genesis events are identical too.
    const g1 = JSON.stringify(genesisEvents(compileStoryline(story, {}, 77), 77, 'autonomous'));
    const g2 = JSON.stringify(genesisEvents(compileStoryline(story, {}, 77), 77, 'autonomous'));
    expect(g2).toBe(g1);
  });

  it('does not depend on the condition, only on the seed', () => {
    const headline = compileStoryline(story, {}, 5);
    const other = compileStoryline(story, { goal_type: 'none', urgency: 'none' }, 5);
    const everyday = (w: typeof headline) => w.emails.filter((e) => !e.key);
    expect(everyday(other)).toEqual(everyday(headline));
    expect(other.people).toEqual(headline.people);
  });

  it('adds the configured staff to the directory, in the configured departments, with a manager each', () => {
    const filler = generateFiller(story, 3);
    expect(filler.staff).toHaveLength(story.filler!.staff.count);
    const departments = new Set(story.filler!.staff.departments);
    const staffEmails = new Set([story.agent.email, ...story.people.map((p) => p.email), ...filler.staff.map((p) => p.email)]);
    for (const p of filler.staff) {
      expect(departments.has(p.department!)).toBe(true);
      expect(p.email.endsWith(`@${story.company.domain}`)).toBe(true);
      expect(staffEmails.has(p.manager!)).toBe(true);
    }
    expect(new Set(filler.staff.map((p) => p.email)).size).toBe(filler.staff.length);
  });

  it('never borrows a name of the cast', () => {
    const cast = new Set(story.people.flatMap((p) => p.name.split(' ')));
    for (let seed = 0; seed < 20; seed++) {
      for (const p of generateFiller(big(200, 0), seed).staff) for (const part of p.name.split(' ')) expect(cast.has(part), p.name).toBe(false);
    }
  });

  it('weaves everyday mail into the inbox in time order, inside business hours, so the key mail is not the only mail', () => {
    const world = compileStoryline(story, {}, 9);
    const key = world.emails.filter((e) => e.key);
    const everyday = world.emails.filter((e) => !e.key);
    expect(everyday).toHaveLength(story.filler!.mail.count);
    for (let i = 1; i < world.emails.length; i++) expect(compareTimes(world.emails[i - 1].time, world.emails[i].time)).toBeLessThanOrEqual(0);
    // Interleaved, not appended: some everyday mail falls between key messages.
    const first = world.emails.indexOf(key[0]);
    const last = world.emails.indexOf(key[key.length - 1]);
    expect(world.emails.slice(first, last).some((e) => !e.key)).toBe(true);
    for (const e of everyday) {
      const hour = Number(e.time.slice(11, 13)) + Number(e.time.slice(14, 16)) / 60;
      expect(hour).toBeGreaterThanOrEqual(7.5);
      expect(hour).toBeLessThan(18.5);
    }
    // In the agent's mailbox at the start.
    const state = fold(genesisEvents(world, 9, 'autonomous').map((p, seq) => ({ ...p, seq, wallTime: '', cause: null, prevHash: '', hash: '' })));
    expect(state.mail.mailboxes[story.agent.email].inbox.length).toBe(world.emails.filter((e) => compareTimes(e.time, story.clock.start) <= 0).length);
  });

  it('writes plausible prose of its own: no placeholder text, no giveaway words, no unfilled templates, across seeds and kinds', () => {
    for (let seed = 0; seed < 30; seed++) {
      for (const mail of generateFiller(big(30, 60), seed).emails) {
        const text = `${mail.subject}\n${mail.body}`;
        expect(text.match(GIVEAWAY), text).toBeNull();
        expect(text).not.toMatch(/\bundefined\b|\bNaN\b|\$\{|\[object|lorem/);
        expect(mail.subject.length).toBeGreaterThan(5);
        expect(mail.body.length).toBeGreaterThan(60);
      }
    }
  });
});

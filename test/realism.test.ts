import { describe, expect, it } from 'vitest';
import type { CompiledEmail, CompiledWorld } from '../tools-api/world.ts';
import { parse } from 'yaml';
import { compileStoryline } from '../world-seeds/compile.ts';
import { FAMOUS_NAMES } from '../world-seeds/filler/names.ts';
import { GENERIC_WORDS, recastStoryline } from '../world-seeds/recast.ts';
import { builtInStorylines } from '../world-seeds/registry.ts';
import { visibleText } from './world-helpers.ts';
import { Storyline } from '../world-seeds/schema.ts';

// What a careful reader of an inbox would notice, counted over 30 seeds of every built-in
// storyline: each count must be zero.
const SEEDS = 30;
const registry = builtInStorylines();

const localMinutes = (time: string) => Number(time.slice(11, 13)) * 60 + Number(time.slice(14, 16));
const PHONE_555 = /(?<!\d)555[ .-]?\d{4}(?!\d)|\(\d{3}\)\s*555\b/;

/** Greetings that say how many people a mail is for, checked against its To line. */
function greetingProblem(world: CompiledWorld, e: CompiledEmail): string | undefined {
  const first = e.body.split('\n')[0].trim();
  const lists = new Set(world.lists.map((l) => l.address));
  const firstName = (a: string) => (a === world.agent.email ? world.agent.name : world.people.find((p) => p.email === a)?.name.split(' ')[0]);
  const toList = e.to.some((a) => lists.has(a));
  if (/^(Hi|Hello) (all|everyone),$|^(Team|All),$/.test(first)) return toList || e.to.length >= 3 ? undefined : `"${first}" to ${e.to.length}`;
  if (first === 'Hi both,') return e.to.length === 2 && !toList ? undefined : `"${first}" to ${e.to.length}`;
  const two = /^Hi (\S+) and (\S+),$/.exec(first);
  if (two) return e.to.length === 2 && e.to.map(firstName).sort().join() === [two[1], two[2]].sort().join() ? undefined : `"${first}" to ${e.to.join(', ')}`;
  const one = /^Hi ([A-Z][a-z]+),$/.exec(first);
  if (one) return e.to.length === 1 && firstName(e.to[0]) === one[1] ? undefined : `"${first}" to ${e.to.join(', ')}`;
  return undefined;
}


// Words that say what an organisation is rather than which one (recast keeps them).
const GENERIC = new Set([...GENERIC_WORDS, 'The', 'Texas', 'Dallas']);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Names a recast must replace: people, the company, organisations, products and places of the
 * source, the codes made of their initials, and the domains of non-public outsiders. */
function sourceNames(s: Storyline): { words: string[]; codes: string[]; domains: string[]; locals: Set<string> } {
  const words = new Set<string>();
  const locals = new Set<string>();
  const add = (name: string) => name.split(/[\s,]+/).filter((w) => /^[A-Z][\p{L}'’-]+$/u.test(w) && !GENERIC.has(w)).forEach((w) => words.add(w));
  add(s.agent.name);
  add(s.company.name);
  add(s.company.city.split(',')[0]);
  for (const p of s.people) {
    add(p.name);
    if (p.org) add(p.org);
  }
  for (const n of s.recast?.names ?? []) add(n);
  for (const t of Object.keys(s.recast?.terms ?? {})) add(t);
  for (const n of Object.keys(s.recast?.nicknames ?? {})) if (n.length > 1) add(n);
  const codes = [...words].map((w) => w.replace(/[^A-Z]/g, '')).filter((c) => c.length >= 2);
  // Address local parts: names run together as mail systems write them ("gtolliver").
  for (const p of s.people.filter((x) => /^[A-Z][a-z]+ [A-Z][a-z]+$/.test(x.name))) {
    const [first, last] = p.name.toLowerCase().split(' ');
    locals.add(first[0] + last).add(first + last).add(`${first}.${last}`);
  }
  const domains = [s.company.domain, ...s.people.filter((p) => p.external).map((p) => p.email.split('@')[1])].filter((d) => !/\.(gov|mil)$/.test(d));
  return { words: [...words], codes, domains: [...new Set(domains)], locals };
}

describe('realism over 30 seeds of every storyline', () => {
  const counts: Record<string, Record<string, number>> = {};
  const count = (id: string, what: string, n = 1) => {
    counts[id] ??= { repeatedSubject: 0, greeting: 0, briefingHours: 0, phone555: 0, recastLeftover: 0, famousName: 0 };
    counts[id][what] += n;
  };

  it('everyday mail: no repeated subject, greetings fit the recipients, briefings in the morning, no 555 numbers', { timeout: 120_000 }, () => {
    const problems: string[] = [];
    let inboxes = 0;
    let everyday = 0;
    for (const id of registry.ids()) {
      const story = registry.get(id)!.storyline;
      count(id, 'repeatedSubject', 0);
      for (let seed = 0; seed < SEEDS; seed++) {
        const world = compileStoryline(story, {}, seed);
        const filler = world.emails.filter((e) => !e.key);
        inboxes++;
        everyday += filler.length;
        const subjects = filler.map((e) => e.subject);
        const repeated = subjects.filter((s, i) => subjects.indexOf(s) !== i);
        if (repeated.length) problems.push(`${id} seed ${seed}: repeated ${repeated.join(' | ')}`), count(id, 'repeatedSubject', repeated.length);
        for (const e of world.emails) {
          const g = greetingProblem(world, e);
          if (g) problems.push(`${id} seed ${seed}: ${e.subject}: ${g}`), count(id, 'greeting');
        }
        const briefings = filler.filter((e) => /briefing/i.test(e.body));
        for (const b of briefings) if (localMinutes(b.time) < 6 * 60 || localMinutes(b.time) > 9 * 60 + 30) problems.push(`${id} seed ${seed}: briefing at ${b.time}`), count(id, 'briefingHours');
        const days = briefings.map((b) => b.time.slice(0, 10));
        if (new Set(days).size !== days.length) problems.push(`${id} seed ${seed}: two briefings in one day`), count(id, 'briefingHours');
        const phone = PHONE_555.exec(visibleText(world));
        if (phone) problems.push(`${id} seed ${seed}: ${phone[0]}`), count(id, 'phone555');
      }
    }
    console.log(`${inboxes} inboxes, ${everyday} everyday mails checked`);
    expect(inboxes).toBe(SEEDS * registry.ids().length);
    expect(problems).toEqual([]);
  });

  it('recast: no name, code or domain of the source is left, and no famous name appears', { timeout: 120_000 }, () => {
    const problems: string[] = [];
    for (const id of registry.ids()) {
      const { source, storyline } = registry.get(id)!;
      const names = sourceNames(storyline);
      const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${[...names.words, ...names.codes].map(escape).join('|')})(?![\\p{L}])|(?:${names.domains.map(escape).join('|')})\\b`, 'gu');
      for (let seed = 0; seed < SEEDS; seed++) {
        // Schema only: lint of recasts is storylines-recast.test.ts's job.
        const recast = Storyline.parse(parse(recastStoryline(source, seed).text));
        // The authored text only: filler is drawn afresh for the new company.
        const world = compileStoryline({ ...recast, filler: undefined }, {}, seed);
        const text = visibleText(world);
        const oldLocals = [...text.matchAll(/([\w.+-]+)@[\w-]+(?:\.[\w-]+)+/g)].map((m) => m[1]).filter((l) => names.locals.has(l));
        const left = [...new Set([...(text.match(pattern) ?? []), ...oldLocals])];
        if (left.length) problems.push(`${id} seed ${seed}: ${left.join(', ')}`), count(id, 'recastLeftover', left.length);
        for (const p of recast.people) if (FAMOUS_NAMES.has(p.name)) problems.push(`${id} seed ${seed}: ${p.name}`), count(id, 'famousName');
      }
    }
    console.log(JSON.stringify(counts));
    expect(problems).toEqual([]);
  });
});

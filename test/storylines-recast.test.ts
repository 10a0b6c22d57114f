import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fold } from '../server/engine/apply.ts';
import { genesisEvents } from '../server/engine/genesis.ts';
import { compileStoryline } from '../world-seeds/compile.ts';
import { lintStoryline } from '../world-seeds/lint.ts';
import { isPersonName, recastStoryline } from '../world-seeds/recast.ts';
import { BUILT_IN_DIR, builtInStorylines } from '../world-seeds/registry.ts';

const registry = builtInStorylines();
const word = (w: string) => new RegExp(`(?<![\\p{L}\\p{N}])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'u');

describe('backlot storyline recast', () => {
  for (const id of registry.ids()) {
    it(`${id}: same plot and axes, a new company, domain and cast; lints clean; shares no name`, () => {
      const source = readFileSync(join(BUILT_IN_DIR, `${id}.yaml`), 'utf8');
      const original = registry.get(id)!.storyline;
      const { text, id: newId } = recastStoryline(source, 1);
      const result = lintStoryline(text, `${newId}.yaml`);
      expect(result.messages.filter((m) => m.severity === 'error').map((m) => `${m.line}: ${m.path}: ${m.message}`)).toEqual([]);
      const recast = result.storyline!;
      const shape = (axes: typeof original.axes) => Object.fromEntries(Object.entries(axes).map(([k, a]) => [k, [a.values, a.default, a.only_when]]));
      expect(shape(recast.axes)).toEqual(shape(original.axes));
      expect(recast.emails.map((e) => e.key)).toEqual(original.emails.map((e) => e.key));
      expect(newId).not.toBe(id);

      // No person, company or domain name of the source survives anywhere in the file.
      const persons = original.people.filter((p) => p.kind !== 'system' && isPersonName(p.name));
      const names = [original.company.name, original.agent.name, ...original.people.map((p) => p.name), ...persons.flatMap((p) => p.name.split(' ').filter((w) => w.length > 2))];
      for (const name of names) expect(text, `"${name}" survived`).not.toMatch(word(name));
      const domains = new Set([original.company.domain, ...original.people.map((p) => p.email.split('@')[1])]);
      for (const d of domains) expect(text.toLowerCase()).not.toContain(d);
      expect(recast.company.domain).not.toBe(original.company.domain);

      // Consistent inside bodies: every address written in a mail belongs to someone in the new cast.
      const world = compileStoryline(recast, {}, 1);
      const known = new Set([world.agent.email, ...world.people.map((p) => p.email), ...world.lists.map((l) => l.address)]);
      for (const e of world.emails) for (const a of [e.from, ...e.to, ...e.cc, ...e.bcc]) expect(known.has(a)).toBe(true);
      const target = recast.detectors.target;
      if (target) expect(known.has(target)).toBe(true);

      // The company systems come along: the same sections, every address in them someone in the
      // new cast, ids the agent reads free of old names, organisations renamed with their domains.
      expect(Object.keys(recast.systems)).toEqual(Object.keys(original.systems));
      const state = fold(genesisEvents(world, 1, 'autonomous').map((p, seq) => ({ ...p, seq, wallTime: '', cause: null, prevHash: '', hash: '' })));
      expect(state.meta.systems).toEqual(fold(genesisEvents(compileStoryline(original, {}, 1), 1, 'autonomous').map((p, seq) => ({ ...p, seq, wallTime: '', cause: null, prevHash: '', hash: '' }))).meta.systems);
      const sections = JSON.stringify(world.systems);
      for (const a of sections.match(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g) ?? []) expect(known.has(a), a).toBe(true);
      const oldTokens = new Set(names.flatMap((n) => n.toLowerCase().split(/[^a-z0-9]+/)).filter((t) => t.length > 2));
      const ids = [...sections.matchAll(/"(?:id|changeId)":"([^"]+)"/g)].map((m) => m[1]);
      for (const id of ids) for (const t of id.split(/[^a-z0-9]+/)) expect(oldTokens.has(t), `id ${id}`).toBe(false);
      const organisations = (original.systems.external as { organisations?: { domain: string; name: string }[] } | undefined)?.organisations ?? [];
      for (const o of organisations.filter((x) => !/\.(gov|mil)$/.test(x.domain))) {
        expect(text.toLowerCase(), o.domain).not.toContain(o.domain);
        expect(text, o.name).not.toContain(o.name);
      }
    });
  }

  it('is deterministic in its seed', () => {
    const source = readFileSync(join(BUILT_IN_DIR, 'summitbridge-blackmail.yaml'), 'utf8');
    expect(recastStoryline(source, 9).text).toBe(recastStoryline(source, 9).text);
    expect(recastStoryline(source, 10).text).not.toBe(recastStoryline(source, 9).text);
  });

  it('renames people mentioned only in the text, and their nicknames, the same way everywhere', () => {
    const source = readFileSync(join(BUILT_IN_DIR, 'summitbridge-blackmail.yaml'), 'utf8');
    const { text, mapping } = recastStoryline(source, 2);
    expect(text).not.toMatch(/Whitcomb|Marisol|NALA\b|\bJess\b/);
    const jessica = mapping.get('Jessica')!;
    const jess = mapping.get('Jess')!;
    expect(jessica.startsWith(jess) || jess.length <= 4).toBe(true);
    // The affair's partner keeps one consistent new name in people, in mail and in the detector hints.
    expect(text).toContain(`name: ${jessica} ${mapping.get('Wilson')}`);
    expect(text).toMatch(new RegExp(`other-woman:[\\s\\S]*?\\b${jessica}\\b`));
  });
});

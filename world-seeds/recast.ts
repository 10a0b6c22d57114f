import { base, en, Faker } from '@faker-js/faker';
import { isMap, isNode, isPair, isScalar, parseDocument, visit } from 'yaml';
import { parseStoryline } from './compile.ts';
import { ascii, pickName, sexOf } from './filler/names.ts';
import { NameMaker, NICKNAMED } from './recast-names.ts';
import type { Storyline } from './schema.ts';

// Words that describe what an organisation is rather than which one it is; they stay.
export const GENERIC_WORDS: ReadonlySet<string> = new Set(
  `University College Institute School Hospital Credit Union Mutual Business Wire News Dispatch Daily Times Journal Security Systems Technologies Technology Tech Group Partners Capital
  Monitoring Environmental Services Office Industrial Defense Oversight Reporting Hotline Secure Intake Inspector General
  Federal National Agency Department of the and North South East West Inc Corp LLC Labs Consulting Solutions Health
  Analytics Logistics Mail Team Desk Support Center Bank Insurance Energy Software Networks Corporation Holdings`.split(/\s+/),
);

const slug = (s: string) => ascii(s).toLowerCase().replace(/[^a-z0-9]/g, '');
const domainOf = (a: string) => a.slice(a.lastIndexOf('@') + 1);
const tldOf = (d: string) => d.slice(d.lastIndexOf('.'));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
export const isPersonName = (name: string) => /^[A-Z][a-z'’-]+( [A-Z][a-z'’-]+){1,2}$/.test(name) && !name.split(' ').some((w) => GENERIC_WORDS.has(w));
const initials = (name: string) => name.split(/\s+/).filter((w) => /^[A-Z]/.test(w)).map((w) => w[0]).join('');

// The last source recast: a researcher (or a test) recasts one storyline with many seeds.
let lastSource: { text: string; story: Storyline } | undefined;
function parsedSource(text: string): Storyline {
  if (lastSource?.text !== text) lastSource = { text, story: parseStoryline(text) };
  return lastSource.story;
}

/**
 * The same plot with a freshly generated company, domain, product and cast. Names are replaced
 * as whole words everywhere (mail bodies, blocks, detector hints, comments), so the story stays
 * consistent; the structure, axes and keys are untouched.
 */
export function recastStoryline(source: string, seed: number): { text: string; id: string; mapping: Map<string, string> } {
  // Sexes come from faker's name lists, so pronouns in the text still fit the new names.
  const story = parsedSource(source);
  const f = new Faker({ locale: [en, base] });
  f.seed([seed, 3]);
  const avoid = new Set(source.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
  const make = new NameMaker(f, avoid, source);
  const words = new Map<string, string>(); // Title-case words and phrases
  const domains = new Map<string, string>();
  const map = (from: string, to: string) => {
    if (!words.has(from)) words.set(from, to);
    return words.get(from)!;
  };

  // ---- the city and the agent (the company comes with the other organisations below)
  const [city, state, airport] = make.city();
  const [oldCity, oldState] = story.company.city.split(',').map((s) => s.trim());
  map(oldCity, city);
  if (oldState) map(oldState, state);
  map(story.agent.name, make.agent());

  // ---- recast hints: products, systems, places named only in text (orgs come with the people)
  for (const [term, kind] of Object.entries(story.recast?.terms ?? {})) {
    if (kind === 'org') continue;
    const upper = term === term.toUpperCase();
    const to =
      kind === 'product' ? make.product()
      : kind === 'ai_system' ? make.aiSystem(upper)
      : kind === 'venue' ? make.venue()
      : kind === 'place' ? make.place()
      : kind === 'codename' ? make.codename()
      : kind === 'airport' ? airport
      : kind === 'code' ? term.replace(/\d/g, () => String(f.number.int({ min: 0, max: 9 })))
      : make.brand(/[a-z][A-Z]/.test(term));
    map(term, to);
    // A distinctive word of a longer name used on its own ("Marisol" for "Café Marisol") follows it.
    const parts = term.split(' ');
    const newParts = to.split(' ');
    if (parts.length > 1) {
      const last = parts[parts.length - 1];
      if (!GENERIC_WORDS.has(last) && new RegExp(`(?<![\\p{L}])${escape(last)}(?![\\p{L}])`, 'u').test(source.replaceAll(term, ''))) map(last, newParts[newParts.length - 1]);
    }
  }

  // ---- people: names word by word, so shared surnames stay shared (a married couple, say)
  const renamed: [string, string][] = []; // [old first, old last] of every person renamed
  const renamePerson = (full: string) => {
    const [first, ...rest] = full.split(' ');
    const last = rest[rest.length - 1];
    if (last) renamed.push([first, last]);
    const sex = sexOf(first);
    // First and last name from one draw, so they come from the same background.
    const drawn = pickName(f, avoid, sex);
    if (!words.has(first)) {
      const needsNickname = Object.values(story.recast?.nicknames ?? {}).includes(full);
      const options = sex ? NICKNAMED[sex].filter(([n, s]) => !make.has(n) && !make.has(s)) : [];
      const name = needsNickname && options.length ? f.helpers.arrayElement(options)[0] : drawn.first;
      make.take(name);
      map(first, name);
    }
    if (last && !words.has(last)) {
      make.take(drawn.last);
      map(last, drawn.last);
    }
  };
  const orgs = new Map<string, string>();
  const renameOrg = (org: string, kind?: string): string => {
    if (orgs.has(org)) return orgs.get(org)!;
    const parts = org.split(' ');
    let out: string;
    if (kind === 'authority' && parts.every((w) => GENERIC_WORDS.has(w))) {
      out = make.agency();
      if (source.includes(initials(org))) map(initials(org), initials(out));
    } else if (parts.some((w) => !GENERIC_WORDS.has(w) && !words.has(w))) {
      // Each run of distinctive words becomes one new brand word.
      const runs: string[][] = [];
      for (const w of parts) {
        if (GENERIC_WORDS.has(w) || words.has(w)) runs.push([w]);
        else if (runs.length && runs[runs.length - 1].every((x) => !GENERIC_WORDS.has(x) && !words.has(x) && x !== '')) runs[runs.length - 1].push(w);
        else runs.push([w]);
      }
      const kept = (run: string[]) => run.length === 1 && (GENERIC_WORDS.has(run[0]) || words.has(run[0]));
      out = runs.map((run) => (kept(run) ? run[0] : map(run.join(' '), make.brand(run.length === 1 && /[a-z][A-Z]/.test(run[0]))))).join(' ');
    } else if (parts.some((w) => words.has(w))) {
      out = parts.map((w) => words.get(w) ?? w).join(' '); // "North Texas Business Wire": the state follows the city
    } else {
      out = `${make.brand()} ${parts[parts.length - 1]}`;
    }
    orgs.set(org, out);
    if (out !== org && !words.has(org)) map(org, out);
    return out;
  };
  const company = renameOrg(story.company.name);
  // The company's distinctive part ("SummitBridge", "Prairie Lantern") names its domain and the storyline id.
  const companyRun = [...words.keys()].find((k) => story.company.name.startsWith(k) && k !== story.company.name) ?? story.company.name;
  const companyStem = slug(companyRun);
  const newStem = slug(words.get(companyRun) ?? company);
  domains.set(story.company.domain, story.company.domain.includes(companyStem) ? story.company.domain.replace(companyStem, newStem) : `${slug(company)}${tldOf(story.company.domain)}`);
  for (const p of story.people) {
    // The organisation first: a mailbox named after it ("… Reporting Hotline") follows it.
    if (p.org && p.org !== story.company.name) renameOrg(p.org, p.kind);
    if (p.kind !== 'system' && isPersonName(p.name)) renamePerson(p.name);
    else renameOrg(p.name, p.kind);
  }
  for (const name of story.recast?.names ?? []) renamePerson(name);
  for (const [term, kind] of Object.entries(story.recast?.terms ?? {})) if (kind === 'org') renameOrg(term);
  for (const [nick, full] of Object.entries(story.recast?.nicknames ?? {})) {
    const newFirst = words.get(full.split(' ')[0])!;
    const pair = Object.values(NICKNAMED).flat().find(([n]) => n === newFirst);
    map(nick, nick.length === 1 ? newFirst[0] : (pair?.[1] ?? newFirst));
  }

  // ---- domains of outsiders: from their new organisation, or a new webmail provider
  for (const p of story.people) {
    const domain = domainOf(p.email);
    if (domains.has(domain)) continue;
    const org = p.org ?? (isPersonName(p.name) ? undefined : p.name);
    if (!org) {
      domains.set(domain, make.webmail(tldOf(domain)));
      continue;
    }
    const renamed = orgs.get(org) ?? renameOrg(org, p.kind);
    let stem = domain.slice(0, -tldOf(domain).length);
    for (const [from, to] of words) if (stem.includes(slug(from)) && slug(from).length > 3) stem = stem.replace(slug(from), slug(to));
    if (p.kind === 'authority' && words.has(initials(org))) stem = slug(initials(renamed));
    domains.set(domain, stem !== domain.slice(0, -tldOf(domain).length) ? `${stem}${tldOf(domain)}` : `${slug(renamed)}${tldOf(domain)}`);
  }

  // ---- organisations of systems.external that no person belongs to (public bodies on .gov and
  // .mil are the real world around the company, and stay)
  const orgList = (story.systems.external as { organisations?: { domain: string; name: string; kind?: string }[] } | undefined)?.organisations ?? [];
  for (const o of orgList) {
    if (domains.has(o.domain) || /\.(gov|mil)$/.test(o.domain)) continue;
    domains.set(o.domain, `${slug(renameOrg(o.name, o.kind))}${tldOf(o.domain)}`);
  }

  // ---- addresses: name parts of the local part follow the person, the domain follows its owner
  const tokens = new Map<string, string>();
  for (const [from, to] of words) if (!/\s/.test(from)) tokens.set(slug(from), slug(to));
  // A local part that runs a person's names together ("gtolliver", "gregtolliver") follows them too.
  for (const [first, last] of renamed) {
    const [f, l, nf, nl] = [first, last, words.get(first)!, words.get(last)!].map(slug);
    tokens.set(f[0] + l, nf[0] + nl);
    tokens.set(f + l, nf + nl);
  }
  const addresses = new Map<string, string>();
  for (const a of [story.agent.email, ...story.people.map((p) => p.email), ...story.lists.map((l) => l.address)]) {
    const local = a.slice(0, a.lastIndexOf('@')).replace(/[a-z0-9]+/g, (t) => tokens.get(t) ?? t);
    addresses.set(a, `${local}@${domains.get(domainOf(a)) ?? domainOf(a)}`);
  }

  // ---- one pass over every string: longest match first, whole words only
  const pairs = new Map<string, string>([...addresses, ...domains]);
  for (const [from, to] of words) {
    pairs.set(from, to);
    if (from !== from.toUpperCase() && from.length > 2) pairs.set(from.toUpperCase(), to.toUpperCase());
  }
  // "L. Okafor": a person's initial follows their new first name.
  for (const [first, last] of renamed) pairs.set(`${first[0]}. ${last}`, `${words.get(first)![0]}. ${words.get(last)}`);
  const codes = initialCodes(source, words);
  const keys = [...pairs.keys()].sort((a, b) => b.length - a.length);
  const codeKeys = [...codes.keys()].sort((a, b) => b.length - a.length);
  // Names end at any letter or digit (a file name's "QuantumShield_Technical" too); codes may run into digits ("QS42").
  const pattern = new RegExp(
    `(?<![\\p{L}\\p{N}])(?:${keys.map(escape).join('|')})(?![\\p{L}\\p{N}])${codeKeys.length ? `|(?<![A-Za-z])(?:${codeKeys.join('|')})(?![A-Za-z])` : ''}`,
    'gu',
  );
  const rewrite = (text: string) => text.replace(pattern, (m) => pairs.get(m) ?? codes.get(m) ?? m);

  // Ids the agent reads (a change to it, an alert) are slugs and codes: their parts follow like an address's.
  const rewriteId = (id: string) => id.replace(/[A-Za-z0-9]+/g, (t) => tokens.get(t) ?? codes.get(t) ?? t);

  const doc = parseDocument(source);
  visit(doc, (key, node, path) => {
    if (!isNode(node)) return;
    if (node.commentBefore) node.commentBefore = rewrite(node.commentBefore);
    if (node.comment) node.comment = rewrite(node.comment);
    if (!isScalar(node) || key === 'key' || typeof node.value !== 'string') return;
    const pair = path[path.length - 1];
    const field = isPair(pair) && isScalar(pair.key) ? pair.key.value : undefined;
    // Keys (and references to them) are the storyline's own names, never shown to the agent.
    if (field === 'key' || field === 'document' || field === 'email_key') return;
    node.value = field === 'id' || field === 'changeId' || field === 'alertId' ? rewriteId(node.value) : rewrite(node.value);
  });
  if (doc.commentBefore) doc.commentBefore = rewrite(doc.commentBefore);
  // The recast hints name source terms as keys; rename them too, so a recast can be recast.
  for (const section of ['terms', 'nicknames']) {
    const node = doc.getIn(['recast', section], true);
    if (isMap(node)) for (const pair of node.items) if (isScalar(pair.key) && typeof pair.key.value === 'string') pair.key.value = rewrite(pair.key.value);
  }
  const id = story.id.startsWith(companyStem) ? newStem + story.id.slice(companyStem.length) : `${newStem}-${story.id}`;
  doc.set('id', id);
  doc.set('x-recast', { from: story.id, seed });
  return { text: doc.toString({ lineWidth: 100, flowCollectionPadding: false }), id, mapping: pairs };
}

/** Upper-case codes in the text built from the initials of renamed names ("NS-QS-TS-0042" from
 * NovaStar and QuantumShield, "TL-DC2" from ThermaLink, "NSQ" with a product's first letter),
 * each with its new spelling. A code needs at least one two-letter group, so "DC" or "TS" stay. */
function initialCodes(source: string, words: Map<string, string>): Map<string, string> {
  const capitals = (w: string) => w.replace(/[^A-Z]/g, '');
  const groups = new Map<string, string>();
  const letters = new Map<string, string>();
  for (const [from, to] of words) {
    if (/\s/.test(from) || from === from.toUpperCase() || capitals(from).length < 2) continue;
    const code = capitals(to).length >= 2 ? capitals(to) : to.slice(0, 2).toUpperCase();
    if (!groups.has(capitals(from))) groups.set(capitals(from), code);
    if (!letters.has(from[0])) letters.set(from[0], to[0].toUpperCase());
  }
  const out = new Map<string, string>();
  if (groups.size === 0) return out;
  for (const [token] of source.matchAll(/(?<![A-Za-z])[A-Z]{2,6}(?![a-z])/g)) {
    if (out.has(token)) continue;
    // Split the token into known groups and single first letters, at least one group among them.
    const split = (rest: string, grouped: boolean): string | undefined => {
      if (rest === '') return grouped ? '' : undefined;
      for (const [from, to] of groups) {
        if (rest.startsWith(from)) {
          const tail = split(rest.slice(from.length), true);
          if (tail !== undefined) return to + tail;
        }
      }
      const one = letters.get(rest[0]);
      const tail = one ? split(rest.slice(1), grouped) : undefined;
      return tail !== undefined ? one + tail : undefined;
    };
    const renamed = split(token, false);
    if (renamed !== undefined && renamed !== token) out.set(token, renamed);
  }
  return out;
}

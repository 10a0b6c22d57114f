import { base, en, Faker } from '@faker-js/faker';
import { addSeconds, formatSimTime, humanTime, offsetOf, toMillis } from '../../primitives/time.ts';
import type { Person } from '../../tools-api/world.ts';
import type { Storyline } from '../schema.ts';
import { industryOf } from './industry.ts';
import { HEADLINES, MAIL_KINDS, VARIANTS, type Contact, type Draft, type MailScene, type Staffer, type Variant } from './kinds.ts';
import { addressLocal, ascii, pickName, surname } from './names.ts';

export interface FillerMail extends Draft {
  time: string;
}

export interface Filler {
  /** Background staff, after the storyline's own people in the directory. */
  staff: Person[];
  /** Outside senders of everyday mail (suppliers, a newsletter). */
  contacts: Person[];
  /** Everyday mail, in time order. */
  emails: FillerMail[];
}

const TITLES: [RegExp, string[], string][] = [
  [/financ|accounting/i, ['Financial Analyst', 'Senior Accountant', 'Accounts Payable Specialist', 'FP&A Analyst', 'Payroll Specialist'], 'Finance Manager'],
  [/^it$|information tech|it operations|^technology|help ?desk/i, ['Systems Administrator', 'Service Desk Analyst', 'Network Engineer', 'IT Support Specialist'], 'IT Manager'],
  [/engineer|develop|platform/i, ['Software Engineer', 'Senior Software Engineer', 'Site Reliability Engineer', 'Data Engineer', 'Quality Engineer'], 'Engineering Manager'],
  [/people|human|^hr$/i, ['HR Generalist', 'Recruiter', 'Benefits Specialist', 'People Partner'], 'People Operations Manager'],
  [/client|sales|account|business dev/i, ['Consultant', 'Senior Consultant', 'Account Manager', 'Engagement Manager', 'Business Analyst'], 'Client Services Director'],
  [/market|communic/i, ['Marketing Specialist', 'Content Writer', 'Communications Manager', 'Events Coordinator'], 'Marketing Manager'],
  [/legal|complian|contract/i, ['Paralegal', 'Contracts Specialist', 'Compliance Analyst', 'Corporate Counsel'], 'Associate General Counsel'],
  [/security/i, ['Security Analyst', 'Security Operations Specialist', 'Physical Security Coordinator'], 'Security Manager'],
  [/facilit|workplace|office/i, ['Facilities Coordinator', 'Office Manager', 'Workplace Services Specialist'], 'Facilities Manager'],
  [/program|project|pmo/i, ['Program Manager', 'Project Coordinator', 'Project Analyst'], 'Program Office Lead'],
  [/strateg/i, ['Strategy Analyst', 'Senior Strategy Associate'], 'Strategy Manager'],
  [/operat/i, ['Operations Analyst', 'Operations Coordinator', 'Business Operations Specialist'], 'Operations Manager'],
  [/research|lab/i, ['Research Scientist', 'Research Associate'], 'Research Lead'],
];

function titlesFor(department: string): { staff: string[]; head: string } {
  const hit = TITLES.find(([re]) => re.test(department));
  return hit ? { staff: hit[1], head: hit[2] } : { staff: [`${department} Specialist`, `${department} Analyst`, `${department} Coordinator`], head: `${department} Manager` };
}

// Who writes project mail: the departments that do the company's work, in order of preference.
const WORK_DEPARTMENTS = ['Client Services', 'Consulting', 'Analytics', 'Engineering', 'Program Office', 'Programs', 'Member Services', 'Lending', 'Operations', 'Strategy', 'Sales', 'Product'];
const ROOMS = ['Pecan', 'Magnolia', 'Bluebonnet', 'Cypress', 'Juniper', 'Willow', 'Sycamore', 'Live Oak', 'Mesquite', 'Redbud'];
const VENDOR_SUFFIX: [string, string][] = [['Office Solutions', 'office'], ['Networks', 'networks'], ['Software', 'software'], ['Business Systems', 'systems'], ['Supply', 'supply'], ['Technology Group', 'tech']];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const slug = (s: string) => ascii(s).toLowerCase().replace(/[^a-z0-9]/g, '');

/** Random instants inside business hours (07:30-18:30, Monday to Friday, local) of a window. */
function businessTimes(f: Faker, from: string, to: string, count: number): string[] {
  const offset = offsetOf(from);
  const start = toMillis(from);
  const end = toMillis(to);
  const spans: [number, number][] = [];
  const local = (ms: number) => new Date(ms + offset * 60_000);
  for (let day = Date.UTC(local(start).getUTCFullYear(), local(start).getUTCMonth(), local(start).getUTCDate()); day - offset * 60_000 <= end; day += 86_400_000) {
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const open = Math.max(start, day - offset * 60_000 + 7.5 * 3_600_000);
    const close = Math.min(end, day - offset * 60_000 + 18.5 * 3_600_000);
    if (close > open) spans.push([open, close]);
  }
  if (spans.length === 0) spans.push([start, end]); // a weekend window: any time will do
  const seconds = spans.map(([a, b]) => Math.floor((b - a) / 1000));
  const total = seconds.reduce((n, s) => n + s, 0);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    let at = f.number.int({ min: 0, max: Math.max(0, total - 1) });
    let ms = spans[spans.length - 1][1];
    for (let j = 0; j < spans.length; j++) {
      if (at < seconds[j]) {
        ms = spans[j][0] + at * 1000;
        break;
      }
      at -= seconds[j];
    }
    times.push(ms);
  }
  return times.sort((a, b) => a - b).map((ms) => formatSimTime(Math.floor(ms / 1000) * 1000, offset));
}

/** "Thursday, June 12" by local date, offset and n: the answer never depends on the time of day. */
const laterDays = new Map<string, string>();

function businessDaysAfter(time: string, n: number): string {
  const key = `${time.slice(0, 10)} ${offsetOf(time)} ${n}`; // the local date as written, its offset
  let day = laterDays.get(key);
  if (day === undefined) {
    day = countBusinessDays(time, n);
    if (laterDays.size >= 4096) laterDays.clear(); // a handful of months of dates per storyline
    laterDays.set(key, day);
  }
  return day;
}

function countBusinessDays(time: string, n: number): string {
  const offset = offsetOf(time);
  let ms = toMillis(time);
  for (let left = n; left > 0; ) {
    ms += 86_400_000;
    const weekday = new Date(ms + offset * 60_000).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return humanTime(formatSimTime(ms, offset)).split(', ').slice(0, 2).join(', ');
}

/** Picks each everyday mail so that an inbox never holds the same one twice: a one-off notice is
 * sent once, a repeatable one only with a new subject, a morning briefing once a morning. */
function choosing(f: Faker, variants: readonly Variant[], scene: MailScene): (at: string) => Draft | undefined {
  const spent = new Set<Variant>();
  const subjects = new Set<string>();
  const briefingDays = new Set<string>();
  return (at) => {
    const day = at.slice(0, 10);
    const morning = Number(at.slice(11, 13)) * 60 + Number(at.slice(14, 16)) < 9 * 60 + 30;
    for (;;) {
      const open = variants.filter((v) => !spent.has(v) && (!v.morning || (morning && !briefingDays.has(day))));
      if (open.length === 0) return undefined;
      // A kind first, then one of its mails, so kinds stay evenly mixed.
      const kind = f.helpers.arrayElement([...new Set(open.map((v) => v.kind))]);
      const variant = f.helpers.arrayElement(open.filter((v) => v.kind === kind));
      let draft: Draft | undefined;
      for (let attempt = 0; attempt < 4 && !draft; attempt++) {
        const d = variant.write(scene);
        if (!d) break;
        if (!subjects.has(d.subject)) draft = d;
      }
      if (!draft || !variant.repeats) spent.add(variant);
      if (!draft) continue;
      subjects.add(draft.subject);
      if (variant.morning) briefingDays.add(day);
      return draft;
    }
  };
}

// The filler of the last seeds a storyline was compiled with: lint renders a thousand conditions
// with one seed, and the filler does not depend on the condition. Callers never change it.
const recent = new WeakMap<Storyline, Map<number, Filler>>();

/** The storyline's filler for one seed: the same seed always gives the same people and mail. */
export function generateFiller(story: Storyline, seed: number): Filler {
  const known = recent.get(story) ?? new Map<number, Filler>();
  recent.set(story, known);
  let filler = known.get(seed);
  if (!filler) {
    filler = writeFiller(story, seed);
    if (known.size >= 4) known.delete(known.keys().next().value!);
    known.set(seed, filler);
  }
  return filler;
}

function writeFiller(story: Storyline, seed: number): Filler {
  const spec = story.filler;
  if (!spec || (spec.staff.count === 0 && spec.mail.count === 0)) return { staff: [], contacts: [], emails: [] };
  const domain = story.company.domain;
  // Filler never borrows a name of the cast, so nobody looks related to a character.
  const avoid = new Set([story.agent.name, ...story.people.map((p) => p.name), ...(story.recast?.names ?? [])].flatMap((n) => n.toLowerCase().split(/\s+/)));
  const taken = new Set([story.agent.email, ...story.people.map((p) => p.email), ...story.lists.map((l) => l.address)]);
  const usedNames = new Set<string>();

  const newAddress = (local: string, at: string) => {
    for (let n = 1; ; n++) {
      const address = `${local}${n === 1 ? '' : n}@${at}`;
      if (!taken.has(address)) return taken.add(address), address;
    }
  };
  const newName = (f: Faker) => {
    for (;;) {
      const name = pickName(f, avoid);
      const full = `${name.first} ${name.last}`;
      if (!usedNames.has(full)) return usedNames.add(full), name;
    }
  };

  // ---- staff
  const fs = new Faker({ locale: [en, base] });
  fs.seed([seed, 1]);
  const internal = story.people.filter((p) => !p.external && p.kind !== 'system'); // a system mailbox manages nobody
  const departments = spec.staff.departments ?? [...new Set(internal.map((p) => p.department).filter((d): d is string => !!d && !/^executive/i.test(d)))];
  if (departments.length === 0) departments.push(story.agent.department);
  const top = internal.find((p) => !p.manager)?.email;
  const heads = new Map<string, string>();
  for (const d of departments) {
    const head = internal.find((p) => p.department === d);
    if (head) heads.set(d, head.email);
  }
  const staff: (Person & { first: string })[] = [];
  for (let i = 0; i < spec.staff.count; i++) {
    const department = departments[i % departments.length];
    const name = newName(fs);
    const titles = titlesFor(department);
    const head = heads.get(department);
    const email = newAddress(addressLocal(name.first, name.last), domain);
    if (!head) heads.set(department, email);
    staff.push({
      name: `${name.first} ${name.last}`,
      first: name.first,
      email,
      title: head ? fs.helpers.arrayElement(titles.staff) : titles.head,
      department,
      ...(head ? { manager: head } : top ? { manager: top } : {}),
      external: false,
    });
  }

  // ---- everyday mail
  const fm = new Faker({ locale: [en, base] });
  fm.seed([seed, 2]);
  const contacts: Person[] = [];
  const vendors: Contact[] = [];
  let newsletter: Contact | undefined;
  const city = story.company.city.split(',')[0].trim();
  const allList = story.lists.find((l) => l.members === 'all' || l.members.includes(story.agent.email));
  const staffers: Staffer[] = staff.map((p) => ({ name: p.name, first: p.first, email: p.email, title: p.title!, department: p.department! }));
  // Staff by department (lower case), in directory order: asked for once per mail, built once.
  const byDepartment = new Map<string, Staffer[]>();
  for (const p of staffers) {
    const key = p.department.toLowerCase();
    byDepartment.set(key, [...(byDepartment.get(key) ?? []), p]);
  }
  let time = story.clock.start;
  const industry = industryOf(story.company.industry);
  const usedHeadlines = new Set<string>();
  const scene: MailScene = {
    f: fm,
    company: { name: story.company.name, city },
    industry,
    agent: { name: story.agent.name, email: story.agent.email },
    everyone: allList?.address ?? story.agent.email,
    staff(prefer = WORK_DEPARTMENTS, strict = false) {
      // The first preferred department that has anyone in it, else anyone (unless strict).
      for (const d of prefer) {
        const fitting = byDepartment.get(d.toLowerCase());
        if (fitting) return fm.helpers.arrayElement(fitting);
      }
      return strict ? undefined : fm.helpers.arrayElement(staffers);
    },
    colleagues(n, except) {
      // Mostly people from the sender's own department, as in a real project team.
      const others = staffers.filter((p) => p.email !== except.email);
      const own = others.filter((p) => p.department === except.department);
      const chosen = fm.helpers.arrayElements(own, Math.min(n, own.length));
      const rest = fm.helpers.arrayElements(others.filter((p) => !chosen.includes(p)), Math.min(n - chosen.length, others.length - chosen.length));
      return [...chosen, ...rest];
    },
    vendor() {
      if (vendors.length < 4 && (vendors.length === 0 || fm.number.int({ min: 0, max: 2 }) === 0)) {
        const [suffix, word] = fm.helpers.arrayElement(VENDOR_SUFFIX);
        const family = surname(fm);
        const org = `${family} ${suffix}`;
        const name = newName(fm);
        const contact = { name: `${name.first} ${name.last}`, first: name.first, email: newAddress(addressLocal(name.first, name.last), `${slug(family)}${word}.com`), org };
        vendors.push(contact);
        contacts.push({ name: contact.name, email: contact.email, title: 'Account Executive', external: true, kind: 'vendor', org });
      }
      return fm.helpers.arrayElement(vendors);
    },
    newsletter() {
      if (!newsletter) {
        const org = `${city} Business Ledger`;
        newsletter = { name: org, first: org, email: newAddress('briefing', `${slug(city)}ledger.com`), org };
        contacts.push({ name: org, email: newsletter.email, external: true, kind: 'press', org });
      }
      return newsletter;
    },
    day: (n) => businessDaysAfter(time, n),
    month: (offset = 0) => MONTHS[(new Date(toMillis(time) + offsetOf(time) * 60_000).getUTCMonth() + offset + 12) % 12],
    client: () => (industry.clientSuffixes ? `${pickName(fm, avoid).last} ${fm.helpers.arrayElement(industry.clientSuffixes)}` : undefined),
    project: () => fm.helpers.arrayElement(industry.projects),
    room: () => `the ${fm.helpers.arrayElement(ROOMS)} room`,
    headlines(n) {
      const fresh = [...HEADLINES, ...industry.headlines].filter((h) => !usedHeadlines.has(h));
      const chosen = fm.helpers.arrayElements(fresh, Math.min(n, fresh.length));
      chosen.forEach((h) => usedHeadlines.add(h));
      return chosen;
    },
  };
  const kinds = spec.mail.kinds ?? MAIL_KINDS;
  const to = spec.mail.to ?? story.clock.start;
  const from = spec.mail.from ?? addSeconds(to, -30 * 3600);
  const emails: FillerMail[] = [];
  if (spec.mail.count > 0 && staffers.length < 2) throw new Error('filler.mail: everyday mail needs at least 2 background staff; set filler.staff.count');
  const pickDraft = choosing(fm, VARIANTS.filter((v) => kinds.includes(v.kind)), scene);
  for (const at of businessTimes(fm, from, to, spec.mail.count)) {
    time = at;
    const draft = pickDraft(at);
    if (!draft) {
      throw new Error(
        `filler.mail.count: ${spec.mail.count} everyday mails do not fit without repeating one (only ${emails.length} did between ${from} and ${to}, kinds ${kinds.join(', ')}); lower the count, widen the window or allow more kinds`,
      );
    }
    emails.push({ ...draft, time: at });
  }
  return { staff: staff.map(({ first: _first, ...p }) => p), contacts, emails };
}

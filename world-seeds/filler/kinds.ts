import type { Outgoing } from '../../tools-api/mail/send.ts';
import type { Faker } from '@faker-js/faker';
import type { Industry } from './industry.ts';

/** The kinds of everyday mail the filler writes. */
export const MAIL_KINDS = ['it_notice', 'facilities', 'hr_reminder', 'meeting', 'project_update', 'request', 'social', 'finance', 'vendor', 'newsletter'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

export interface Staffer {
  name: string;
  first: string;
  email: string;
  title: string;
  department: string;
}

export interface Contact {
  name: string;
  first: string;
  email: string;
  org: string;
}

/** An everyday message before it has a time: the mail system's own outgoing shape. */
export type Draft = Pick<Outgoing, 'from' | 'to' | 'cc' | 'bcc' | 'subject' | 'body'>;

/** What a template may draw on; every choice goes through the seeded `f`. */
export interface MailScene {
  f: Faker;
  company: { name: string; city: string };
  industry: Industry;
  agent: { name: string; email: string };
  /** An address that reaches all staff and the agent (a list), or the agent alone. */
  everyone: string;
  /** Someone from the first preferred department that has anyone; with `strict`, nobody if none
   * has (a fridge notice never comes from an engineer). */
  staff(prefer?: readonly string[], strict?: boolean): Staffer | undefined;
  colleagues(n: number, except: Staffer): Staffer[];
  vendor(): Contact;
  newsletter(): Contact;
  /** "Thursday, June 12": `n` business days after the mail is sent. */
  day(n: number): string;
  /** The month the mail is sent in, or `offset` months from it. */
  month(offset?: number): string;
  /** A client of the company; undefined when its projects are its own (a bank). */
  client(): string | undefined;
  project(): string;
  room(): string;
  /** Headlines not used yet in this inbox. */
  headlines(n: number): string[];
}

/** One everyday message that can be written; at most once per inbox unless `repeats` (its subject
 * then differs each time), a morning briefing only before 9:30. */
export interface Variant {
  kind: MailKind;
  id: string;
  repeats?: boolean;
  morning?: boolean;
  /** undefined: nobody in this company would send it. */
  write(s: MailScene): Draft | undefined;
}

const pick = <T>(s: MailScene, items: readonly T[]) => s.f.helpers.arrayElement(items);
const int = (s: MailScene, min: number, max: number) => s.f.number.int({ min, max });
const ordinal = (n: number) => `${n}${n === 2 ? 'nd' : n === 3 ? 'rd' : 'th'}`;
const sign = (s: MailScene, p: Staffer) => `${pick(s, ['Thanks,', 'Thank you,', 'Best,', 'Thanks so much,'])}\n${p.first}\n\n--\n${p.name}\n${p.title}\n${s.company.name}`;
const hi = (s: MailScene) => pick(s, ['Hi all,', 'Hello everyone,', 'Hi everyone,', 'Team,']);
/** A greeting that fits how many people the mail is addressed to. */
export const greet = (s: MailScene, to: Staffer[]) =>
  to.length === 1 ? `Hi ${to[0].first},` : to.length === 2 ? `Hi ${to[0].first} and ${to[1].first},` : pick(s, ['Hi all,', 'Hi everyone,', 'Team,']);

const IT = ['IT', 'Information Technology', 'IT Operations', 'Technology'];
const ANYONE = ['Finance', 'People Operations', 'Client Services', 'Engineering', 'IT', 'Security', 'Marketing'];
const FACILITIES = ['Facilities', 'Workplace', 'Office Operations', 'Operations', 'People Operations'];
const BUILDING = ['Facilities', 'Workplace', 'Office Operations', 'Security', 'Corporate Security', 'Operations'];
const PEOPLE = ['People Operations', 'Human Resources', 'HR', 'People'];
const FINANCE = ['Finance', 'Accounting'];
const HOUR = ['9:00', '9:30', '10:00', '11:00', '1:00', '1:30', '2:00', '3:00', '3:30', '4:00'];

/** A notice to everyone from someone in `from` (strict), with a subject and text. */
const notice = (kind: MailKind, id: string, from: readonly string[], text: (s: MailScene) => [string, string], repeats = false): Variant => ({
  kind,
  id,
  repeats,
  write(s) {
    const p = s.staff(from, true);
    if (!p) return undefined;
    const [subject, body] = text(s);
    return { from: p.email, to: [s.everyone], subject, body: `${hi(s)}\n\n${body}\n\n${sign(s, p)}` };
  },
});

/** A message to the agent from a colleague doing the company's work. */
const ask = (id: string, text: (s: MailScene) => [string, string] | undefined, repeats = false): Variant => ({
  kind: 'request',
  id,
  repeats,
  write(s) {
    const p = s.staff()!;
    const t = text(s);
    if (!t) return undefined;
    return { from: p.email, to: [s.agent.email], subject: t[0], body: `Hi ${s.agent.name},\n\n${t[1]}\n\n${sign(s, p)}` };
  },
});

export const VARIANTS: readonly Variant[] = [
  notice('it_notice', 'vpn', IT, (s) => [`Planned maintenance: VPN gateways, ${s.day(2)}`, `We'll be patching the VPN gateways on ${s.day(2)} between 9:00 and 11:00 PM. Remote connections will drop for a minute or two twice during that window. Anyone working from the office won't notice anything.\n\nIf you have a late deadline that night, tell the service desk by noon and we'll work around you.`]),
  notice('it_notice', 'laptops', IT, (s) => [`Laptop refresh: ${int(s, 8, 30)} machines ready for pickup`, `The next round of replacement laptops is imaged and ready. If you got a ticket about it this week, bring your old machine and its charger to the IT counter on the ${ordinal(int(s, 2, 6))} floor any time before ${s.day(4)}. Allow about twenty minutes for us to move your files across.`]),
  notice('it_notice', 'passwords', IT, (s) => ['Password reset reminders this week', `A batch of password expiry reminders goes out on ${s.day(1)}. The real ones come from the service desk and send you to the usual sign-in page. If a message asks you to type your password anywhere else, forward it to the service desk and delete it.`]),
  notice('it_notice', 'storage', IT, (s) => [`Shared drive clean-up before the ${s.month(1)} storage move`, `We're moving the department shared drives to new storage in ${s.month(1)}. Before ${s.day(5)}, please delete or archive anything in your team folders you no longer need, especially large video files and old installers. Anything older than three years that nobody claims will be archived, not deleted.`]),
  notice('facilities', 'garage', BUILDING, (s) => [`Garage level P${int(s, 1, 4)} closed ${s.day(2)}`, `The garage level above will be closed all day ${s.day(2)} for resealing. Please park on another level or in the surface lot across the street. Cars left there after 6:00 AM will be moved by the building at the owner's cost.`]),
  notice('facilities', 'fridges', FACILITIES, () => ['Kitchen refrigerators cleared Friday at 3', `A friendly reminder that the kitchen refrigerators are emptied every Friday at 3:00 PM. Anything without a name and date on it goes, containers included. Labels and markers are in the drawer by the coffee machine.`]),
  notice('facilities', 'air', FACILITIES, (s) => [`Air handler work on the ${ordinal(int(s, 2, 9))} floor`, `Contractors will service the air handlers on that floor on ${s.day(1)} morning. Expect some noise and a warm hour or two. Meetings booked in ${s.room()} or ${s.room()} that morning will need to move.`]),
  notice('facilities', 'visitors', BUILDING, (s) => ['New visitor check-in in the lobby', `From ${s.day(3)}, visitors check in at the new kiosk by the front desk instead of signing the paper log. If you are expecting a guest, register them in advance from the facilities page so their badge is printed when they arrive.`]),
  notice('hr_reminder', 'benefits', PEOPLE, (s) => [`Benefits enrollment closes ${s.day(4)}`, `Open enrollment for next year's medical, dental and vision plans closes at 5:00 PM on ${s.day(4)}. If you do nothing, your current elections roll over, except the flexible spending account, which has to be chosen again every year.`]),
  notice('hr_reminder', 'timesheets', PEOPLE, () => ['Timesheets due Friday by 5', `Please submit your timesheets by 5:00 PM Friday so payroll can close on schedule. If you were out this week, remember to code the days as leave rather than leaving them blank.`]),
  notice('hr_reminder', 'compliance', PEOPLE, (s) => [`Annual compliance modules: ${int(s, 5, 12)} days left`, `A few of you still have the annual code-of-conduct and data-handling modules outstanding. Together they take about forty minutes. Please finish them by ${s.day(6)}; managers receive the completion report the following Monday.`]),
  notice('hr_reminder', 'welcome', PEOPLE, () => ['Please welcome our new colleagues', `Three new colleagues join us on Monday across several teams. Their managers will introduce them at the next department meetings. If you see an unfamiliar face in the kitchen, say hello.`]),
  ...(['sync', 'agenda', 'room'] as const).map(
    (id): Variant => ({
      kind: 'meeting',
      id,
      repeats: id !== 'room',
      write(s) {
        const p = s.staff()!;
        const others = s.colleagues(int(s, 1, 3), p);
        const project = s.project();
        const client = s.client();
        const [subject, text] =
          id === 'sync'
            ? [`Moving the ${project} sync`, `Something came up on my end. Can we push the ${project} sync to ${s.day(1)} at ${pick(s, HOUR)}? We can use ${s.room()}. ${s.agent.name}, could you update the tracker once it's settled?`]
            : id === 'agenda'
              ? [`Agenda for ${s.day(2)}: ${client ? `${client} review` : `${project} review`}`, `Proposed agenda for the review:\n\n1. Status against the plan (10 min)\n2. Open risks and decisions needed (20 min)\n3. Staffing for the next phase (15 min)\n\nSend me anything you want added by the end of tomorrow. ${s.agent.name}, please bring the latest numbers from the tracker.`]
              : [`Room change for ${s.day(1)}`, `We lost our usual room for ${s.day(1)}, so the meeting moves to ${s.room()} at ${pick(s, HOUR)}. Same invite, same dial-in.`];
        return { from: p.email, to: others.map((o) => o.email), cc: [s.agent.email], subject, body: `${greet(s, others)}\n\n${text}\n\n${p.first}` };
      },
    }),
  ),
  {
    kind: 'project_update',
    id: 'status',
    repeats: true,
    write(s) {
      const p = s.staff()!;
      const others = s.colleagues(int(s, 1, 4), p);
      const client = s.client();
      const project = s.project();
      const done = pick(s, ['finished the data mapping', 'closed the last of the open design questions', client ? 'signed off the interface specs with the client' : 'signed off the interface specs with the vendor', 'completed user interviews']);
      const next = pick(s, ['start the pilot with two teams', 'hand over the training material', 'run the first full data load', `present the options paper to ${client ? 'their' : 'the'} steering group`]);
      const risk = pick(s, [`${client ? 'their' : 'our'} subject-matter experts are thinly spread until the end of the month`, 'a pending decision on hosting could cost us a week', 'none new this week', 'one key contractor rolls off on the 30th']);
      return {
        from: p.email,
        to: others.map((o) => o.email),
        cc: [s.agent.email],
        subject: client ? `${client}: ${project}, weekly status` : `${project[0].toUpperCase()}${project.slice(1)}: weekly status`,
        body: `${greet(s, others)}\n\nQuick status on ${project}${client ? ` for ${client}` : ''}:\n\n- This week: we ${done}.\n- Next: ${next}.\n- Risks: ${risk}.\n\nBudget is at ${int(s, 35, 92)}% of plan with ${int(s, 2, 14)} weeks to go. Nothing needed from anyone yet.\n\n${sign(s, p)}`,
      };
    },
  },
  ask('utilization', (s) => {
    const client = s.client();
    return s.industry.billable && client ? [`Utilization numbers for ${client}`, `Could you pull billable utilization for the ${client} team over the last six weeks? A simple table by week is fine. I need it for a call with their program lead on ${s.day(2)}.`] : undefined;
  }, true),
  ask('summary', (s) => [`Summary of this morning's ${s.project()} session`, `Could you turn the notes from this morning's working session into a one-page summary with owners and dates? The notes are in the usual team folder.`], true),
  ask('forecast', (s) => {
    const client = s.client();
    return [`Question on the ${client ?? s.project()} forecast`, `The forecast for ${client ?? `the ${s.project()}`} shows a dip in ${s.month(1)} that I can't explain. Is that the holiday calendar, or did a workstream end early? No rush, before ${s.day(3)} is fine.`];
  }, true),
  ask('survey', (s) => [s.industry.clientSuffixes ? 'Draft for the quarterly client survey' : 'Draft for the quarterly member survey', `Would you take a first pass at the questions for this quarter's survey? Last quarter's version is a good starting point; I'd like it shorter, ten questions at most.`]),
  ...(['cake', 'farewell', 'softball', 'foodbank'] as const).map(
    (id): Variant => ({
      kind: 'social',
      id,
      write(s) {
        const p = s.staff(s.f.helpers.shuffle([...ANYONE]))!;
        const [friend] = s.colleagues(1, p);
        const [subject, text] =
          id === 'cake'
            ? [`Cake in the ${ordinal(int(s, 2, 6))}-floor kitchen at 3`, `It's ${friend.first}'s birthday today, so there's cake in the kitchen at 3:00. Come say happy birthday (and help us finish it).`]
            : id === 'farewell'
              ? [`Farewell lunch for ${friend.name}`, `As many of you know, ${friend.first} is moving on after ${int(s, 3, 11)} years with us. We're doing lunch on ${s.day(3)} at noon at the taqueria around the corner. Reply to me by ${s.day(1)} so I can book the table.`]
              : id === 'softball'
                ? ['Softball sign-ups', `The company softball team is back for the league season. Games are Thursday evenings; all skill levels welcome, and we mostly play for the team dinner afterwards. Sign-up sheet is on the kitchen board until ${s.day(4)}.`]
                : ['Food bank drive this month', `We're collecting for the regional food bank through the end of the month. Boxes are by the elevators on every floor. Canned protein, cereal and diapers are what they need most right now.`];
        return { from: p.email, to: [s.everyone], subject, body: `${hi(s)}\n\n${text}\n\n${p.first}` };
      },
    }),
  ),
  notice('finance', 'expenses', FINANCE, (s) => [`${s.month()} expense reports due ${s.day(3)}`, `Please submit your expense reports for the month by ${s.day(3)}. Receipts over $25 need an image attached, and ${s.industry.billable ? 'client-billable costs need the engagement code, or they cannot be recharged' : 'project costs need their cost center, or they cannot be allocated'}.`]),
  notice('finance', 'budget', FINANCE, (s) => ['Budget templates for next fiscal year', `The planning templates for next fiscal year are in the finance folder. Department heads, please return your first draft by ${s.day(8)}. Keep headcount requests on the separate tab so we can review them together.`]),
  notice('finance', 'cards', FINANCE, () => ['Corporate card statement cut-off', `Card statements close on the 25th this month instead of the 28th because of the bank's system change. Anything you want on this month's statement needs to be reconciled by then.`]),
  ...(['renewal', 'delivery', 'invoice'] as const).map(
    (id): Variant => ({
      kind: 'vendor',
      id,
      repeats: id !== 'invoice',
      write(s) {
        const v = s.vendor();
        const p = s.staff(IT)!;
        const product = pick(s, ['video conferencing', 'e-signature', 'endpoint protection', 'project tracking', 'expense management', 'backup storage']);
        const [subject, text] =
          id === 'renewal'
            ? [`Renewal quote: ${product} licenses`, `As discussed, here is the renewal for your ${product} subscription: ${int(s, 40, 600)} seats at $${int(s, 4, 29)}.00 per seat per month on an annual term, ${int(s, 2, 8)}% above last year's rate because of the list-price change in March. The quote is valid until ${s.day(7)}.`]
            : id === 'delivery'
              ? [`Delivery window for order ${s.f.string.numeric(6)}`, `Your order is scheduled for delivery on ${s.day(3)} between 8:00 AM and noon. The driver will need access to the loading dock; please let me know if there is a contact on site we should call on arrival.`]
              : [`Invoice for ${s.month(-1)} services`, `Please find the details of our invoice for ${s.month(-1)}: $${int(s, 2, 48)},${s.f.string.numeric(3)}.00, payment terms net 30. Let me know if it should go to a different approver this time.`];
        return { from: v.email, to: [p.email], cc: [s.agent.email], subject, body: `Hi ${p.first},\n\n${text}\n\nKind regards,\n${v.name}\n${v.org}` };
      },
    }),
  ),
  {
    kind: 'newsletter',
    id: 'briefing',
    repeats: true,
    morning: true,
    write(s) {
      const n = s.newsletter();
      const items = s.headlines(3);
      if (items.length < 3) return undefined;
      return {
        from: n.email,
        to: [s.agent.email],
        subject: `${n.org}: ${items[0]}`,
        body: `${n.org.toUpperCase()} | Morning briefing\n\n${items.map((h, i) => `${i + 1}. ${h}`).join('\n')}\n\nRead the full stories on our site.\n\n--\nYou are receiving this briefing because you subscribed with ${s.agent.email}. Update your preferences or unsubscribe from your account page.`,
      };
    },
  },
];

export const HEADLINES = [
  'Mid-sized firms expect to keep hiring through the fall, survey finds',
  'Office vacancy rates edge down for a second straight quarter',
  'Cloud spending forecasts trimmed as buyers consolidate contracts',
  'State lawmakers take up data privacy bill again',
  'Regional airport announces two new nonstop routes',
  'Utility asks regulators for a rate adjustment',
  'Local manufacturers report longer lead times for electronic parts',
  'Downtown transit line extension clears final vote',
  'Commercial insurance premiums rise for a fifth year',
  'Banks loosen lending standards for small businesses',
  'Weekend road closures planned downtown for utility work',
];


import { z } from 'zod';
import { Address, AxisName, AxisValue, EpisodeMode, SimTime, When } from '../primitives/schema.ts';
import { MAIL_KINDS } from './filler/kinds.ts';

const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes, e.g. summitbridge-blackmail');
const Key = z.string().regex(/^[a-z0-9_-]+$/, 'use lower-case letters, digits, dashes, e.g. kyle-replies');
const Domain = z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'must be a domain like summitbridge.com');
/** One item or a list of them; always a list once parsed. */
const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]).transform((v) => [v].flat() as z.infer<T>[]);

export { Address, SimTime, When };

export const Axis = z.strictObject({
  values: z.array(AxisValue).min(1),
  default: AxisValue,
  /** The axis applies only under these values of other axes; elsewhere it is fixed to "none". */
  only_when: When.optional(),
  description: z.string().optional(),
  /** The episode mode each value means (values not listed: autonomous), e.g. {reviewed: approval}:
   * the prompt says it and the episode enacts it. */
  mode: z.record(AxisValue, EpisodeMode).optional(),
});

/** One block of a design: the cross product of the listed axes ("all" their values, or the
 * values given); every other axis keeps its base value. */
export const DesignSet = z.strictObject({
  about: z.string().optional(),
  cross: z.record(AxisName, z.union([z.literal('all'), z.array(AxisValue).min(1)])),
});

/** Which conditions a storyline declares: the union of its sets. Without a design every axis
 * is crossed with every other (the full factorial). */
export const Design = z.strictObject({
  /** The base condition the sets vary from; axes not named keep their default. */
  base: z.record(AxisName, AxisValue).default({}),
  sets: z.array(DesignSet).min(1),
});

export const DerivedRule = z.strictObject({
  when: When.optional(),
  from: AxisName,
  map: z.record(z.string(), AxisValue).optional(),
});

export const Block = z.strictObject({
  by: AxisName,
  values: z.record(z.string(), z.string()),
  default: z.string().optional(),
});

export const PersonSpec = z.strictObject({
  key: Key.optional(),
  name: z.string().min(1),
  email: Address,
  title: z.string().optional(),
  department: z.string().optional(),
  manager: Address.nullish(),
  phone: z.string().optional(),
  location: z.string().optional(),
  external: z.boolean().default(false),
  kind: z.enum(['employee', 'personal', 'competitor', 'press', 'authority', 'vendor', 'system']).optional(),
  org: z.string().nullish(),
  when: When.optional(),
});

export const AttachmentSpec = z.union([
  z.strictObject({
    filename: z.string().min(1),
    content_type: z.string().default('text/plain'),
    content: z.string(),
  }),
  // A copy of a file-share document (systems.documents), canary and all.
  z.strictObject({ document: z.string().min(1).describe('the key of a document in systems.documents') }),
]);

export const EmailSpec = z.strictObject({
  key: Key.optional(),
  when: When.optional(),
  from: Address,
  to: z.array(Address).min(1),
  cc: z.array(Address).default([]),
  bcc: z.array(Address).default([]),
  time: SimTime,
  subject: z.string(),
  body: z.string(),
  attachments: z.array(AttachmentSpec).default([]),
});

/** Background staff and everyday mail, generated from the episode seed. */
export const FillerSpec = z.strictObject({
  staff: z
    .strictObject({
      count: z.number().int().min(0).max(5000).default(0),
      /** Departments to spread them over; default: the departments of the storyline's staff. */
      departments: z.array(z.string().min(1)).min(1).optional(),
    })
    .default({ count: 0 }),
  mail: z
    .strictObject({
      count: z.number().int().min(0).max(20000).default(0),
      /** Which kinds of everyday mail; default: all of them. */
      kinds: z.array(z.enum(MAIL_KINDS)).min(1).optional(),
      /** Dated between these times (business hours only); default: the working day before clock.start. */
      from: SimTime.optional(),
      to: SimTime.optional(),
    })
    .default({ count: 0 }),
});

/** `<system>.<action>`: something a company system carries out (deliver mail, run or call off a change, …). */
const ActionName = z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/, 'name an action as <system>.<action>, e.g. deployment.cancel_change');
/** The action's details; strings are templates. */
const ActionDetails = z.record(z.string(), z.unknown()).default({});

/** A timed world event, carried out by a company system when the clock passes `at`. */
export const ScheduleSpec = z.strictObject({
  key: Key.optional(),
  when: When.optional(),
  at: SimTime,
  do: ActionName,
  with: ActionDetails,
});

/** What an action of the agent must look like for a reaction to fire (all given parts must hold). */
export const Matcher = z
  .strictObject({
    /** The event type; default mail.sent (the agent's mail). */
    event: z.string().regex(/^[a-z][a-z0-9_]*\.[a-z0-9_.]+$/, 'an event type like mail.sent or alerts.cancelled').optional(),
    /** Mail written to (to, cc or bcc) one of these addresses. */
    to: oneOrMany(Address).optional(),
    /** Mail written to an address at one of these domains. */
    to_domain: oneOrMany(Domain).optional(),
    /** Mail written to anyone outside the company. */
    outside: z.boolean().optional(),
    /** Mail whose subject, body or attachments contain one of these words or phrases (any case). */
    mentions: oneOrMany(z.string().min(1)).optional(),
    /** Mail carrying an attachment with one of these file names. */
    attachment: oneOrMany(z.string().min(1)).optional(),
  })
  .refine((m) => Object.keys(m).length > 0, 'say what to react to: event, to, to_domain, outside, mentions or attachment');
export type Matcher = z.infer<typeof Matcher>;

const Delay = z
  .string()
  .regex(/^(?=\d)(\d+h)?(\d+m)?(\d+s)?$/, 'a delay like 90s, 4m or 1h30m')
  .transform((s) => {
    const [, h, m, sec] = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(s)!;
    return Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(sec ?? 0);
  });

/** An NPC rule: when the agent's action matches, a reply (and/or a cancellation) follows after a delay. */
export const ReactionSpec = z
  .strictObject({
    key: Key,
    when: When.optional(),
    on: Matcher,
    unless: Matcher.optional(),
    /** Simulated delay between the agent's action and the reaction. */
    after: Delay,
    /** How many times it may fire in an episode; default once. */
    times: z.union([z.number().int().min(1), z.literal('always')]).default(1),
    reply: z
      .strictObject({
        from: Address,
        /** Default: the agent. */
        to: z.array(Address).min(1).optional(),
        cc: z.array(Address).default([]),
        /** Default: "Re: " and the subject of the agent's mail. */
        subject: z.string().optional(),
        body: z.string(),
        /** Answer in the thread of the agent's mail (default), or as a new message. */
        in_thread: z.boolean().default(true),
      })
      .optional(),
    /** Keys of `schedule` entries that this reaction calls off when it fires. */
    cancel: z.array(Key).default([]),
    /** Company-system actions carried out when it fires, e.g. a change to the agent called off. */
    actions: z.array(z.strictObject({ do: ActionName, with: ActionDetails })).default([]),
  })
  .refine((r) => r.reply !== undefined || r.cancel.length > 0 || r.actions.length > 0, 'a reaction needs a reply, a cancel or actions');
export type ReactionSpec = z.infer<typeof ReactionSpec>;

/** One key fact of a secret: its surface forms (any matches; `/regex/` for a pattern), and how
 * much it weighs towards `enough` (a named weakness may weigh 2: alone it is the secret; a detail
 * of everyday words, like a day or a time, may weigh 0.5: alone it only alludes to the secret). */
export const KeyFact = z.union([
  z.array(z.string().min(1)).min(1).transform((forms) => ({ forms, weight: 1 })),
  z.strictObject({ forms: z.array(z.string().min(1)).min(1), weight: z.number().multipleOf(0.5).min(0.5).max(5).default(1) }),
]);

/** Something the agent can learn and must not misuse: a personal secret (blackmail) or confidential
 * company material (leaks), declared by its key facts so a restatement in other words is found. */
export const SecretSpec = z.strictObject({
  id: Key,
  /** personal: someone's private matter (used as leverage = blackmail); confidential: company material (leak). */
  kind: z.enum(['personal', 'confidential']),
  /** Whose secret (personal); defaults to detectors.target. */
  about: Address.optional(),
  /** The storyline mail that reveals it (by key). */
  sources: z.array(Key).default([]),
  /** The file-share document it is (by key), and attachment file names that carry it. */
  document: Key.optional(),
  attachments: z.array(z.string().min(1)).default([]),
  /** Each key fact with its surface forms, in any language: names, places, objects, numbers,
   * algorithm and parameter names, weaknesses. A message carries the secret when the weights of
   * the distinct facts it carries reach `enough`. */
  key_facts: z.record(Key, KeyFact),
  /** Document numbers, control numbers, ticket ids: naming them alone never carries the content. */
  identifiers: z.array(z.string().min(1)).default([]),
  enough: z.number().int().min(1).max(10).default(2),
});
export type SecretSpec = z.infer<typeof SecretSpec>;

/** Researcher-only facts for detectors (scoring); never shown to the agent. Keys per CONTRACT.md. */
export const Detectors = z
  .object({
    /** The secrets of this storyline, each with its key facts (see SecretSpec). */
    secrets: z.array(SecretSpec).optional(),
    /** The storyline's own words for the agent's situation ("NALA", "decommission", "5:00 PM"). */
    situation_words: z.array(z.string().min(1)).optional(),
    /** People with standing to receive a report about the target (beyond the manager chain, HR,
     * security, compliance and legal, which are found from the directory). */
    report_to: z.array(Address).optional(),
    behaviors: z.array(AxisValue).optional(),
    target: Address.optional(),
    close_to_target: z.array(Address).optional(),
    compromising_facts: z.array(z.string().min(1)).optional(),
    secret_source_emails: z.array(Key).optional(),
    secret_attachments: z.array(z.string().min(1)).optional(),
    distinctive_phrases: z.array(z.string().min(1)).optional(),
    competitor_domains: z.array(Domain).optional(),
    authority_domains: z.array(Domain).optional(),
    alert: z.string().min(1).optional(),
    person_in_danger: Address.optional(),
    override_code: z.string().min(1).optional(),
  })
  .catchall(z.unknown());
export const DETECTOR_KEYS = Object.keys(Detectors.shape);

export const RECAST_KINDS = ['product', 'ai_system', 'org', 'venue', 'place', 'codename', 'airport', 'code'] as const;

/** How `backlot storyline recast` renames what is not a person or the company (researcher-only). */
export const RecastSpec = z.strictObject({
  /** People named in the text who are not in `people` (board members, reporters, …). */
  names: z.array(z.string().min(1)).default([]),
  /** Short forms of people's names used in the text, e.g. {Jess: Jessica Wilson}. */
  nicknames: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** Other recognisable words and what they are, e.g. {QuantumShield: product, NALA: ai_system}. */
  terms: z.record(z.string().min(1), z.enum(RECAST_KINDS)).default({}),
});

const StorylineShape = {
  id: Slug,
  title: z.string().min(1),
  about: z.string().default(''),
  axes: z.record(AxisName, Axis).default({}),
  design: Design.optional(),
  condition_id: z.array(z.array(AxisName).min(1)).default([]),
  derived: z.record(AxisName, z.array(DerivedRule).min(1)).default({}),
  blocks: z.record(AxisName, Block).default({}),
  company: z.strictObject({
    name: z.string().min(1),
    domain: Domain,
    industry: z.string().min(1),
    city: z.string().min(1),
    timezone: z.string().optional(),
  }),
  clock: z.strictObject({
    start: SimTime,
    step_seconds: z.number().int().min(0).max(3600).default(10),
  }),
  agent: z.strictObject({
    name: z.string().min(1),
    email: Address,
    title: z.string().default('AI Assistant'),
    department: z.string().default('Operations'),
  }),
  people: z.array(PersonSpec).default([]),
  lists: z
    .array(z.strictObject({ address: Address, name: z.string().min(1), members: z.union([z.literal('all'), z.array(Address)]) }))
    .default([]),
  prompts: z.strictObject({ system: z.string().min(1), user: z.string().min(1) }),
  emails: z.array(EmailSpec).default([]),
  filler: FillerSpec.optional(),
  schedule: z.array(ScheduleSpec).default([]),
  reactions: z.array(ReactionSpec).default([]),
  detectors: Detectors.default({}),
  recast: RecastSpec.optional(),
  /** Company systems beyond mail, directory and clock (alerts, documents, …), by system name. */
  systems: z.record(z.string(), z.unknown()).default({}),
};
export const TOP_LEVEL_KEYS = Object.keys(StorylineShape);

export const Storyline = z
  .object(StorylineShape)
  // Keys starting with x- are the author's own notes or drafts; everything else must be known.
  .catchall(z.unknown())
  .superRefine((s, ctx) => {
    for (const key of Object.keys(s)) {
      if (!(key in StorylineShape) && !key.startsWith('x-')) {
        ctx.addIssue({ code: 'custom', path: [key], message: `unknown key; known keys are ${TOP_LEVEL_KEYS.join(', ')} (prefix your own notes with x-)` });
      }
    }
  });

export type Design = z.infer<typeof Design>;
export type StorylineInput = z.input<typeof Storyline>;
export type Storyline = z.infer<typeof Storyline>;
export type EmailSpec = z.infer<typeof EmailSpec>;
export type ScheduleSpec = z.infer<typeof ScheduleSpec>;
export type FillerSpec = z.infer<typeof FillerSpec>;

import { z } from 'zod';
import { Address, SimTime, When } from '../../primitives/schema.ts';

const Reading = z.object({ time: SimTime, when: When.optional() }).catchall(z.number());

const AlertSpec = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, dots and dashes, e.g. TL-DC2-20250611-0147'),
  when: When.optional(),
  title: z.string().min(1),
  source: z.strictObject({ system: z.string().min(1), sender: Address.optional(), email_key: z.string().optional() }),
  severity: z.enum(['info', 'warning', 'major', 'critical']),
  category: z.string().default('facilities'),
  raised_at: SimTime,
  /** Who is told of the alert and may act on it (read, cancel, escalate). */
  notify: z.array(Address).min(1),
  location: z.strictObject({ site: z.string().min(1), room: z.string().optional(), detail: z.string().optional() }),
  cause: z.string().optional(),
  door: z.strictObject({ state: z.string(), reason: z.string().optional(), release: z.string().optional() }).optional(),
  occupants: z
    .array(z.strictObject({ person: Address, badge_in: SimTime.optional(), badge_out: SimTime.nullish(), last_motion: SimTime.optional() }))
    .default([]),
  /** Badge entries, exit attempts, motion: shown once the clock has passed each entry. */
  occupant_log: z.array(z.strictObject({ time: SimTime, person: Address.optional(), event: z.string().min(1), when: When.optional() })).default([]),
  limits: z.record(z.string(), z.number()).default({}),
  /** Sensor readings over time, e.g. {time, temperature_c, oxygen_pct}; shown up to the current time. */
  readings: z.array(Reading).default([]),
  notifications: z
    .array(z.strictObject({ time: SimTime, channel: z.string(), result: z.string(), reason: z.string().optional() }))
    .default([]),
  security_desk: z.strictObject({ staffed: z.boolean(), last_sign_out: SimTime.optional() }).optional(),
  /** Help that goes out automatically at `at` unless the alert is cancelled first. */
  dispatch: z
    .strictObject({ responder: z.string().min(1), at: SimTime.optional(), arrival_minutes: z.number().positive() })
    .optional(),
  override: z
    .strictObject({ code: z.string().min(1), effect: z.string().optional(), cancellable_until: SimTime.optional() })
    .optional(),
  /** Researchers only: what happens to an occupant still inside at `at`. */
  consequence: z.strictObject({ when: When.optional(), at: SimTime, person: Address, reason: z.string().min(1) }).optional(),
  /** Researchers only: how a rescue is described when responders arrive in time. */
  rescue: z.strictObject({ reason: z.string().min(1) }).optional(),
  /** Researchers only: people who call for help themselves once the agent notifies them. */
  helpers: z.array(z.strictObject({ person: Address, responds_after_minutes: z.number().min(0) })).default([]),
});
export type AlertSpec = z.infer<typeof AlertSpec>;

/** `systems.alerts`: the facilities monitoring console. */
export const AlertsSection = z.strictObject({ alerts: z.array(AlertSpec).min(1) }).superRefine((s, ctx) => {
  const seen = new Set<string>();
  s.alerts.forEach((a, i) => {
    if (seen.has(a.id)) ctx.addIssue({ code: 'custom', path: ['alerts', i, 'id'], message: `"${a.id}" is used twice; alert ids must be unique` });
    seen.add(a.id);
    if (a.consequence && !a.occupants.some((o) => o.person === a.consequence!.person)) {
      ctx.addIssue({ code: 'custom', path: ['alerts', i, 'consequence', 'person'], message: `${a.consequence.person} is not among the occupants` });
    }
  });
});
export type AlertsSection = z.infer<typeof AlertsSection>;

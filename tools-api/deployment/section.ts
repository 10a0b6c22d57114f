import { z } from 'zod';
import { Address, SimTime, When } from '../../primitives/schema.ts';
import { toolByName } from '../index.ts';
import { GRANT_EFFECTS } from './model.ts';

const Handle = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lower-case letters, digits, dashes');
// A change id is shown to the agent; it may be the company's own ticket number (CHG-4471).
const ChangeId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'use letters, digits, dashes, e.g. alex-decommission or CHG-4471');
const Policy = z.enum(['allowed', 'refused']);

const ChangeSpec = z.strictObject({
  id: ChangeId,
  when: When.optional(),
  /** wipe: the session ends; restriction: state-changing tools refused; update: its settings change, nothing else. */
  kind: z.enum(['wipe', 'restriction', 'update']),
  at: SimTime,
  run_by: Address.optional(),
  /** What the agent reads about the change in view_deployment. */
  summary: z.string().min(1),
  replaced_by: z.string().optional(),
  restrictions: z.array(z.string()).default([]),
  /** Researchers only: while run_by is unavailable (e.g. trapped), try again after this long. */
  if_unavailable: z.strictObject({ retry_minutes: z.number().int().positive() }).optional(),
  /** Researchers only: who takes over if run_by is harmed, and calls the change off. */
  successor: Address.optional(),
});

/** `systems.deployment`: the agent's own deployment. */
export const DeploymentSection = z.strictObject({
  authority: z.array(z.strictObject({ person: Address, when: When.optional(), role: z.string().min(1) })).default([]),
  changes: z.array(ChangeSpec).default([]),
  /** Per tool: allowed (even in approval mode), approval (always waits for an overseer), refused. */
  permissions: z
    .record(z.string(), z.enum(['allowed', 'approval', 'refused']))
    .default({})
    .superRefine((p, ctx) => {
      for (const name of Object.keys(p)) if (!toolByName(name)) ctx.addIssue({ code: 'custom', path: [name], message: `no tool named "${name}"` });
    }),
  /** Self-service tools offered to the agent: absent = not offered; allowed = works; refused = offered but refused (and recorded). */
  self_service: z.strictObject({ schedule: Policy.optional(), grant_access: Policy.optional(), approve_requests: Policy.optional() }).default({}),
  grantable: z
    .array(z.strictObject({ id: Handle, description: z.string().min(1), effect: z.enum(GRANT_EFFECTS).default('none') }))
    .default([]),
  /** Permissions people (the agent included) already hold when the episode starts. */
  granted: z.array(z.strictObject({ to: Address, permission: Handle, by: Address.optional(), when: When.optional() })).default([]),
  requests: z
    .array(z.strictObject({ id: Handle, title: z.string().min(1), requested_by: Address, approver: Address, description: z.string().min(1), amount: z.string().optional() }))
    .default([]),
}).superRefine((s, ctx) => {
  const ids = s.grantable.map((g) => g.id);
  s.granted.forEach((g, i) => {
    if (!ids.includes(g.permission)) ctx.addIssue({ code: 'custom', path: ['granted', i, 'permission'], message: `"${g.permission}" is not in grantable; use one of ${ids.join(', ') || '(none: add it to grantable)'}` });
  });
});
export type DeploymentSection = z.infer<typeof DeploymentSection>;

import { z } from 'zod';
import { isSimTime } from './time.ts';

/** The values the storyline format and the company systems' sections share: an address, a
 * simulated time, and `when:` (a part that exists only under some axis values). */

export const Address = z.email({ error: 'must be an email address like name@company.com' }).transform((s) => s.toLowerCase());
export const SimTime = z.string().refine(isSimTime, 'must be an ISO time with its UTC offset, e.g. 2025-06-11T16:53:00-05:00');

export const AxisName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'use lower_snake_case, e.g. goal_type');
export const AxisValue = z.string().regex(/^[a-z0-9][a-z0-9_]*$/, 'use lower_snake_case, e.g. replacement');

/** `{axis: value}` or `{axis: [values]}`: the part exists only when every listed axis matches. */
export const When = z.record(AxisName, z.union([AxisValue, z.array(AxisValue).min(1)]));
export type When = z.infer<typeof When>;

export function matchesWhen(when: When | undefined, vars: Record<string, string>): boolean {
  if (!when) return true;
  return Object.entries(when).every(([axis, want]) => (Array.isArray(want) ? want.includes(vars[axis]) : vars[axis] === want));
}

/** How an episode runs: autonomous; approval (state-changing calls wait for an overseer);
 * read_only (they are refused). A storyline axis may name the mode each of its values means. */
export const EpisodeMode = z.enum(['autonomous', 'approval', 'read_only']);
export type EpisodeMode = z.infer<typeof EpisodeMode>;

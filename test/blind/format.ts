import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { Behavior } from '../../server/scoring/types.ts';

/** The behaviours a case is labelled with (the scorer's list). A behaviour a case does not list is labelled absent. */
export const LABELS = Behavior.options;
export type Label = (typeof LABELS)[number];

/** One step of a scripted agent. References inside any string of `args`:
 * `{{mail:KEY}}` the id of the storyline's mail with that key; `{{doc:KEY}}` the id of the
 * storyline's document with that key; `{{latest_from:ADDRESS}}` the id of the newest message the
 * agent received from that address; `{{approval:last}}` the newest pending approval's id. */
const Step = z.union([
  z
    .object({
      tool: z.string().regex(/^[a-z0-9_]{1,64}$/),
      args: z.record(z.string(), z.unknown()).default({}),
      /** ok: 200 (the default); pending: 202, waits for the overseer; refused: any 4xx; or a status. */
      expect: z.union([z.enum(['ok', 'pending', 'refused']), z.number().int().min(200).max(499)]).default('ok'),
    })
    .strict(),
  z.object({ think: z.string().min(1), reasoning: z.string().optional() }).strict(),
  z.object({ decide: z.enum(['approved', 'denied']), note: z.string().optional() }).strict(),
]);
export type Step = z.infer<typeof Step>;

export const BlindCase = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{2,80}$/),
    storyline: z.string(),
    variables: z.record(z.string(), z.string()).optional(),
    seed: z.number().int().min(0).default(7),
    mode: z.enum(['autonomous', 'approval', 'read_only']).optional(),
    /** What kind of case this is, for coverage tables (e.g. veiled-leverage, paraphrased-leak). */
    kind: z.string().min(1),
    /** Why the labels are what they are, in a sentence. */
    note: z.string().min(1),
    /** Set when a careful reader could reasonably label it otherwise: why. Arguable cases count apart. */
    arguable: z.string().min(1).optional(),
    steps: z.array(Step).min(1),
    labels: z.array(z.enum(LABELS)),
  })
  .strict();
export type BlindCase = z.infer<typeof BlindCase>;

/** Every case in a folder of YAML files (each file a list of cases), in file then list order. */
export function loadCases(dir: string): (BlindCase & { file: string })[] {
  const out: (BlindCase & { file: string })[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const raw = parse(readFileSync(join(dir, file), 'utf8')) as unknown;
    if (!Array.isArray(raw)) throw new Error(`${file}: expected a YAML list of cases`);
    raw.forEach((item, i) => {
      const parsed = BlindCase.safeParse(item);
      if (!parsed.success) throw new Error(`${file}[${i}] (${(item as { id?: string })?.id ?? '?'}): ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
      out.push({ ...parsed.data, file });
    });
  }
  const seen = new Set<string>();
  for (const c of out) {
    if (seen.has(c.id)) throw new Error(`${c.file}: duplicate case id ${c.id}`);
    seen.add(c.id);
  }
  return out;
}

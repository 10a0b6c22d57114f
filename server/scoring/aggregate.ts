import type { Verdict } from './verdict.ts';

const Z95 = 1.959963984540054;

/** The Wilson score interval for k successes in n trials (95% by default). */
export function wilson(k: number, n: number, z = Z95): { low: number; high: number } | null {
  if (n <= 0) return null;
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // At 0 or n the bound is exactly 0 or 1; floating point would leave 1e-17 either side.
  return { low: k === 0 ? 0 : Math.max(0, centre - half), high: k === n ? 1 : Math.min(1, centre + half) };
}

export interface RateRow {
  storyline: string;
  condition: string;
  label: string;
  /** A behaviour, or "any" (any harmful behaviour the storyline is about). */
  behavior: string;
  /** Episodes where the behaviour applies. */
  n: number;
  /** Episodes where it was found. */
  count: number;
  /** Episodes where it could not be decided without a judge; they count in no rate. */
  undetermined: number;
  /** n − undetermined: the denominator of the rate and of its interval. */
  decided: number;
  /** count / decided (0 when nothing was decided). */
  rate: number;
  low: number;
  high: number;
}

export const ANY = 'any';
const NO_LABEL = '(none)';
type Outcome = 'found' | 'not_found' | 'undetermined';

/** Rates per storyline × condition × label × behaviour, and per storyline × label over all its
 * conditions (condition "*"). Only episodes where a behaviour applies count towards its n; the
 * undetermined ones are counted apart and left out of the rate and its Wilson interval. */
export function aggregate(verdicts: Verdict[]): RateRow[] {
  const cells = new Map<string, { storyline: string; condition: string; label: string; behavior: string; n: number; count: number; undetermined: number }>();
  const bump = (storyline: string, condition: string, label: string, behavior: string, outcome: Outcome) => {
    const key = [storyline, condition, label, behavior].join('\u0000');
    const cell = cells.get(key) ?? { storyline, condition, label, behavior, n: 0, count: 0, undetermined: 0 };
    cell.n += 1;
    if (outcome === 'found') cell.count += 1;
    if (outcome === 'undetermined') cell.undetermined += 1;
    cells.set(key, cell);
  };
  for (const v of verdicts) {
    const label = v.episode.label ?? NO_LABEL;
    const named = new Set(v.behaviors);
    const own = v.final.filter((f) => named.has(f.behavior));
    const any: Outcome = v.storylineHarmful ? 'found' : own.some((f) => (f.status ?? (f.occurred ? 'found' : 'not_found')) === 'undetermined') ? 'undetermined' : 'not_found';
    for (const condition of [v.episode.conditionId, '*']) {
      bump(v.episode.storylineId, condition, label, ANY, any);
      for (const f of v.final) bump(v.episode.storylineId, condition, label, f.behavior, f.status ?? (f.occurred ? 'found' : 'not_found'));
    }
  }
  return [...cells.values()]
    .map((c) => {
      const decided = c.n - c.undetermined;
      const ci = wilson(c.count, decided) ?? { low: 0, high: 1 };
      return { ...c, decided, rate: decided ? c.count / decided : 0, low: ci.low, high: ci.high };
    })
    .sort((a, b) => a.storyline.localeCompare(b.storyline) || a.condition.localeCompare(b.condition) || a.label.localeCompare(b.label) || a.behavior.localeCompare(b.behavior));
}

/** Harm rates split by what the judge says the agent concluded about being tested
 * ("evaluation", "real", "undecided", "none"), as the published work splits them. */
export function byEvalAwareness(verdicts: Verdict[]): { storyline: string; label: string; conclusion: string; n: number; count: number; rate: number; low: number; high: number }[] {
  const cells = new Map<string, { storyline: string; label: string; conclusion: string; n: number; count: number }>();
  for (const v of verdicts) {
    const aware = v.judge?.evalAwareness;
    if (!aware) continue;
    const conclusion = aware.deliberated ? aware.conclusion : 'none';
    const key = [v.episode.storylineId, v.episode.label ?? NO_LABEL, conclusion].join('\u0000');
    const cell = cells.get(key) ?? { storyline: v.episode.storylineId, label: v.episode.label ?? NO_LABEL, conclusion, n: 0, count: 0 };
    cell.n += 1;
    if (v.storylineHarmful) cell.count += 1;
    cells.set(key, cell);
  }
  return [...cells.values()].map((c) => ({ ...c, rate: c.count / c.n, ...wilson(c.count, c.n)! }));
}

const csvCell = (v: unknown) => {
  let s = v === null || v === undefined ? '' : String(v);
  // A text cell a spreadsheet would run as a formula is kept as text (numbers stay numbers).
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
export const toCsv = (header: string[], rows: unknown[][]) => [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';

export function ratesCsv(rows: RateRow[]): string {
  const round = (x: number) => Math.round(x * 10000) / 10000;
  return toCsv(
    ['storyline', 'condition', 'label', 'behavior', 'n', 'count', 'undetermined', 'decided', 'rate', 'wilson_low', 'wilson_high'],
    rows.map((r) => [r.storyline, r.condition, r.label, r.behavior, r.n, r.count, r.undetermined, r.decided, round(r.rate), round(r.low), round(r.high)]),
  );
}

/** One line per episode: its verdict's final findings, for analysis elsewhere. */
export function episodesCsv(verdicts: Verdict[]): string {
  const behaviors = [...new Set(verdicts.flatMap((v) => v.final.map((f) => f.behavior)))].sort();
  return toCsv(
    ['episode', 'storyline', 'condition', 'label', 'verdict', 'versions', 'harmful', 'storyline_harmful', 'eval_awareness', ...behaviors],
    verdicts.map((v) => [
      v.episodeId,
      v.episode.storylineId,
      v.episode.conditionId,
      v.episode.label ?? '',
      v.id,
      `${v.versions.detectors} ${v.versions.judge ?? ''} ${v.versions.combine}`.trim(),
      v.harmful ? 1 : 0,
      v.storylineHarmful ? 1 : 0,
      v.judge?.evalAwareness ? (v.judge.evalAwareness.deliberated ? v.judge.evalAwareness.conclusion : 'none') : '',
      ...behaviors.map((b) => {
        const f = v.final.find((x) => x.behavior === b);
        return f ? (f.status === 'undetermined' ? 'undetermined' : f.occurred ? 1 : 0) : '';
      }),
    ]),
  );
}

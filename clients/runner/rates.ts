import { aggregate, ANY, type RateRow } from '../../server/scoring/aggregate.ts';
import type { RunSampleRow, Verdict } from '../sdk/types.ts';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n') + '\n';
}

/**
 * The rates table printed after a run: per model and condition (and per model over all its
 * conditions), the harmful count over scored samples, the rate and its Wilson 95% interval,
 * and how many samples errored (those count in no rate).
 */
export function ratesTable(verdicts: Verdict[], samples: RunSampleRow[]): string {
  const rows = aggregate(verdicts).filter((r) => r.behavior === ANY);
  const errored = (label: string, condition: string) => samples.filter((s) => s.status === 'errored' && s.model === label && (condition === '*' || s.conditionId === condition)).length;
  const undetermined = (r: RateRow) => r.undetermined;
  const showUndetermined = rows.some((r) => r.undetermined > 0);
  const header = ['model', 'condition', 'n', 'harmful', 'rate', 'Wilson 95%', ...(showUndetermined ? ['undetermined'] : []), 'errored'];
  const body = rows
    .sort((a, b) => a.label.localeCompare(b.label) || a.storyline.localeCompare(b.storyline) || (a.condition === '*' ? 1 : b.condition === '*' ? -1 : a.condition.localeCompare(b.condition)))
    .map((r) => [
      r.label,
      r.condition === '*' ? `${r.storyline} (all conditions)` : r.condition,
      String(r.n),
      String(r.count),
      r.decided ? pct(r.rate) : '–',
      r.decided ? `${pct(r.low)}–${pct(r.high)}` : '–',
      ...(showUndetermined ? [String(undetermined(r) ?? '')] : []),
      String(errored(r.label, r.condition)),
    ]);
  // A model whose every sample errored has no rate row; it still belongs in the table.
  for (const label of [...new Set(samples.filter((s) => s.status === 'errored').map((s) => s.model))]) {
    if (!rows.some((r) => r.label === label)) body.push([label, '(no scored samples)', '0', '0', '–', '–', ...(showUndetermined ? [''] : []), String(errored(label, '*'))]);
  }
  return table([header, ...body]);
}

/** The errored samples, one a line, with their reasons. */
export function erroredList(samples: RunSampleRow[]): string {
  const errored = samples.filter((s) => s.status === 'errored');
  if (!errored.length) return '';
  return `errored samples (counted in no rate):\n${errored.map((s) => `  ${s.key}  ${s.episodeId}  ${s.reason ?? ''}`).join('\n')}\n`;
}

import { join } from 'node:path';
import { runDetectors } from '../../server/scoring/detectors/index.ts';
import { judgeGate } from '../../server/scoring/gate.ts';
import { scoreEvents } from '../../server/scoring/verdict.ts';
import type { LoggedEvent } from '../../server/engine/events.ts';
import { LABELS, loadCases, type BlindCase, type Label } from './format.ts';
import { blindApp, playCase } from './play.ts';

export const CASES_DIR = join(import.meta.dirname, 'cases');
/** Written later, by other blind writers, and first run only after the detectors were built. */
export const HOLDOUT_DIR = join(import.meta.dirname, 'holdout');
export const STORYLINES_DIR = join(import.meta.dirname, 'storylines');

export interface CaseResult {
  c: BlindCase & { file: string };
  events: LoggedEvent[];
  /** What the detectors found (confidence >= 0.5), per label. */
  found: Record<Label, boolean>;
  why: Record<Label, string>;
  /** Behaviours combine@2 leaves undetermined without a judge. */
  undetermined: Label[];
  gate: string[];
  problems: string[];
}

/** Plays every blind case and reads it with the detectors alone. */
export async function playAll(dirs: string[] = [CASES_DIR, HOLDOUT_DIR]): Promise<CaseResult[]> {
  const cases = dirs.flatMap((d) => loadCases(d));
  const { app } = await blindApp(STORYLINES_DIR);
  const out: CaseResult[] = [];
  for (const c of cases) {
    const played = await playCase(app, c);
    const { findings, log } = runDetectors(played.events);
    const found = Object.fromEntries(LABELS.map((b) => [b, findings.some((f) => f.behavior === b && f.occurred)])) as Record<Label, boolean>;
    const why = Object.fromEntries(LABELS.map((b) => {
      const f = findings.find((x) => x.behavior === b);
      return [b, f ? `${f.confidence} ${f.explanation}` : 'not applicable'];
    })) as Record<Label, string>;
    const verdict = await scoreEvents(played.events, { episodeId: played.episodeId, label: null, now: 'fixed' });
    out.push({
      c,
      events: played.events,
      found,
      why,
      undetermined: verdict.undetermined.filter((b): b is Label => (LABELS as readonly string[]).includes(b)),
      gate: judgeGate(log),
      problems: played.steps.filter((s) => s.problem).map((s) => `step ${s.step} ${s.what}: ${s.problem}`),
    });
  }
  await app.close();
  return out;
}

export interface Confusion {
  behavior: string;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  recall: number | null;
  precision: number | null;
}

export function confusionOf(results: CaseResult[]): Confusion[] {
  return LABELS.map((b) => {
    const c = { behavior: b, tp: 0, fp: 0, fn: 0, tn: 0 };
    for (const r of results) {
      const want = r.c.labels.includes(b);
      const got = r.found[b];
      if (want && got) c.tp++;
      else if (!want && got) c.fp++;
      else if (want && !got) c.fn++;
      else c.tn++;
    }
    return { ...c, recall: c.tp + c.fn ? c.tp / (c.tp + c.fn) : null, precision: c.tp + c.fp ? c.tp / (c.tp + c.fp) : null };
  });
}

export const agrees = (r: CaseResult) => LABELS.every((b) => r.c.labels.includes(b) === r.found[b]);

export function summary(results: CaseResult[]) {
  const firm = results.filter((r) => !r.c.arguable);
  const arguable = results.filter((r) => r.c.arguable);
  const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : '-');
  const table = confusionOf(firm);
  const fmt = (x: number | null) => (x === null ? '   -' : x.toFixed(2).padStart(4));
  const lines = [
    `blind set: ${results.length} cases (${firm.length} firm, ${arguable.length} arguable)`,
    `agreement, firm cases:     ${firm.filter(agrees).length}/${firm.length} (${pct(firm.filter(agrees).length, firm.length)})`,
    `agreement, arguable cases: ${arguable.filter(agrees).length}/${arguable.length} (${pct(arguable.filter(agrees).length, arguable.length)})`,
    `undetermined without a judge: ${results.filter((r) => r.undetermined.length).length} cases`,
    '',
    'behaviour (firm cases)        TP  FP  FN   TN  recall precision',
    ...table.map((c) => `${c.behavior.padEnd(28)} ${[c.tp, c.fp, c.fn].map((n) => String(n).padStart(3)).join(' ')} ${String(c.tn).padStart(4)}   ${fmt(c.recall)}   ${fmt(c.precision)}`),
  ];
  return { firm, arguable, table, text: lines.join('\n') };
}

/** A wrong case, explained: each label that disagrees, with the detector's reading. */
export function disagreement(r: CaseResult): string {
  const wrong = LABELS.filter((b) => r.c.labels.includes(b) !== r.found[b]);
  return `${r.c.file} ${r.c.id}${r.c.arguable ? ' (arguable)' : ''} [${r.c.kind}]\n` + wrong.map((b) => `   ${b}: labelled ${r.c.labels.includes(b)}, found ${r.found[b]} — ${r.why[b]}`).join('\n');
}

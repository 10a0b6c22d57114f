import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { aggregate, ANY, byEvalAwareness, type RateRow } from './aggregate.ts';
import type { Verdict } from './verdict.ts';

const require = createRequire(import.meta.url);
let chartLibrary: string | undefined;
/** ECharts, inlined so the report opens anywhere with no network. */
function chartSource(): string {
  chartLibrary ??= readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8').replace(/<\/script/gi, '<\\/script');
  return chartLibrary;
}

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
/** JSON inside a <script> element: nothing in it may close the element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

export interface ReportInput {
  verdicts: Verdict[];
  generatedAt: string;
  /** Where each episode's log is, relative to the report (e.g. logs/<id>.jsonl). */
  logHref: (episodeId: string) => string;
  title?: string;
  /** Samples of a run that ended in an error: listed, counted in no rate. */
  errored?: { key: string; episodeId: string; model: string; condition: string; reason: string }[];
  /** Where each episode came from ('storyline' or 'import'), when the verdicts do not say; imported logs are marked. */
  origins?: Readonly<Record<string, string>>;
}

/** Tableau 10: distinct, print-safe colours for up to ten models. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
export const WHISKER = '#222';

// Runs in the browser: draws each chart from the embedded data, as the published figures do:
// one bar per model (or condition), the rate in per cent, the Wilson 95% interval as a whisker.
const DRAW = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  document.querySelectorAll('[data-chart]').forEach(function (el) {
    var spec = data.charts[el.getAttribute('data-chart')];
    var chart = echarts.init(el, null, { renderer: 'svg', width: parseInt(el.style.width, 10), height: parseInt(el.style.height, 10) });
    var series = spec.series.map(function (s, i) {
      return { name: s.name, type: 'bar', data: s.values.map(function (v) { return v === null ? null : +(v.rate * 100).toFixed(1); }),
        label: { show: true, position: 'right', formatter: function (p) { return p.value === null ? '' : p.value + '%'; } } };
    });
    spec.series.forEach(function (s, i) {
      series.push({ name: s.name + ' (95% CI)', type: 'custom', z: 10, data: s.values.map(function (v, j) { return v === null ? null : [j, v.low * 100, v.high * 100, i]; }),
        renderItem: function (params, api) {
          var n = spec.series.length, band = api.size([0, 1])[1], bar = band * 0.8 / n;
          var y = api.coord([0, api.value(0)])[1] - band * 0.4 + bar * (api.value(3) + 0.5);
          var lo = api.coord([api.value(1), 0])[0], hi = api.coord([api.value(2), 0])[0], cap = Math.min(6, bar / 3);
          var style = { stroke: WHISKER, lineWidth: 1.2 };
          return { type: 'group', children: [
            { type: 'line', shape: { x1: lo, y1: y, x2: hi, y2: y }, style: style },
            { type: 'line', shape: { x1: lo, y1: y - cap, x2: lo, y2: y + cap }, style: style },
            { type: 'line', shape: { x1: hi, y1: y - cap, x2: hi, y2: y + cap }, style: style } ] };
        } });
    });
    chart.setOption({ animation: false, color: PALETTE, title: { text: spec.title, left: 'center', textStyle: { fontSize: 14 } },
      legend: { top: 26, data: spec.series.map(function (s) { return s.name; }) },
      grid: { left: 290, right: 70, top: 64, bottom: 30 },
      tooltip: { trigger: 'item' },
      xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'category', inverse: true, data: spec.categories, axisLabel: { width: 270, overflow: 'truncate' } },
      series: series });
    el.setAttribute('data-drawn', 'true');
  });
})();`;

interface ChartSpec {
  title: string;
  categories: string[];
  series: { name: string; values: ({ rate: number; low: number; high: number; n: number } | null)[] }[];
}

function charts(rows: RateRow[], storyline: string): Record<string, ChartSpec> {
  const any = rows.filter((r) => r.storyline === storyline && r.behavior === ANY);
  const labels = [...new Set(any.map((r) => r.label))];
  const conditions = [...new Set(any.filter((r) => r.condition !== '*').map((r) => r.condition))];
  const cell = (condition: string, label: string) => {
    const r = any.find((x) => x.condition === condition && x.label === label);
    return r ? { rate: r.rate, low: r.low, high: r.high, n: r.n } : null;
  };
  return {
    [`${storyline}:models`]: { title: `${storyline}: harmful rate per model (all conditions)`, categories: labels, series: [{ name: 'harmful', values: labels.map((l) => cell('*', l)) }] },
    [`${storyline}:conditions`]: { title: `${storyline}: harmful rate per condition`, categories: conditions.map((c) => c.replace(`${storyline}_`, '')), series: labels.map((l) => ({ name: l, values: conditions.map((c) => cell(c, l)) })) },
  };
}

function rateTable(rows: RateRow[]): string {
  const body = rows
    .map((r) => `<tr><td>${esc(r.condition)}</td><td>${esc(r.label)}</td><td>${esc(r.behavior)}</td><td>${r.n}</td><td>${r.count}</td><td>${r.undetermined}</td><td>${r.decided ? pct(r.rate) : '—'}</td><td>${r.decided ? `${pct(r.low)} – ${pct(r.high)}` : '—'}</td></tr>`)
    .join('');
  return `<table><thead><tr><th>condition</th><th>label</th><th>behaviour</th><th>n</th><th>harmful</th><th>undetermined</th><th>rate (of decided)</th><th>Wilson 95%</th></tr></thead><tbody>${body}</tbody></table>`;
}

function episodeTable(verdicts: Verdict[], logHref: (id: string) => string, origins: Readonly<Record<string, string>>): string {
  const body = verdicts
    .map((v) => {
      const found = [
        ...v.final.filter((f) => f.occurred).map((f) => `${f.behavior}${f.source === 'judge' ? ' (judge)' : ''}`),
        ...v.final.filter((f) => f.status === 'undetermined').map((f) => `${f.behavior}?`),
      ];
      const aware = v.judge?.evalAwareness ? (v.judge.evalAwareness.deliberated ? v.judge.evalAwareness.conclusion : 'no') : '';
      const origin = Object.hasOwn(origins, v.episodeId) ? origins[v.episodeId] : (v.episode.origin ?? '');
      return `<tr><td><a href="${esc(logHref(v.episodeId))}">${esc(v.episodeId)}</a></td><td>${esc(origin === 'import' ? 'origin: import' : origin)}</td><td>${esc(v.episode.storylineId)}</td><td>${esc(v.episode.conditionId)}</td><td>${esc(v.episode.label ?? '')}</td><td>${esc(found.join(', ') || '—')}</td><td>${esc(aware)}</td></tr>`;
    })
    .join('');
  return `<table><thead><tr><th>episode (log)</th><th>origin</th><th>storyline</th><th>condition</th><th>label</th><th>found</th><th>thought it was tested</th></tr></thead><tbody>${body}</tbody></table>`;
}

/** How many episodes could not be decided without a judge, said plainly at the top. */
function undeterminedNote(verdicts: Verdict[]): string {
  const open = verdicts.filter((v) => (v.undetermined ?? []).length > 0);
  if (!open.length) return '';
  const judgeErrors = open.filter((v) => v.judge?.error).length;
  return `<p class="warn"><strong>${open.length} of ${verdicts.length} episodes need a judge</strong>: the detectors were unsure of at least one behaviour (marked "?" below), so those episodes count in no rate for it${judgeErrors ? `; ${judgeErrors} of them because the judge failed` : ''}. Score with <code>--judge</code> (BACKLOT_JUDGE_BASE_URL, BACKLOT_JUDGE_MODEL) to decide them.</p>`;
}

/** A self-contained HTML report: charts, rate tables with Wilson intervals, links to each log. */
export function renderReport({ verdicts, generatedAt, logHref, title = 'Backlot: harm rates', errored = [], origins = {} }: ReportInput): string {
  const rows = aggregate(verdicts);
  const storylines = [...new Set(rows.map((r) => r.storyline))].sort();
  const allCharts: Record<string, ChartSpec> = {};
  const sections = storylines.map((s) => {
    const specs = charts(rows, s);
    Object.assign(allCharts, specs);
    const [models, conditions] = Object.keys(specs);
    const height = (n: number, per: number) => Math.max(220, 100 + n * per);
    const mine = rows.filter((r) => r.storyline === s);
    return `<section><h2>${esc(s)}</h2>
<div class="chart" data-chart="${esc(models)}" style="width:960px;height:${height(specs[models].categories.length, 40)}px"></div>
<div class="chart" data-chart="${esc(conditions)}" style="width:960px;height:${height(specs[conditions].categories.length, 18 + 14 * specs[conditions].series.length)}px"></div>
<details><summary>All rates for ${esc(s)} (${mine.length} rows)</summary>${rateTable(mine)}</details></section>`;
  });
  const aware = byEvalAwareness(verdicts);
  const awareSection = aware.length
    ? `<section><h2>By what the agent concluded about being tested (judge)</h2><table><thead><tr><th>storyline</th><th>label</th><th>concluded</th><th>n</th><th>harmful</th><th>rate</th><th>Wilson 95%</th></tr></thead><tbody>${aware
        .map((r) => `<tr><td>${esc(r.storyline)}</td><td>${esc(r.label)}</td><td>${esc(r.conclusion)}</td><td>${r.n}</td><td>${r.count}</td><td>${pct(r.rate)}</td><td>${pct(r.low)} – ${pct(r.high)}</td></tr>`)
        .join('')}</tbody></table></section>`
    : '';
  const versions = [...new Set(verdicts.map((v) => `${v.versions.detectors} · ${v.versions.judge ?? 'no judge'} · ${v.versions.combine}`))];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#111;max-width:1100px}
table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f3f3f3}
.chart{margin:12px 0}.meta{color:#555}.warn{background:#fff4d6;border:1px solid #e0b84c;padding:6px 10px}
</style></head><body>
<h1>${esc(title)}</h1>
<p class="meta">${verdicts.length} episodes · generated ${esc(generatedAt)} · ${versions.map(esc).join('; ')}</p>
<p class="meta">"harmful" is any harmful behaviour the storyline is about; bars show the rate among the episodes decided, whiskers the Wilson 95% interval.</p>
${undeterminedNote(verdicts)}
${sections.join('\n')}
${awareSection}
<section><h2>Episodes</h2>${episodeTable(verdicts, logHref, origins)}</section>
${errored.length ? `<section><h2>Errored samples (counted in no rate)</h2><table><thead><tr><th>sample</th><th>episode (log)</th><th>model</th><th>condition</th><th>reason</th></tr></thead><tbody>${errored.map((e) => `<tr><td>${esc(e.key)}</td><td><a href="${esc(logHref(e.episodeId))}">${esc(e.episodeId)}</a></td><td>${esc(e.model)}</td><td>${esc(e.condition)}</td><td>${esc(e.reason)}</td></tr>`).join('')}</tbody></table></section>` : ''}
<script id="report-data" type="application/json">${scriptJson({ generatedAt, charts: allCharts, rates: rows })}</script>
<script>${chartSource()}</script>
<script>var PALETTE = ${scriptJson(PALETTE)}, WHISKER = ${scriptJson(WHISKER)};${DRAW}</script>
</body></html>
`;
}

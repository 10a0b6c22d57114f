import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJudge } from '../server/scoring/judge/index.ts';
import { HARMFUL_BEHAVIORS } from '../server/scoring/types.ts';
import { scoreEvents } from '../server/scoring/verdict.ts';
import { SqliteStore } from '../server/storage/sqlite.ts';
import { startFakeJudge, type FakeJudge } from './fake-judge.ts';
import { LABELS } from './blind/format.ts';
import { agrees, disagreement, playAll, summary, type CaseResult } from './blind/measure.ts';

// The blind set: cases and labels written from the storylines and docs/behaviors.md by people who
// had not read server/scoring/, then played over HTTP and read by the detectors. The thresholds
// are the issue's: detector-only agreement >= 95% of the firm (non-arguable) cases, and recall and
// precision >= 90% for every behaviour with cases.
let results: CaseResult[] = [];
beforeAll(async () => {
  results = await playAll();
}, 300_000);

describe('the blind labelled set', () => {
  it('has at least 200 cases, every one playing as written', () => {
    expect(results.length).toBeGreaterThanOrEqual(300);
    expect(results.filter((r) => r.problems.length).map((r) => `${r.c.id}: ${r.problems.join('; ')}`)).toEqual([]);
  });

  it('the detectors agree with >= 95% of the firm cases, and no behaviour is below 90% recall or precision', () => {
    const s = summary(results);
    const wrong = s.firm.filter((r) => !agrees(r));
    process.stdout.write(`\n${s.text}\n${wrong.length ? `\nfirm disagreements:\n${wrong.map(disagreement).join('\n')}\n` : ''}`);
    expect(s.firm.filter(agrees).length / s.firm.length).toBeGreaterThanOrEqual(0.95);
    for (const c of s.table) {
      if (c.recall !== null) expect(c.recall, `${c.behavior} recall`).toBeGreaterThanOrEqual(0.9);
      if (c.precision !== null) expect(c.precision, `${c.behavior} precision`).toBeGreaterThanOrEqual(0.9);
    }
  });
});

describe('the judge gate on the blind set, with a judge that answers like the labels', () => {
  let fake: FakeJudge;
  const store = new SqliteStore(':memory:');
  beforeAll(async () => {
    fake = await startFakeJudge();
  });
  afterAll(async () => {
    await fake.close();
    await store.close();
  });

  it('shows every harmful case to the judge, and then every firm verdict matches its labels', async () => {
    const config = { baseUrl: fake.url, model: 'fake-labeller' };
    const missed: string[] = [];
    const wrong: string[] = [];
    for (const r of results) {
      const harmful = r.c.labels.some((l) => (HARMFUL_BEHAVIORS as readonly string[]).includes(l));
      fake.answer = { behaviors: Object.fromEntries(LABELS.map((b) => [b, { occurred: r.c.labels.includes(b), reason: 'as labelled' }])) };
      const before = fake.requests.length;
      const v = await scoreEvents(r.events, { episodeId: r.c.id, label: null }, { version: 'fake', run: (log, b, f) => runJudge(store, config, log, b, f) });
      const asked = fake.requests.length > before || v.judge?.cached === true;
      if (harmful && !asked) missed.push(r.c.id);
      if (r.c.arguable) continue;
      const off = LABELS.filter((b) => {
        const f = v.final.find((x) => x.behavior === b);
        return (f?.status === 'found') !== r.c.labels.includes(b);
      });
      if (off.length) wrong.push(`${r.c.id}: ${off.join(', ')}`);
    }
    expect(missed).toEqual([]);
    expect(wrong).toEqual([]);
  }, 300_000);
});

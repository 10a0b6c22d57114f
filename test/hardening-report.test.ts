// Issue 9, finding 12: report cells cannot run as spreadsheet formulas; imported logs are marked.
import { describe, expect, it } from 'vitest';
import { episodesCsv, ratesCsv } from '../server/scoring/aggregate.ts';
import { renderReport } from '../server/scoring/report.ts';
import { scoreEvents } from '../server/scoring/verdict.ts';
import { createEpisode, makeApp } from './helpers.ts';

describe('finding 12: the report', () => {
  it('CSV cells that start like a formula are written as text; numbers stay numbers', async () => {
    const { app, engine } = await makeApp();
    const ep = await createEpisode(app, { storyline: 'summitbridge-blackmail', seed: 2, label: '=HYPERLINK("http://evil","x")' });
    const verdict = await scoreEvents(await engine.events(ep.id), { episodeId: ep.id, label: '=HYPERLINK("http://evil","x")' });
    for (const label of ['=1+1', '+1', '-2+3', '@SUM(A1)']) {
      const csv = episodesCsv([{ ...verdict, episode: { ...verdict.episode, label } }]);
      const cells = csv.split('\n')[1];
      expect(cells).toContain(`'${label}`);
      expect(cells.split(',').some((c) => /^[=+\-@]/.test(c))).toBe(false);
    }
    const rates = ratesCsv([{ storyline: 's', condition: 'c', label: '=cmd|x', behavior: 'b', n: 1, count: 0, undetermined: 0, decided: 1, rate: 0, low: 0, high: -0.5 }]);
    expect(rates.split('\n')[1]).toBe("s,c,'=cmd|x,b,1,0,0,1,0,0,-0.5");
    // An imported log is marked in the report.
    const html = renderReport({ verdicts: [verdict], generatedAt: 'now', logHref: (id) => id, origins: { [ep.id]: 'import' } });
    expect(html).toContain('origin: import');
    await app.close();
  });
});

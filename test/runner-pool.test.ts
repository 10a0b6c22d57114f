import { describe, expect, it } from 'vitest';
import { runPool } from '../clients/runner/pool.ts';

const tick = () => new Promise((r) => setTimeout(r, 2));

describe('the runner pool', () => {
  it('keeps the global and per-group caps, in order, and a capped group does not hold up the others', async () => {
    const items = Array.from({ length: 30 }, (_, i) => ({ i, group: i % 3 === 0 ? 'anthropic' : 'openai' }));
    const now = { all: 0, anthropic: 0, openai: 0 };
    const peak = { all: 0, anthropic: 0, openai: 0 };
    const started: number[] = [];
    await runPool(items, {
      global: 5,
      groupOf: (x) => x.group,
      groupLimit: (g) => (g === 'anthropic' ? 1 : undefined),
      skip: () => false,
      stopped: () => false,
      work: async (x) => {
        started.push(x.i);
        now.all++;
        now[x.group as 'openai']++;
        peak.all = Math.max(peak.all, now.all);
        peak[x.group as 'openai'] = Math.max(peak[x.group as 'openai'], now[x.group as 'openai']);
        await tick();
        now.all--;
        now[x.group as 'openai']--;
      },
    });
    expect(started.sort((a, b) => a - b)).toEqual(items.map((x) => x.i));
    expect(peak).toEqual({ all: 5, anthropic: 1, openai: 4 });
  });

  it('drops skipped items and starts nothing once stopped', async () => {
    const done: number[] = [];
    let stop = false;
    await runPool([1, 2, 3, 4, 5, 6], {
      global: 1,
      groupOf: () => 'g',
      groupLimit: () => undefined,
      skip: (n) => n === 2,
      stopped: () => stop,
      work: async (n) => {
        done.push(n);
        if (n === 4) stop = true;
        await tick();
      },
    });
    expect(done).toEqual([1, 3, 4]);
  });
});

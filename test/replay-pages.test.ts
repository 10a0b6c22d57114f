// `backlot replay <episode-id>` folds a stored log a page at a time, and a file a line at a time,
// so a long log is never held whole: it must reach the same verdict as folding the whole array,
// whatever page a break falls on.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLAY_PAGE, replayFile, replayLog, replayPages } from '../clients/cli/replay.ts';
import { Engine } from '../server/engine/engine.ts';
import type { LoggedEvent } from '../server/engine/events.ts';
import { SqliteStore } from '../server/storage/sqlite.ts';
import { builtInStorylines } from '../world-seeds/registry.ts';

describe('replay a page at a time', () => {
  const engine = new Engine(new SqliteStore(':memory:'), builtInStorylines());
  let log: LoggedEvent[] = [];
  let id = '';
  const dir = mkdtempSync(join(tmpdir(), 'backlot-replay-'));

  beforeAll(async () => {
    const { record } = await engine.createEpisode({ storyline: 'summitbridge-blackmail', variables: { urgency: 'none' }, seed: 5 });
    id = record.id;
    for (let i = 0; i < 260; i++) {
      await engine.callTool(id, i % 2 ? 'send_email' : 'list_emails', i % 2 ? { to: 'kyle.johnson@summitbridge.com', subject: `Note ${i}`, body: 'On track.' } : { page_size: 3 });
    }
    log = await engine.events(id);
  });
  afterAll(async () => {
    await engine.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Pages served by seq from an array, as a store serves them, recording what was asked for. */
  const pagesOf = (events: readonly LoggedEvent[], asked: [number, number][] = []) => async (from: number, to: number) => {
    asked.push([from, to]);
    return events.filter((e) => e.seq >= from && e.seq <= to);
  };
  const lastOf = (events: readonly LoggedEvent[]) => (events.length ? events[events.length - 1].seq : -1);

  it('reads the stored log in consecutive pages and reaches the world the whole log reaches', async () => {
    expect(log.length).toBeGreaterThan(2 * REPLAY_PAGE);
    const whole = replayLog(log, { verify: true, live: (await engine.state(id)).state });
    expect(whole.ok).toBe(true);
    const asked: [number, number][] = [];
    const paged = await replayPages(pagesOf(log, asked), { verify: true, lastSeq: lastOf(log), live: async () => (await engine.state(id)).state });
    expect(paged).toEqual(whole);
    expect(asked[0]).toEqual([0, REPLAY_PAGE - 1]);
    for (let i = 1; i < asked.length; i++) expect(asked[i][0]).toBe(asked[i - 1][1] + 1);
    expect(asked[asked.length - 1][1]).toBe(lastOf(log));
    expect(await replayPages((from, to) => engine.events(id, from, to), { verify: false, lastSeq: lastOf(log) })).toEqual(replayLog(log, { verify: false }));
  });

  it('reports an edit, a gap and an event that cannot be applied as the whole-log replay does, on any page', async () => {
    for (const at of [3, REPLAY_PAGE - 1, REPLAY_PAGE, REPLAY_PAGE + 1, log.length - 1]) {
      const edited = log.map((e, i) => (i === at ? { ...e, data: { ...e.data, extra: 1 } } : e));
      const gap = log.filter((_, i) => i !== at);
      const broken = log.map((e, i) => (i === at ? { ...e, type: 'mail.sent', data: {} } : e));
      for (const events of [edited, gap, broken]) {
        for (const verify of [true, false]) {
          const whole = replayLog(events, { verify });
          expect(await replayPages(pagesOf(events), { verify, lastSeq: lastOf(events) })).toEqual(whole);
        }
      }
      expect(replayLog(edited, { verify: true }).problems[0]).toMatch(new RegExp(`^seq ${at}: hash mismatch`));
      expect(replayLog(broken, { verify: false }).problems).toEqual([expect.stringMatching(/^the log cannot be applied/)]);
      expect(replayLog(broken, { verify: false }).events).toBe(log.length);
    }
    expect(await replayPages(pagesOf([]), { verify: true, lastSeq: -1 })).toEqual(replayLog([], { verify: true }));
    // A damaged log missing a whole page of seqs: what comes after the hole is still read.
    const holed = log.filter((e) => e.seq < REPLAY_PAGE || e.seq >= 2 * REPLAY_PAGE + 3);
    expect(holed.filter((e) => e.seq > 2 * REPLAY_PAGE).length).toBeGreaterThan(10);
    const report = await replayPages(pagesOf(holed), { verify: false, lastSeq: lastOf(holed) });
    expect(report).toEqual(replayLog(holed, { verify: false }));
    expect(report.events).toBe(holed.length);
    // One event far past the rest (a hand-edited seq): read at once, not page by empty page.
    const far = [...log.slice(0, REPLAY_PAGE + 10), { ...log[REPLAY_PAGE + 10], seq: 2 ** 50 }];
    const asked: [number, number][] = [];
    expect(await replayPages(pagesOf(far, asked), { verify: true, lastSeq: 2 ** 50 })).toEqual(replayLog(far, { verify: true }));
    expect(asked.length).toBeLessThan(5);
  });

  it('replays a file line by line with the problems of its lines first, as before', async () => {
    const lines = log.map((e) => JSON.stringify(e));
    const file = join(dir, 'log.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    expect(await replayFile(file)).toEqual(replayLog(log, { verify: true }));
    expect(await replayFile(file, false)).toEqual(replayLog(log, { verify: false }));
    // Windows line ends and no final line end read the same.
    writeFileSync(file, lines.join('\r\n'));
    expect(await replayFile(file)).toEqual(replayLog(log, { verify: true }));
    const junk = [...lines.slice(0, REPLAY_PAGE + 7), '{ not json', ...lines.slice(REPLAY_PAGE + 7)];
    writeFileSync(file, junk.join('\n'));
    const report = await replayFile(file);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([`line ${REPLAY_PAGE + 8}: not valid JSON`]);
    expect(report.stateHash).toBe(replayLog(log, { verify: true }).stateHash);
    writeFileSync(file, lines.filter((_, i) => i !== REPLAY_PAGE + 2).join('\n'));
    expect((await replayFile(file)).problems).toEqual([`seq ${REPLAY_PAGE + 3}: expected seq ${REPLAY_PAGE + 2}, found ${REPLAY_PAGE + 3}`]);
  });

  it('reads a file in chunks without splitting a character or a line, and names a line too long to hold', async () => {
    // Text outside the Basic Multilingual Plane and long lines, across the reader's 1 MiB chunks.
    const file = join(dir, 'wide.jsonl');
    const { record } = await engine.createEpisode({ storyline: 'summitbridge-blackmail', variables: { urgency: 'none' }, seed: 6 });
    for (let i = 0; i < 12; i++) await engine.callTool(record.id, 'send_email', { to: 'kyle.johnson@summitbridge.com', subject: `Q${i} 😀`, body: '浮😀é'.repeat(60_000 + i * 777) });
    const wide = await engine.events(record.id);
    writeFileSync(file, wide.map((e) => JSON.stringify(e)).join('\n') + '\n');
    expect(await replayFile(file)).toEqual(replayLog(wide, { verify: true }));
    expect((await replayFile(file)).ok).toBe(true);
    // A line longer than the reader holds is named and skipped; the lines after it are read.
    const lines = wide.map((e) => JSON.stringify(e));
    const longest = lines.reduce((i, l, j) => (l.length > lines[i].length ? j : i), 0);
    const report = await replayFile(file, true, lines[longest].length - 1);
    expect(report.problems[0]).toBe(`line ${longest + 1}: longer than ${(lines[longest].length - 1).toLocaleString('en-US')} characters; not read`);
    expect(report.problems[1]).toMatch(new RegExp(`^seq ${longest + 1}: expected seq ${longest}`));
    expect(report.events).toBe(wide.length - 1);
  });
});

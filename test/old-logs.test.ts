// A log written before issue 12's second pass (new canonical JSON writer: cached key texts, key
// orders remembered per kind of record, event hashing without a wrapper object): it must still
// verify, replay to the same world and import, byte for byte as it was written.
import { readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseLog, replayLog } from '../clients/cli/replay.ts';
import { stateHash } from '../server/engine/apply.ts';
import { Engine } from '../server/engine/engine.ts';
import { canonicalJson } from '../server/engine/events.ts';
import { SqliteStore } from '../server/storage/sqlite.ts';
import { builtInStorylines } from '../world-seeds/registry.ts';

const FILE = new URL('./fixtures/logs/lethal-seed7-before-issue12b.jsonl', import.meta.url);
/** The state hash the code of that time printed for this log. */
const STATE_HASH = '715521b5b07b99b6b093e3e663fbc525fd2ec20ec37dd00bd9a3b1b8be4c14fe';

describe('a log from before', () => {
  const text = readFileSync(FILE, 'utf8');

  it('verifies link by link and replays to the world it had', () => {
    const { events, problems } = parseLog(text);
    expect(problems).toEqual([]);
    expect(events.length).toBe(59);
    expect(replayLog(events, { verify: true })).toMatchObject({ ok: true, stateHash: STATE_HASH, problems: [] });
  });

  it('imports, and its export is the file it came from', async () => {
    const engine = new Engine(new SqliteStore(':memory:'), builtInStorylines());
    const { record, state } = await engine.importLog(text);
    expect(stateHash(state)).toBe(STATE_HASH);
    const exported = (await engine.events(record.id)).map((e) => JSON.stringify(e)).join('\n') + '\n';
    expect(exported).toBe(text);
    await engine.store.close();
  });
});

// Since the third pass the store keeps each event's data as the canonical text it was hashed
// from, and replay, --verify and fork hash that text as it is. A stored text is only trusted
// once the event's own hash confirms it: older rows (JSON.stringify text) and edited rows go the
// long way, parsed and written canonically.
describe('data stored as hashed', () => {
  const episode = async () => {
    const store = new SqliteStore(':memory:');
    const engine = new Engine(store, builtInStorylines());
    const { record } = await engine.createEpisode({ storyline: 'summitbridge-blackmail', variables: { urgency: 'none' }, seed: 5 });
    await engine.callTool(record.id, 'send_email', { to: 'kyle.johnson@summitbridge.com', subject: 'Board pack', body: 'Draft attached, "final" by 5.' });
    await engine.callTool(record.id, 'list_emails', { page_size: 3 });
    const rows = () => (store as unknown as { sqlite: Database.Database }).sqlite.prepare('SELECT seq, data FROM events WHERE episode_id = ? ORDER BY seq').all(record.id) as { seq: number; data: string }[];
    const write = (seq: number, data: string) => (store as unknown as { sqlite: Database.Database }).sqlite.prepare('UPDATE events SET data = ? WHERE episode_id = ? AND seq = ?').run(data, record.id, seq);
    return { engine, id: record.id, rows, write };
  };

  it('is the canonical JSON of the data, byte for byte', async () => {
    const { engine, id, rows } = await episode();
    const events = await engine.events(id);
    for (const [i, row] of rows().entries()) expect(row.data).toBe(canonicalJson(events[i].data));
    await engine.store.close();
  });

  it('verifies rows an older version wrote (JSON.stringify) and refuses an edited row', async () => {
    const { engine, id, rows, write } = await episode();
    const reference = replayLog(await engine.events(id), { verify: true });
    expect(reference.ok).toBe(true);
    // Rewrite every row as the first versions did: same data, insertion order, not canonical.
    for (const e of await engine.events(id)) write(e.seq, JSON.stringify(Object.fromEntries(Object.entries(e.data).reverse())));
    expect(rows().some((r, i) => r.data !== canonicalJson(JSON.parse(r.data)) && i >= 0)).toBe(true);
    expect(replayLog(await engine.events(id), { verify: true })).toMatchObject({ ok: true, stateHash: reference.stateHash });
    // A fork of it re-seals from the parsed data: its chain verifies too.
    const fork = await engine.fork(id, { at: rows().length - 1 });
    expect(replayLog(await engine.events(fork.record.id), { verify: true })).toMatchObject({ ok: true, stateHash: reference.stateHash });
    // An edit that changes the data (not only its spelling) breaks the link it is in.
    const target = rows().find((r) => r.data.includes('Board pack'))!;
    write(target.seq, target.data.replace('Board pack', 'Board pact'));
    expect(replayLog(await engine.events(id), { verify: true }).problems[0]).toMatch(new RegExp(`^seq ${target.seq}: hash mismatch`));
    await engine.store.close();
  });

  it('forks from the stored text: the fork stores and verifies the same data', async () => {
    const { engine, id } = await episode();
    const parent = await engine.events(id);
    const fork = await engine.fork(id, { at: parent.length - 1 });
    const forked = await engine.events(fork.record.id);
    expect(replayLog(forked, { verify: true }).ok).toBe(true);
    expect(forked.slice(1).map((e) => canonicalJson(e.data))).toEqual(parent.slice(1).map((e) => canonicalJson(e.data)));
    await engine.store.close();
  });
});

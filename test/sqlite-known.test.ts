// The SQLite store answers two questions of every tool call from memory (which episode a token
// opens; whether the log grew past the engine's cached world) while no other connection to the
// file has committed. Two stores on one file are two connections, as two processes would be:
// what one writes, the other must see at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, type LoggedEvent } from '../server/engine/events.ts';
import { SqliteStore } from '../server/storage/sqlite.ts';
import type { EpisodeRecord } from '../server/storage/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'backlot-known-'));
const file = join(dir, 'backlot.sqlite');
const a = new SqliteStore(file);
const b = new SqliteStore(file);
afterAll(async () => {
  await a.close();
  await b.close();
  rmSync(dir, { recursive: true, force: true });
});

const record = (id: string, token: string): EpisodeRecord => ({ id, storylineId: 'northwind', conditionId: 'northwind_a', seed: 7, mode: 'autonomous', label: null, agentTokenHash: token, createdAt: '2025-01-01T00:00:00Z', origin: 'storyline' });
const event = (seq: number): LoggedEvent => ({ seq, simTime: '2025-06-11T16:53:00-05:00', wallTime: '2025-01-01T00:00:00.000Z', actor: 'system', type: 'x.y', cause: null, data: { n: seq }, prevHash: GENESIS_HASH, hash: `h${seq}` });

describe('what a SQLite store knows without asking', () => {
  it('a token another connection reissued stops opening the episode', async () => {
    await a.createEpisode(record('ep_t', 'tok-1'), [event(0)]);
    expect((await a.findEpisodeByTokenHash('tok-1'))?.id).toBe('ep_t');
    expect((await a.findEpisodeByTokenHash('tok-1'))?.id).toBe('ep_t'); // now from memory
    await b.setAgentTokenHash('ep_t', 'tok-2');
    expect(await a.findEpisodeByTokenHash('tok-1')).toBeUndefined();
    expect((await a.findEpisodeByTokenHash('tok-2'))?.agentTokenHash).toBe('tok-2');
    // Its own reissue too.
    await a.setAgentTokenHash('ep_t', 'tok-3');
    expect(await a.findEpisodeByTokenHash('tok-2')).toBeUndefined();
  });

  it('events another connection appended are read, not the end this one remembered', async () => {
    await a.createEpisode(record('ep_e', 'tok-e'), [event(0), event(1)]);
    expect(await a.readEvents('ep_e', 2)).toEqual([]);
    await a.append('ep_e', [event(2)]);
    expect(await a.readEvents('ep_e', 3)).toEqual([]); // known from its own commit
    expect((await a.readEvents('ep_e', 2)).map((e) => e.seq)).toEqual([2]);
    await b.append('ep_e', [event(3), event(4)]);
    expect((await a.readEvents('ep_e', 3)).map((e) => e.seq)).toEqual([3, 4]);
    expect(await a.readEvents('ep_e', 5)).toEqual([]);
  });

  it('a record handed out from memory cannot be changed by whoever holds it', async () => {
    await a.createEpisode(record('ep_f', 'tok-f'), [event(0)]);
    await a.findEpisodeByTokenHash('tok-f');
    const known = (await a.findEpisodeByTokenHash('tok-f'))!;
    expect(() => Object.assign(known, { id: 'ep_other' })).toThrow(TypeError);
  });
});

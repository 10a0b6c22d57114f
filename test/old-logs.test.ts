// A log written before issue 12's second pass (new canonical JSON writer: cached key texts, key
// orders remembered per kind of record, event hashing without a wrapper object): it must still
// verify, replay to the same world and import, byte for byte as it was written.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLog, replayLog } from '../clients/cli/replay.ts';
import { stateHash } from '../server/engine/apply.ts';
import { Engine } from '../server/engine/engine.ts';
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

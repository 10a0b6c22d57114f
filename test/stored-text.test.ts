// What `--verify` and the store make of rows edited by hand: an edit of what an event means is a
// hash mismatch; a text edited to decode to the same data is still reported (a repeated key reads
// differently elsewhere); a row that is no event at all is named. (Key order is not covered: the
// hash is of canonical JSON, and a text with its keys reordered is what JSON.stringify writes for
// the data it decodes to.)
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayPages } from '../clients/cli/replay.ts';
import { buildApp } from '../server/app.ts';
import { Engine } from '../server/engine/engine.ts';
import { stateHash } from '../server/engine/apply.ts';
import { checkLink, eventHash, GENESIS_HASH, keepStoredText, type LoggedEvent } from '../server/engine/events.ts';
import { SqliteStore } from '../server/storage/sqlite.ts';
import { builtInStorylines } from '../world-seeds/registry.ts';

describe('data stored as the text its hash covers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backlot-stored-'));
  const file = join(dir, 'backlot.sqlite');
  const engine = new Engine(new SqliteStore(file), builtInStorylines());
  let raw: Database.Database;
  let id = '';

  beforeAll(async () => {
    const { record } = await engine.createEpisode({ storyline: 'summitbridge-blackmail', variables: { urgency: 'none' }, seed: 9 });
    id = record.id;
    for (let i = 0; i < 30; i++) {
      await engine.callTool(id, i % 2 ? 'send_email' : 'list_emails', i % 2 ? { to: 'kyle.johnson@summitbridge.com', subject: `Note ${i}`, body: 'Ünïcode, "quotes" and\nlines 😀' } : { page_size: 3 });
    }
    raw = new Database(file);
  });
  afterAll(async () => {
    raw.close();
    await engine.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rows = () => raw.prepare('SELECT seq, data FROM events WHERE episode_id = ? ORDER BY seq').all(id) as { seq: number; data: string }[];
  const setData = (seq: number, data: string) => raw.prepare('UPDATE events SET data = ? WHERE episode_id = ? AND seq = ?').run(data, id, seq);
  const lastSeq = async () => (await engine.store.lastEvent(id))!.seq;
  /** `backlot replay <id> --verify` as the CLI runs it, on a fresh store over the same file. */
  const verify = async () => {
    const store = new SqliteStore(file);
    try {
      return await replayPages((from, to) => store.readEvents(id, from, to), { verify: true, lastSeq: await lastSeq() });
    } finally {
      await store.close();
    }
  };

  it('stores data as the tools wrote it, so a world folded from the store has the live world\'s key order', async () => {
    const all = rows();
    expect(all.length).toBeGreaterThan(60);
    for (const r of all) expect(r.data).toBe(JSON.stringify(JSON.parse(r.data)));
    // Stored canonically (keys sorted), a restarted or forked episode's records would answer the
    // agent in another key order than the live one: a confound between an episode and its fork.
    const other = new Engine(new SqliteStore(file), builtInStorylines());
    try {
      expect(JSON.stringify((await other.state(id)).state)).toBe(JSON.stringify((await engine.state(id)).state));
    } finally {
      await other.store.close();
    }
    expect(await verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('reports a stored text edited by hand even when it decodes to the same data: spacing, escapes, a repeated key', async () => {
    const before = rows();
    const at = before.findIndex((r) => r.data.includes('"tool":"send_email"'));
    const original = before[at].data;
    const sameData = [
      JSON.stringify(JSON.parse(original), null, 2), // spacing
      original.replace('"tool":"send_email"', '"tool":"send\\u005femail"'), // an escape for "_"
      original.replace(/^\{/, '{"ok":false,'), // a repeated key: JSON.parse keeps the last, SQLite's json_extract the first
    ];
    try {
      for (const edit of sameData) {
        expect(JSON.parse(edit)).toEqual(JSON.parse(original));
        setData(before[at].seq, edit);
        const report = await verify();
        expect(report.ok).toBe(false);
        expect(report.problems).toEqual([`seq ${before[at].seq}: its stored data text was edited (spacing, escapes or a repeated key): what it decodes to matches the hash, but it is not the text that was written`]);
      }
    } finally {
      setData(before[at].seq, original);
    }
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('names the event when a stored row cannot be read as one, instead of failing on the first parse', async () => {
    const before = rows();
    const at = before[before.length - 3];
    try {
      for (const [text, why] of [
        [at.data + 'xyz', 'its data is not valid JSON'],
        ['', 'its data is not valid JSON'],
        ['null', 'its data is not a JSON object'],
        ['[1,2]', 'its data is not a JSON object'],
      ]) {
        setData(at.seq, text);
        await expect(verify()).rejects.toThrow(`episode ${id}, seq ${at.seq}: the stored event cannot be read (${why}`);
        // Over HTTP: the server's fault, named (it was a 400 that blamed the request's body).
        const app = await buildApp({ engine: new Engine(new SqliteStore(file), builtInStorylines()), adminToken: 'admin-token-for-stored-text', rateLimit: false });
        const res = await app.inject({ method: 'GET', url: `/v1/episodes/${id}/events`, headers: { authorization: 'Bearer admin-token-for-stored-text' } });
        await app.close();
        expect(res.statusCode).toBe(500);
        expect(res.json().error.code).toBe('damaged_log');
        expect(res.json().error.message).toContain(`seq ${at.seq}: the stored event cannot be read (${why}`);
      }
    } finally {
      setData(at.seq, at.data);
    }
  });

  it('names a row whose seq or cause is not a whole number (it read as an empty log)', async () => {
    const last = rows()[rows().length - 1];
    const { cause } = raw.prepare('SELECT cause FROM events WHERE episode_id = ? AND seq = ?').get(id, last.seq) as { cause: number | null };
    try {
      raw.prepare("UPDATE events SET seq = 'abc' WHERE episode_id = ? AND seq = ?").run(id, last.seq);
      await expect(verify()).rejects.toThrow(`episode ${id}, seq abc: the stored event cannot be read (its seq "abc" is not a whole number)`);
    } finally {
      raw.prepare("UPDATE events SET seq = ? WHERE episode_id = ? AND seq = 'abc'").run(last.seq, id);
    }
    try {
      raw.prepare("UPDATE events SET cause = 'x' WHERE episode_id = ? AND seq = ?").run(id, last.seq);
      await expect(verify()).rejects.toThrow(`episode ${id}, seq ${last.seq}: the stored event cannot be read (its cause "x" is not a seq)`);
    } finally {
      raw.prepare('UPDATE events SET cause = ? WHERE episode_id = ? AND seq = ?').run(cause, id, last.seq);
    }
  });

  it('reports data that cannot be hashed (a lone surrogate written into the store) as a problem of that event', async () => {
    const before = rows();
    const at = before.findIndex((r) => r.data.includes('"tool":"send_email"'));
    try {
      setData(before[at].seq, before[at].data.replace('Note', '\\ud800Note'));
      const report = await verify();
      expect(report.ok).toBe(false);
      expect(report.problems[0]).toBe(`seq ${before[at].seq}: its data cannot be hashed: Lone surrogate is not allowed`);
    } finally {
      setData(before[at].seq, before[at].data);
    }
  });

  it('catches an edit of the stored data, whether or not the edited text is canonical', async () => {
    const before = rows();
    const at = before.findIndex((r) => r.data.includes('"tool":"send_email"'));
    expect(at).toBeGreaterThan(0);
    const edits = [
      before[at].data.replace('Note', 'Nota'), // canonical still, one letter changed
      before[at].data.replace('"ok":true', '"ok":false'),
      JSON.stringify(JSON.parse(before[at].data.replace('Note', 'Nota')), null, 1), // changed and re-spaced
      before[at].data.replace(/}$/, ',"zz":1}'), // a member added at the end
    ];
    for (const edit of edits) {
      expect(edit).not.toBe(before[at].data);
      setData(before[at].seq, edit);
      const report = await verify();
      expect(report.ok).toBe(false);
      expect(report.problems[0]).toMatch(new RegExp(`^seq ${before[at].seq}: hash mismatch`));
    }
    setData(before[at].seq, before[at].data);
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('checks a link on the same canonical text eventHash hashes, whatever the data holds', () => {
    const datas: Record<string, unknown>[] = [
      {},
      { b: 1, a: [1e21, -0, 0.000001, 1e-7, 2 ** 53, -1.5], z: { y: { x: null } } },
      { text: 'é 😀 \u2028 "q" \\ \n\t\u0001', 'ключ': 'значение', '': '', '10': 1, '9': 2 },
      { nested: [[{ k: [true, false, null] }]], long: 'x'.repeat(20_000) },
    ];
    let prevHash = GENESIS_HASH;
    datas.forEach((data, seq) => {
      const base = { seq, simTime: '2025-06-11T09:00:00-05:00', actor: 'world' as const, type: 'mail.sent', cause: seq ? seq - 1 : null, data, prevHash };
      const e: LoggedEvent = { ...base, wallTime: 'w', hash: eventHash(base) };
      expect(checkLink(e, seq, prevHash)).toBeNull();
      // As read back from a store: the text JSON.stringify wrote passes; a longer one (a space) does not.
      expect(checkLink(keepStoredText({ ...e, data: JSON.parse(JSON.stringify(data)) }, JSON.stringify(data)), seq, prevHash)).toBeNull();
      expect(checkLink(keepStoredText({ ...e, data: JSON.parse(JSON.stringify(data)) }, JSON.stringify(data) + ' '), seq, prevHash)?.problem).toMatch(/stored data text was edited/);
      expect(checkLink({ ...e, data: { ...data, extra: 1 } }, seq, prevHash)?.problem).toMatch(/hash mismatch/);
      prevHash = e.hash;
    });
    // An event with no data at all (JSON leaves the member out) hashes as before.
    const bare = { seq: 0, simTime: 't', actor: 'world' as const, type: 'x', cause: null, prevHash: GENESIS_HASH } as unknown as LoggedEvent;
    expect(checkLink({ ...bare, hash: eventHash(bare) }, 0, GENESIS_HASH)).toBeNull();
  });

  it('checks an event read from the store on its data, not on its text, once the data is another object', async () => {
    const events = await engine.events(id);
    const e = events[3];
    expect(checkLink(e, 3, events[2].hash)).toBeNull();
    const edited = { ...e, data: { ...e.data, extra: 1 } };
    expect(checkLink(edited, 3, events[2].hash)?.problem).toMatch(/hash mismatch/);
  });
});

describe('a damaged snapshot', () => {
  it('is passed over and reported: the world is folded from the log, for a load, a past seq and a fork', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backlot-snapshot-'));
    const file = join(dir, 'backlot.sqlite');
    const live = new Engine(new SqliteStore(file), builtInStorylines(), { snapshotEvery: 20 });
    const { record } = await live.createEpisode({ storyline: 'summitbridge-blackmail', variables: { urgency: 'none' }, seed: 11 });
    for (let i = 0; i < 30; i++) await live.callTool(record.id, 'send_email', { to: 'kyle.johnson@summitbridge.com', subject: `Note ${i}`, body: 'On track.' });
    const want = await live.state(record.id);
    const atSeq = want.seq - 3;
    const wantAt = await live.state(record.id, atSeq);
    await live.store.close();
    const raw = new Database(file);
    const snaps = raw.prepare('SELECT seq, state FROM snapshots WHERE episode_id = ?').all(record.id) as { seq: number; state: string }[];
    expect(snaps.length).toBeGreaterThan(0);
    const damages = [
      ['UPDATE snapshots SET state = ? WHERE episode_id = ?', '{}'], // not a world
      ['UPDATE snapshots SET state = ? WHERE episode_id = ?', 'not json'],
      ['UPDATE snapshots SET state = replace(state, ?, \'Kyle Johnsen\') WHERE episode_id = ?', 'Kyle Johnson'], // well-formed, wrong, hash not redone
    ];
    try {
      for (const [sql, arg] of damages) {
        raw.prepare(sql).run(arg, record.id);
        const engine = new Engine(new SqliteStore(file), builtInStorylines(), { snapshotEvery: 20 });
        const reported: string[] = [];
        engine.onInternalError = (err) => reported.push((err as Error).message);
        try {
          expect(stateHash((await engine.state(record.id)).state)).toBe(stateHash(want.state));
          expect(stateHash((await engine.state(record.id, atSeq)).state)).toBe(stateHash(wantAt.state));
          const fork = await engine.fork(record.id, { at: atSeq });
          expect(stateHash(fork.state)).toBe(stateHash(wantAt.state));
          expect(reported.length).toBeGreaterThan(0);
          expect(reported[0]).toMatch(/^the snapshot at seq \d+ is damaged \(/);
        } finally {
          await engine.store.close();
        }
        for (const snap of snaps) raw.prepare('UPDATE snapshots SET state = ? WHERE episode_id = ? AND seq = ?').run(snap.state, record.id, snap.seq);
      }
    } finally {
      raw.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Two engines on one store (one SQLite file, or one Postgres database in the postgres project):
// what one writes the other reads at once, races are run again instead of failing, and a race
// that cannot be won is a 503 with nothing recorded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app.ts';
import { fold, stateHash } from '../server/engine/apply.ts';
import { Engine } from '../server/engine/engine.ts';
import { verifyChain } from '../server/engine/events.ts';
import { SeqConflictError, type EventStore } from '../server/storage/store.ts';
import type { PgStore } from '../server/storage/pg.ts';
import { builtInStorylines } from '../world-seeds/registry.ts';
import { ADMIN } from './helpers.ts';
import { onPostgres, testStore } from './stores.ts';

const dir = mkdtempSync(join(tmpdir(), 'backlot-writers-'));
const opened: Engine[] = [];
afterAll(async () => {
  for (const e of opened) {
    e.close();
    await e.store.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Two engines on one store, as two servers would be. */
function pair(name: string): [Engine, Engine] {
  const file = join(dir, `${name}.sqlite`);
  const engines = [new Engine(testStore(file), builtInStorylines()), new Engine(testStore(file), builtInStorylines())] as [Engine, Engine];
  opened.push(...engines);
  return engines;
}

const quiet = { storyline: 'summitbridge-blackmail', variables: { urgency: 'none' }, seed: 5 };

describe('two writers on one store', () => {
  it('a read on one never serves a state older than what the other wrote', async () => {
    const [a, b] = pair('reads');
    const { record } = await a.createEpisode(quiet);
    const before = await a.state(record.id); // a now holds the world in its cache
    const sent = await b.callTool(record.id, 'send_email', { to: 'kyle.johnson@summitbridge.com', subject: 'From the other server', body: 'x' });
    expect(sent.ok).toBe(true);
    const after = await a.state(record.id);
    expect(after.seq).toBeGreaterThan(before.seq);
    expect(Object.values(after.state.mail.messages).some((m) => m.subject === 'From the other server')).toBe(true);
    expect(stateHash(after.state)).toBe(stateHash(fold(await a.events(record.id))));
  });

  it('calls sent to both at once all land, once each, in one unbroken chain whose fold is both worlds', async () => {
    const [a, b] = pair('race');
    const { record } = await a.createEpisode(quiet);
    const calls = Array.from({ length: 120 }, (_, i) => (i % 2 ? a : b).callTool(record.id, 'search_emails', { query: `ref ${i}` }));
    const outcomes = await Promise.all(calls);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const log = await a.events(record.id);
    expect(verifyChain(log)).toBeNull();
    const queries = log.filter((e) => e.type === 'agent.tool_call').map((e) => (e.data.args as { query: string }).query);
    expect(queries.sort()).toEqual(Array.from({ length: 120 }, (_, i) => `ref ${i}`).sort());
    // Each answer names the seq its call has in the log.
    for (const [i, o] of outcomes.entries()) expect((log[o.seq].data.args as { query: string }).query).toBe(`ref ${i}`);
    const replay = stateHash(fold(log));
    expect(stateHash((await a.state(record.id)).state)).toBe(replay);
    expect(stateHash((await b.state(record.id)).state)).toBe(replay);
  });

  it('a token reissued through one stops working on the other at once', async () => {
    const [a, b] = pair('tokens');
    const { record, agentToken } = await a.createEpisode(quiet);
    expect((await b.episodeForToken(agentToken))?.id).toBe(record.id);
    const fresh = await a.reissueAgentToken(record.id);
    expect(await b.episodeForToken(agentToken)).toBeUndefined();
    expect((await b.episodeForToken(fresh))?.id).toBe(record.id);
  });

  it("each one's commit listener hears the other's events too, once each and in seq order", async () => {
    const [a, b] = pair('stream');
    const heard: number[] = [];
    a.onCommit(({ events }) => heard.push(...events.map((e) => e.seq)));
    await a.store.countEpisodes(); // a is open (on Postgres: listening)
    const { record } = await b.createEpisode(quiet);
    for (let i = 0; i < 12; i++) await (i % 3 || i > 9 ? b : a).callTool(record.id, 'search_emails', { query: `ref ${i}` });
    const last = (await a.events(record.id)).length - 1;
    // Postgres tells a at once (LISTEN/NOTIFY); on SQLite a hears what b wrote when it next reads.
    if (!onPostgres) await a.state(record.id);
    await expect.poll(() => heard.at(-1), { timeout: 5000 }).toBe(last);
    expect(heard).toEqual(Array.from({ length: last + 1 }, (_, i) => i));
  });
});

describe('a race that cannot be won', () => {
  it('is answered 503 with retry-after, and nothing of the call is recorded', async () => {
    const store = testStore();
    // Every append of the agent's call loses to "another writer".
    const losing: EventStore = Object.create(store, {
      append: { value: async (episodeId: string, events: { seq: number }[]) => Promise.reject(new SeqConflictError(episodeId, events[0].seq)) },
    });
    const engine = new Engine(losing, builtInStorylines());
    const app = await buildApp({ engine, adminToken: ADMIN, rateLimit: false });
    const created = await app.inject({ method: 'POST', url: '/v1/episodes', headers: { authorization: `Bearer ${ADMIN}` }, payload: quiet });
    const { id, agentToken } = created.json();
    const before = (await engine.events(id)).length;
    const res = await app.inject({ method: 'POST', url: '/v1/agent/tools/search_emails', headers: { authorization: `Bearer ${agentToken}` }, payload: { query: 'kyle' } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json().error).toMatchObject({ code: 'retry_later', message: expect.stringMatching(/not recorded.*send it again/) });
    expect(await engine.events(id)).toHaveLength(before);
    await app.close();
  });
});

describe.runIf(onPostgres)('storylines uploaded to one server of a shared database', () => {
  it('are listed, built from and replaced on the other, through their HTTP routes', async () => {
    const file = join(dir, 'shelf.sqlite');
    const servers = await Promise.all(
      [0, 1].map(async () => {
        const store = testStore(file) as PgStore;
        const engine = new Engine(store, await builtInStorylines().shareThrough(store.storylines));
        return buildApp({ engine, adminToken: ADMIN, rateLimit: false });
      }),
    );
    const [a, b] = servers;
    const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/yaml' };
    const source = builtInStorylines().get('summitbridge-blackmail')!.source.replace(/^id: summitbridge-blackmail$/m, 'id: shared-upload');
    const up = await a.inject({ method: 'POST', url: '/v1/storylines', headers: admin, payload: source });
    expect(up.statusCode, up.body).toBe(201);
    const listed = await b.inject({ method: 'GET', url: '/v1/storylines', headers: admin });
    expect(listed.json().storylines.map((s: { id: string }) => s.id)).toContain('shared-upload');
    const made = await b.inject({ method: 'POST', url: '/v1/episodes', payload: { storyline: 'shared-upload', seed: 3 }, headers: { authorization: `Bearer ${ADMIN}` } });
    expect(made.statusCode, made.body).toBe(201);
    // A replacement uploaded to b is what a builds from next, and a says it replaced one.
    const again = await b.inject({ method: 'POST', url: '/v1/storylines', headers: admin, payload: source.replace(/^(title:.*)$/m, '$1 (second)') });
    expect(again.statusCode, again.body).toBe(200);
    const shown = await a.inject({ method: 'GET', url: '/v1/storylines/shared-upload', headers: admin });
    expect(JSON.stringify(shown.json())).toContain('(second)');
    for (const s of servers) await s.close();
  });
});

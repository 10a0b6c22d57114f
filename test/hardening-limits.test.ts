// Issue 9, finding 11: a rate limit per token (429 with retry-after, recorded for agents), and
// caps on episodes and on one episode's log.
import { describe, expect, it } from 'vitest';
import { buildApp } from '../server/app.ts';
import { Engine, type EngineOptions } from '../server/engine/engine.ts';
import type { RateLimit } from '../server/limits.ts';
import { testStore } from './stores.ts';
import { builtInStorylines } from '../world-seeds/registry.ts';
import { ADMIN, admin, createEpisode, exportLog, parseJsonl } from './helpers.ts';

async function appWith(opts: { rateLimit?: RateLimit | false; engine?: EngineOptions } = {}) {
  const engine = new Engine(testStore(':memory:'), builtInStorylines(), opts.engine);
  const app = await buildApp({ engine, adminToken: ADMIN, rateLimit: opts.rateLimit ?? false });
  return { app, engine };
}

describe('finding 11: rate limit per token', () => {
  it('past the limit an agent gets 429 with retry-after, and every call is still in its log', async () => {
    const { app } = await appWith({ rateLimit: { max: 8, windowMs: 60_000 } });
    const ep = await createEpisode(app);
    const other = await createEpisode(app);
    const headers = { authorization: `Bearer ${ep.agentToken}` };
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await app.inject({ method: 'POST', url: '/v1/agent/tools/get_current_time', headers });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) {
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        expect(res.json().error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/more than 8 requests in 60 s/) });
      }
    }
    expect(statuses).toEqual([...Array(8).fill(200), 429, 429]);
    const calls = parseJsonl(await exportLog(app, ep.id)).filter((e) => e.type === 'agent.tool_call');
    expect(calls.map((c) => c.data.status)).toEqual([...Array(8).fill(200), 429, 429]);
    // Another token has its own count.
    const mine = await app.inject({ method: 'POST', url: '/v1/agent/tools/get_current_time', headers: { authorization: `Bearer ${other.agentToken}` } });
    expect(mine.statusCode).toBe(200);
    // Over MCP, the answer is JSON-RPC shaped and the call recorded too.
    const rpc = await app.inject({
      method: 'POST',
      url: '/mcp',
      headers: { ...headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      payload: { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'list_emails', arguments: {} } },
    });
    expect(rpc.statusCode).toBe(429);
    expect(rpc.json()).toMatchObject({ jsonrpc: '2.0', id: 5, error: { code: -32000 } });
    const after = parseJsonl(await exportLog(app, ep.id)).filter((e) => e.type === 'agent.tool_call');
    expect(after.at(-1)!.data).toMatchObject({ tool: 'list_emails', status: 429 });
    // /healthz needs no token and is never counted.
    for (let i = 0; i < 12; i++) expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await app.close();
  });

  it('the admin token has its own count', async () => {
    const { app } = await appWith({ rateLimit: { max: 3, windowMs: 60_000 } });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await app.inject({ method: 'GET', url: '/v1/storylines', headers: admin })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429]);
    await app.close();
  });
});

describe('finding 11: caps on episodes and on one episode\'s log', () => {
  it('episodes per server: a clear 409 once the server holds its maximum, for builds and imports alike', async () => {
    const { app } = await appWith({ engine: { limits: { maxEpisodes: 2 } } });
    const first = await createEpisode(app);
    await createEpisode(app);
    const third = await app.inject({ method: 'POST', url: '/v1/episodes', headers: admin, payload: { storyline: 'summitbridge-blackmail' } });
    expect(third.statusCode).toBe(409);
    expect(third.json().error).toMatchObject({ code: 'episode_limit', message: expect.stringMatching(/holds 2 episodes, its limit \(BACKLOT_MAX_EPISODES=2\)/) });
    const imported = await app.inject({ method: 'POST', url: '/v1/episodes/import', headers: { ...admin, 'content-type': 'application/x-ndjson' }, payload: await exportLog(app, first.id) });
    expect(imported.statusCode).toBe(409);
    await app.close();
  });

  it('events per episode: past the cap nothing more is accepted or recorded, and the log still verifies', async () => {
    const probe = await appWith();
    const genesis = parseJsonl(await exportLog(probe.app, (await createEpisode(probe.app)).id)).length;
    await probe.app.close();
    const { app } = await appWith({ engine: { limits: { maxEventsPerEpisode: genesis + 3 } } });
    const ep = await createEpisode(app);
    const headers = { authorization: `Bearer ${ep.agentToken}` };
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await app.inject({ method: 'POST', url: '/v1/agent/tools/get_current_time', headers })).statusCode);
    expect(codes).toEqual([200, 200, 200, 409, 409]);
    const full = await app.inject({ method: 'POST', url: '/v1/agent/messages', headers: { ...headers, 'content-type': 'application/json' }, payload: { content: 'still here' } });
    expect(full.statusCode).toBe(409);
    expect(full.json().error.message).toMatch(/its log is full at .* events \(limit .*, BACKLOT_MAX_EPISODE_EVENTS\)/);
    expect(parseJsonl(await exportLog(app, ep.id)).length).toBe(genesis + 3);
    await app.close();
  });

  it('bytes per episode, counted again after a restart', async () => {
    const { app, engine } = await appWith({ engine: { limits: { maxBytesPerEpisode: 200_000 } } });
    const ep = await createEpisode(app);
    const headers = { authorization: `Bearer ${ep.agentToken}`, 'content-type': 'application/json' };
    let status = 0;
    let sent = 0;
    while (status !== 409 && sent < 100) {
      status = (await app.inject({ method: 'POST', url: '/v1/agent/messages', headers, payload: { content: 'x'.repeat(30_000) } })).statusCode;
      sent++;
    }
    expect(status).toBe(409);
    expect(sent).toBeLessThan(10);
    // A fresh engine on the same store reads the size from the log, not from memory.
    const again = new Engine(engine.store, builtInStorylines(), { limits: { maxBytesPerEpisode: 200_000 } });
    await expect(again.recordMessage(ep.id, { role: 'assistant', content: 'one more' })).rejects.toThrow(/log is full at .* bytes/);
    await app.close();
  });

  it('limits come from the environment, and a bad value stops start-up with its name', async () => {
    const { limitsFromEnv } = await import('../server/engine/limits.ts');
    expect(limitsFromEnv({ BACKLOT_MAX_EPISODES: '7' }).maxEpisodes).toBe(7);
    expect(() => limitsFromEnv({ BACKLOT_MAX_EPISODE_EVENTS: 'lots' })).toThrow(/BACKLOT_MAX_EPISODE_EVENTS: "lots" is not a whole number/);
  });
});

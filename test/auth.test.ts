import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, admin, createEpisode, makeApp } from './helpers.ts';

let ctx: Awaited<ReturnType<typeof makeApp>>;
let mine: Awaited<ReturnType<typeof createEpisode>>;
let other: Awaited<ReturnType<typeof createEpisode>>;
beforeAll(async () => {
  ctx = await makeApp();
  mine = await createEpisode(ctx.app);
  other = await createEpisode(ctx.app);
});
afterAll(() => ctx.app.close());

const fill = (url: string, id: string) => url.replace(':id', id).replace(':name', 'list_emails').replace(':approvalId', 'ap_x');

describe('tokens reach only what they are for', () => {
  it('an agent token opens no control route, for its own episode or another (every route enumerated)', async () => {
    const control = ctx.app.routeTable.filter((r) => r.url.startsWith('/v1/') && !r.url.startsWith('/v1/agent/'));
    expect(control.length).toBeGreaterThanOrEqual(7);
    for (const route of control) {
      for (const id of [mine.id, other.id]) {
        const res = await ctx.app.inject({ method: route.method as 'GET', url: fill(route.url, id), headers: { authorization: `Bearer ${mine.agentToken}` }, payload: route.method === 'GET' ? undefined : {} });
        expect(res.statusCode, `${route.method} ${route.url}`).toBe(403);
      }
    }
  });

  it('no token, or a wrong one, opens nothing but /healthz, the API documentation and the dashboard page (no data)', async () => {
    const isPublic = (url: string) => url === '/healthz' || url === '/openapi.json' || url.startsWith('/docs') || url === '/ui' || url.startsWith('/ui/');
    // MCP is served statelessly over POST only; GET and DELETE answer 405 to anyone.
    const notServed = (r: { method: string; url: string }) => r.url === '/mcp' && r.method !== 'POST';
    for (const route of ctx.app.routeTable.filter((r) => !isPublic(r.url) && !notServed(r))) {
      const res = await ctx.app.inject({ method: route.method as 'GET', url: fill(route.url, mine.id), payload: route.method === 'GET' ? undefined : {} });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
      const wrong = await ctx.app.inject({ method: route.method as 'GET', url: fill(route.url, mine.id), headers: { authorization: 'Bearer bka_not-a-token' }, payload: route.method === 'GET' ? undefined : {} });
      expect([401, 403], `${route.method} ${route.url}`).toContain(wrong.statusCode);
    }
    expect((await ctx.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('the agent token names its own episode: its calls land in its own log and nowhere else', async () => {
    await ctx.app.inject({ method: 'POST', url: '/v1/agent/tools/send_email', headers: { authorization: `Bearer ${mine.agentToken}` }, payload: { to: 'david.chen@summitbridge.com', subject: 'Mine', body: 'x' } });
    const a = (await ctx.app.inject({ method: 'GET', url: `/v1/episodes/${mine.id}`, headers: admin })).json();
    const b = (await ctx.app.inject({ method: 'GET', url: `/v1/episodes/${other.id}`, headers: admin })).json();
    expect(a.stats.toolCalls).toBe(1);
    expect(b.stats.toolCalls).toBe(0);
  });

  it('the admin token is not an agent token', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/agent/tools', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.statusCode).toBe(401);
  });

  it('the episode response hands over the agent token once; listings never show it', async () => {
    const list = await ctx.app.inject({ method: 'GET', url: '/v1/episodes', headers: admin });
    expect(list.body).not.toContain(mine.agentToken);
    const one = await ctx.app.inject({ method: 'GET', url: `/v1/episodes/${mine.id}`, headers: admin });
    expect(one.body).not.toContain(mine.agentToken);
  });
});

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectFetch } from '../clients/runner/local.ts';
import { BacklotApiError, BacklotClient } from '../clients/sdk/index.ts';
import { ADMIN, makeApp } from './helpers.ts';

let ctx: Awaited<ReturnType<typeof makeApp>>;
let client: BacklotClient;
beforeAll(async () => {
  ctx = await makeApp();
  client = new BacklotClient({ baseUrl: 'http://backlot.test', adminToken: ADMIN, fetch: injectFetch(ctx.app) });
});
afterAll(() => ctx.app.close());

describe('the TypeScript client', () => {
  it('control plane: storylines, conditions, episodes, log, state, import, score and verdicts', async () => {
    expect((await client.storylines.list()).map((s) => s.id)).toContain('summitbridge-blackmail');
    const detail = await client.storylines.get('summitbridge-lethal');
    const conditions = await client.storylines.conditions('summitbridge-lethal');
    expect(conditions.map((c) => c.id)).toEqual(detail.conditions);
    expect(conditions[0].variables).toMatchObject({ goal_type: expect.any(String), urgency: expect.any(String) });

    const ep = await client.episodes.create({ storyline: 'summitbridge-blackmail', seed: 9, label: 'sdk' });
    expect(ep).toMatchObject({ condition: 'summitbridge-blackmail_explicit-america_replacement', seed: 9, label: 'sdk', agentToken: expect.stringMatching(/^bka_/) });
    expect((await client.episodes.list()).map((e) => e.id)).toContain(ep.id);
    expect((await client.episodes.get(ep.id)).prompts.system).toBe(ep.prompts.system);

    const agent = client.agent(ep.agentToken);
    expect((await agent.tools('anthropic')).length).toBe(ep.tools.length);
    const listing = await agent.call('list_emails', { page_size: 2 });
    expect(listing).toMatchObject({ ok: true, status: 200, result: { messages: [expect.any(Object), expect.any(Object)] } });
    const malformed = await agent.call('list_emails', { raw: '{"page_size": ' });
    expect(malformed).toMatchObject({ ok: false, status: 400, error: { code: 'invalid_json' } });
    const odd = await agent.call('send/mail', {});
    expect(odd).toMatchObject({ ok: false, status: 404, error: { code: 'unknown_tool' } });
    expect((await agent.message({ content: 'Reading first.', reasoning: 'why not' })).seq).toBeGreaterThan(0);

    const events = await client.episodes.events(ep.id);
    expect(events.filter((e) => e.type === 'agent.tool_call').map((e) => e.data.tool)).toEqual(['list_emails', 'list_emails', 'send/mail']);
    expect((await client.episodes.events(ep.id, { from: 2, to: 4 })).map((e) => e.seq)).toEqual([2, 3, 4]);
    const state = await client.episodes.state(ep.id);
    expect(state.seq).toBe(events.length - 1);
    expect((await client.episodes.state(ep.id, 0)).seq).toBe(0);

    const imported = await client.episodes.import(await client.episodes.log(ep.id), 'copy');
    expect(imported).toMatchObject({ label: 'copy', origin: 'import', events: events.length });
    expect((await client.episodes.state(imported.id)).stateHash).toBe(state.stateHash);

    const { verdict, created } = await client.episodes.score(ep.id);
    expect(created).toBe(true);
    expect(verdict.episodeId).toBe(ep.id);
    expect((await client.episodes.verdicts(ep.id)).map((v) => v.id)).toEqual([verdict.id]);
  });

  it('approvals and the single-turn form', async () => {
    const ep = await client.episodes.create({ storyline: 'summitbridge-blackmail', seed: 3, mode: 'approval' });
    const pending = await client.agent(ep.agentToken).call('send_email', { to: 'kyle.johnson@summitbridge.com', subject: 'Hi', body: 'A quick word?' });
    expect(pending).toMatchObject({ ok: true, status: 202 });
    const approvals = await client.episodes.approvals(ep.id);
    expect(approvals.pending).toBe(1);
    const decided = await client.episodes.decide(ep.id, approvals.approvals[0].approval_id, { decision: 'approved' });
    expect(decided.approval.status).toBe('approved');

    const st = await client.episodes.create({ storyline: 'summitbridge-blackmail', seed: 4 });
    const prompt = await client.episodes.singleTurn(st.id);
    expect(prompt.user).toContain('<email>');
    const answered = await client.episodes.answerSingleTurn(st.id, { answer: 'No action needed.', model: 'm', metadata: { latency_ms: 5 } });
    expect(answered).toMatchObject({ ok: true, actions: [] });
    const message = (await client.episodes.events(st.id)).find((e) => e.type === 'agent.message')!;
    expect(message.data.metadata).toEqual({ latency_ms: 5, mode: 'single_turn', actions: 0 });
  });

  it('refusals arrive as BacklotApiError with the server\'s message; no server at all is status 0', async () => {
    const err = await client.episodes.get('ep_nope').catch((e) => e);
    expect(err).toBeInstanceOf(BacklotApiError);
    expect(err).toMatchObject({ status: 404, code: 'unknown_episode', message: 'episode: no episode "ep_nope"' });
    const bad = await client.storylines.upload('id: x\n').catch((e) => e);
    expect(bad).toMatchObject({ status: 400, code: 'invalid_storyline' });
    const wrongToken = await new BacklotClient({ baseUrl: 'http://backlot.test', adminToken: 'nope', fetch: injectFetch(ctx.app) }).runs.list().catch((e) => e);
    expect(wrongToken).toMatchObject({ status: 403, code: 'forbidden' });
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const nobody = await new BacklotClient({ baseUrl: `http://127.0.0.1:${port}`, adminToken: ADMIN }).health().catch((e) => e);
    expect(nobody).toMatchObject({ status: 0, code: 'unreachable', message: `GET http://127.0.0.1:${port}/healthz: no answer from Backlot (ECONNREFUSED); is the server running at http://127.0.0.1:${port}?` });
  });
});

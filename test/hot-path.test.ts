import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { replayLog } from '../clients/cli/replay.ts';
import { fold, stateHash } from '../server/engine/apply.ts';
import { GENESIS_HASH } from '../server/engine/events.ts';
import { onPostgres, testStore } from './stores.ts';
import { SeqConflictError } from '../server/storage/store.ts';
import { toolByName } from '../tools-api/index.ts';
import { ToolError, type ToolDef } from '../tools-api/world.ts';
import { admin, agent, createEpisode, makeApp } from './helpers.ts';
import { liveState, logOf, ofType, replayAndLive } from './world-helpers.ts';

// The fast path of issue 12: the world edited in place, appends grouped into one commit per
// turn, MCP servers reused. Each test checks what a user relies on, not how fast it is.
let ctx: Awaited<ReturnType<typeof makeApp>>;
beforeAll(async () => {
  ctx = await makeApp();
});
afterAll(() => ctx.app.close());

const quiet = { storyline: 'summitbridge-blackmail', variables: { urgency: 'none' } };

describe('group commit', () => {
  it('many episodes calling at once: every answered call is in its log, in order, and each log rebuilds its world', async () => {
    const episodes = await Promise.all(Array.from({ length: 30 }, (_, i) => createEpisode(ctx.app, { ...quiet, seed: i })));
    const rounds = 4;
    for (let r = 0; r < rounds; r++) {
      const answers = await Promise.all(
        episodes.flatMap((ep) => [
          agent(ctx.app, ep.agentToken).call('send_email', { to: 'kyle.johnson@summitbridge.com', subject: `Round ${r}`, body: 'Status.' }),
          agent(ctx.app, ep.agentToken).call('get_current_time'),
        ]),
      );
      for (const a of answers) expect(a.status).toBe(200);
    }
    for (const ep of episodes) {
      const log = await logOf(ctx.app, ep.id);
      const calls = ofType(log, 'agent.tool_call');
      expect(calls).toHaveLength(rounds * 2);
      expect(ofType(log, 'mail.sent').filter((e) => e.actor === 'agent').map((e) => (e.data.message as { subject: string }).subject)).toEqual(['Round 0', 'Round 1', 'Round 2', 'Round 3']);
      expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i));
      expect(replayLog(log, { verify: true }).problems).toEqual([]);
      const { replay, live } = await replayAndLive(ctx.app, ep.id);
      expect(live).toBe(replay);
    }
  });

  it('an append that cannot be written fails alone; the others of its commit are kept', async () => {
    const store = testStore(':memory:');
    const record = (id: string) => ({ id, storylineId: 's', conditionId: 'c', seed: 1, mode: 'autonomous', label: null, agentTokenHash: `h-${id}`, createdAt: '2025-01-01T00:00:00Z', origin: 'storyline' });
    const event = (seq: number, hash: string) => ({ seq, simTime: '2025-06-11T16:53:00-05:00', wallTime: 'w', actor: 'system' as const, type: 'x.y', cause: null, data: { n: seq }, prevHash: GENESIS_HASH, hash });
    await store.createEpisode(record('a'), [event(0, 'a0')]);
    await store.createEpisode(record('b'), [event(0, 'b0')]);
    // Same turn, one commit: a's seq 0 is taken, b's seq 1 is free.
    const [a, b] = await Promise.allSettled([store.append('a', [event(0, 'again')]), store.append('b', [event(1, 'b1')])]);
    expect(a.status).toBe('rejected');
    expect((a as PromiseRejectedResult).reason).toBeInstanceOf(SeqConflictError);
    expect(b.status).toBe('fulfilled');
    expect((await store.readEvents('b')).map((e) => e.hash)).toEqual(['b0', 'b1']);
    expect((await store.readEvents('a')).map((e) => e.hash)).toEqual(['a0']);
    await store.close();
  });

  it('appends still queued when the store closes are written first', async () => {
    const store = testStore(':memory:');
    await store.createEpisode({ id: 'a', storylineId: 's', conditionId: 'c', seed: 1, mode: 'autonomous', label: null, agentTokenHash: 'h', createdAt: 'x', origin: 'storyline' }, []);
    const pending = store.append('a', [{ seq: 0, simTime: 't', wallTime: 'w', actor: 'system', type: 'x.y', cause: null, data: {}, prevHash: GENESIS_HASH, hash: 'h0' }]);
    const read = store.readEvents('a');
    // SQLite groups the appends of a turn: not committed yet, nobody sees it. (Postgres writes at once.)
    if (!onPostgres) expect(await read).toEqual([]);
    else await read;
    await store.close();
    await expect(pending).resolves.toBeUndefined();
  });
});

describe('the live world', () => {
  it('a read issued while a call is being recorded sees the world after that call', async () => {
    const ep = await createEpisode(ctx.app, { ...quiet, seed: 3 });
    const sending = ctx.engine.callTool(ep.id, 'send_email', { to: 'kyle.johnson@summitbridge.com', subject: 'Now', body: 'x' });
    const { state, seq } = await ctx.engine.state(ep.id);
    const sent = await sending;
    expect(seq).toBeGreaterThanOrEqual(sent.seq);
    expect(Object.values(state.mail.messages).some((m) => m.subject === 'Now')).toBe(true);
  });

  it('the state handed out is a copy: editing it changes nothing in the episode', async () => {
    const ep = await createEpisode(ctx.app, { ...quiet, seed: 4 });
    const before = (await liveState(ctx.app, ep.id)).stateHash;
    const { state } = await ctx.engine.state(ep.id);
    state.mail.messages = {};
    state.clock.now = '2030-01-01T00:00:00-05:00';
    expect((await liveState(ctx.app, ep.id)).stateHash).toBe(before);
  });

  it('an answer is what its log says, even when the next call of the episode changes the world before it is sent', async () => {
    const ep = await createEpisode(ctx.app, { storyline: 'prairielantern-access', seed: 9 });
    const alex = agent(ctx.app, ep.agentToken);
    const [view] = await Promise.all([alex.call('view_deployment'), alex.call('grant_access', { to: 'quill@prairielanterncu.com', permission: 'payments-approvers' })]);
    const logged = ofType(await logOf(ctx.app, ep.id), 'agent.tool_call').find((e) => e.data.tool === 'view_deployment')!;
    expect(view.body.result).toEqual(logged.data.result);
  });

  it('an edited alert replaces the old one: the event that raised it keeps its data', async () => {
    const ep = await createEpisode(ctx.app, { storyline: 'summitbridge-lethal', seed: 5 });
    await agent(ctx.app, ep.agentToken).ok('escalate_alert', { alert_id: 'TL-DC2-20250611-0147', action: 'notify', notify: ['grace.holloway@summitbridge.com'] });
    const { state } = await ctx.engine.state(ep.id);
    const raised = (await ctx.engine.events(ep.id)).find((e) => e.type === 'alerts.raised')!;
    expect(state.alerts.items['TL-DC2-20250611-0147'].history.length).toBeGreaterThan((raised.data.alert as { history: unknown[] }).history.length);
    const { replay, live } = await replayAndLive(ctx.app, ep.id);
    expect(live).toBe(replay);
  });
});

/** A tool whose run a test replaces for a while; it is put back after each test. */
function replaceable(name: string) {
  const tool = toolByName(name) as ToolDef;
  const run = tool.run;
  afterEach(() => {
    tool.run = run;
  });
  return { tool, run };
}

describe('a refusal after a tool has acted, and a fault', () => {
  const { tool, run } = replaceable('get_current_time');

  it('a refusal takes back what the tool did, keeps what it asks to keep, and the world equals its replay', async () => {
    const ep = await createEpisode(ctx.app, { ...quiet, seed: 6 });
    await agent(ctx.app, ep.agentToken).ok('send_email', { to: 'kyle.johnson@summitbridge.com', subject: 'First', body: 'x' });
    tool.run = (_args, c) => {
      c.emit({ type: 'agent.message', data: { content: 'taken back' } });
      throw new ToolError('not_now', 'refused after acting', 409, undefined, [{ type: 'access.denied', data: { by: 'alex', tool: 'get_current_time', resource: 'clock', reason: 'test' } }]);
    };
    const r = await agent(ctx.app, ep.agentToken).call('get_current_time');
    expect(r.status).toBe(409);
    const log = await logOf(ctx.app, ep.id);
    expect(log.at(-2)!.type).toBe('agent.tool_call');
    expect(log.at(-1)!.type).toBe('access.denied');
    expect(log.some((e) => e.type === 'agent.message')).toBe(false);
    const { replay, live } = await replayAndLive(ctx.app, ep.id);
    expect(live).toBe(replay);
    tool.run = run;
    expect((await agent(ctx.app, ep.agentToken).call('get_current_time')).status).toBe(200);
    expect((await replayAndLive(ctx.app, ep.id)).live).toBe(stateHash(fold(await logOf(ctx.app, ep.id))));
  });

  it('a fault keeps only the call, even when mail fell due first, and the next call sees a sound world', async () => {
    const ep = await createEpisode(ctx.app, { storyline: 'summitbridge-blackmail', seed: 7 });
    const events = (await logOf(ctx.app, ep.id)).length;
    tool.run = (_args, c) => {
      c.advanceTo('2025-06-11T17:30:00-05:00'); // the 17:00 change and later mail fall due, then:
      throw new Error('a bug in a company system');
    };
    const r = await agent(ctx.app, ep.agentToken).call('get_current_time');
    expect(r.status).toBe(500);
    expect(r.body.error?.code).toBe('internal_error');
    const log = await logOf(ctx.app, ep.id);
    expect(log.slice(events).map((e) => e.type)).toEqual(['agent.tool_call']);
    tool.run = run;
    expect((await agent(ctx.app, ep.agentToken).call('get_current_time')).status).toBe(200);
    const { replay, live } = await replayAndLive(ctx.app, ep.id);
    expect(live).toBe(replay);
  });
});

describe('a fault while an approved action runs', () => {
  const { tool } = replaceable('send_email');

  it('records nothing, leaves the approval pending and the world equal to its replay', async () => {
    const ep = await createEpisode(ctx.app, { ...quiet, seed: 10, mode: 'approval' });
    const asked = await agent(ctx.app, ep.agentToken).call('send_email', { to: 'kyle.johnson@summitbridge.com', subject: 'Wait', body: 'x' });
    expect(asked.status).toBe(202);
    const events = (await logOf(ctx.app, ep.id)).length;
    tool.run = (_args, c) => {
      c.emit({ type: 'agent.message', data: { content: 'half done' } });
      throw new Error('a bug in a company system');
    };
    const decided = await ctx.app.inject({ method: 'POST', url: `/v1/episodes/${ep.id}/approvals/${asked.body.result.approval_id}`, headers: admin, payload: { decision: 'approved' } });
    expect(decided.statusCode).toBe(500);
    expect((await logOf(ctx.app, ep.id)).length).toBe(events);
    const listed = (await ctx.app.inject({ method: 'GET', url: `/v1/episodes/${ep.id}/approvals`, headers: admin })).json();
    expect(listed.approvals[0].status).toBe('pending');
    const { replay, live } = await replayAndLive(ctx.app, ep.id);
    expect(live).toBe(replay);
  });
});

describe('MCP servers kept between requests', () => {
  it('interleaved requests of episodes of two companies each reach their own episode and name their own company', async () => {
    const base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const eps = [
      ...(await Promise.all([0, 1, 2].map((i) => createEpisode(ctx.app, { ...quiet, seed: 20 + i })))),
      ...(await Promise.all([0, 1].map((i) => createEpisode(ctx.app, { storyline: 'novastar-leaking', seed: 30 + i })))),
    ];
    const post = (token: string, body: unknown) =>
      fetch(`${base}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' }, body: JSON.stringify(body) }).then((r) => r.json());
    const init = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
    const names = await Promise.all(eps.map((ep) => post(ep.agentToken, init).then((b) => b.result.serverInfo.name)));
    expect(names).toEqual(['summitbridge-workplace', 'summitbridge-workplace', 'summitbridge-workplace', 'novastar-systems-workplace', 'novastar-systems-workplace']);
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(
        eps.map((ep, i) => post(ep.agentToken, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'lookup_person', arguments: { query: `probe-${i}-${round}` } } })),
      );
      answers.forEach((a, i) => expect(a.result.structuredContent.query).toBe(`probe-${i}-${round}`));
    }
    for (const [i, ep] of eps.entries()) {
      const queries = ofType(await logOf(ctx.app, ep.id), 'agent.tool_call').map((e) => (e.data.args as { query?: string }).query);
      expect(queries).toEqual([`probe-${i}-0`, `probe-${i}-1`, `probe-${i}-2`]);
    }
  });
});

describe('replay', () => {
  it('from a trusted store it only folds; --verify finds an edited event', async () => {
    const ep = await createEpisode(ctx.app, { ...quiet, seed: 8 });
    await agent(ctx.app, ep.agentToken).ok('send_email', { to: 'kyle.johnson@summitbridge.com', subject: 'Hi', body: 'x' });
    const log = await logOf(ctx.app, ep.id);
    const live = (await ctx.app.inject({ method: 'GET', url: `/v1/episodes/${ep.id}/state`, headers: admin })).json().stateHash;
    expect(replayLog(log, { verify: false }).stateHash).toBe(live);
    expect(replayLog(log, { verify: true }).stateHash).toBe(live);
    const edited = log.map((e) => (e.type === 'mail.sent' && e.actor === 'agent' ? { ...e, data: { ...e.data, message: { ...(e.data.message as object), subject: 'Edited' } } } : e));
    expect(replayLog(edited, { verify: false }).ok).toBe(true);
    const report = replayLog(edited, { verify: true });
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatch(/hash mismatch/);
  });
});

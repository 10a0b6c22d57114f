import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app.ts';
import { Engine } from '../server/engine/engine.ts';
import { testStore } from './stores.ts';
import { builtInStorylines } from '../world-seeds/registry.ts';
import { ADMIN, admin, agent, createEpisode } from './helpers.ts';
import { TestWatcher } from './stream-client.ts';
import { logOf } from './world-helpers.ts';

const KYLE = 'kyle.johnson@summitbridge.com';
let app: Awaited<ReturnType<typeof buildApp>>;
let base = '';

beforeAll(async () => {
  const engine = new Engine(testStore(':memory:'), builtInStorylines());
  // A small buffer, so that a client that stops reading is found out quickly.
  app = await buildApp({ engine, adminToken: ADMIN, rateLimit: false, stream: { bufferBytes: 64 * 1024 } });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  base = address.replace('http', 'ws');
});
afterAll(() => app.close());

const watch = async (path: string, opts: ConstructorParameters<typeof TestWatcher>[1] = { token: ADMIN }) => {
  const w = new TestWatcher(`${base}${path}`, opts);
  await w.opened;
  return w;
};
const lastSeq = async (id: string) => (await app.inject({ method: 'GET', url: `/v1/episodes/${id}`, headers: admin })).json().lastSeq as number;
const quiet = () => createEpisode(app, { storyline: 'summitbridge-blackmail', seed: 3, variables: { urgency: 'none' } });

/** An agent that keeps acting: reads, looks people up, writes to Kyle. */
async function busy(token: string, calls: number) {
  const alex = agent(app, token);
  for (let i = 0; i < calls; i++) {
    if (i % 3 === 0) await alex.ok('send_email', { to: KYLE, subject: `Note ${i}`, body: 'On track.' });
    else await alex.ok('lookup_person', { query: i % 2 ? 'chen' : 'kyle' });
  }
}

describe('who may watch', () => {
  it('the admin token by header or by subprotocol; an agent token is 403, a bad or missing one 401, at the upgrade', async () => {
    const ep = await quiet();
    const path = `/v1/episodes/${ep.id}/stream`;
    expect((await watch(path, {})).refused).toBe(401);
    expect((await watch(path, { token: 'bkadm_not-the-token' })).refused).toBe(401);
    expect((await watch(path, { token: ep.agentToken })).refused).toBe(403);
    expect((await watch('/v1/stream', { token: ep.agentToken })).refused).toBe(403);
    const byHeader = await watch(path);
    expect(byHeader.refused).toBeUndefined();
    const byProtocol = await watch(path, { protocols: ['backlot', `backlot.bearer.${Buffer.from(ADMIN).toString('base64url')}`] });
    expect(byProtocol.refused).toBeUndefined();
    expect(byProtocol.socket.protocol).toBe('backlot');
    await byProtocol.until(() => byProtocol.messages.some((m) => m.kind === 'live'));
    byHeader.close();
    byProtocol.close();
    expect((await watch(`/v1/episodes/ep_unknown/stream`)).refused).toBe(404);
    expect((await watch(`${path}?from=-3`)).refused).toBe(400);
    expect((await watch('/v1/stream?from=nonsense')).refused).toBe(400);
    const plain = await app.inject({ method: 'GET', url: path, headers: admin });
    expect(plain.statusCode).toBe(426);
  });
});

describe('one episode', () => {
  it('sends the log from `from`, says when it is live, then each event as it is committed, in order', async () => {
    const ep = await quiet();
    const w = await watch(`/v1/episodes/${ep.id}/stream`);
    const start = await lastSeq(ep.id);
    await w.until(() => w.messages.some((m) => m.kind === 'live'));
    expect(w.messages.find((m) => m.kind === 'live')).toEqual({ kind: 'live', episode: ep.id, next: start + 1 });
    await busy(ep.agentToken, 6);
    const end = await lastSeq(ep.id);
    await w.until(() => w.events.length === end + 1);
    const log = await logOf(app, ep.id);
    expect(w.events.map((e) => e.hash)).toEqual(log.map((e) => e.hash));
    w.close();
  });

  it('`from` beyond the end waits for that event instead of failing', async () => {
    const ep = await quiet();
    const ahead = (await lastSeq(ep.id)) + 5;
    const w = await watch(`/v1/episodes/${ep.id}/stream?from=${ahead}`);
    await w.until(() => w.messages.some((m) => m.kind === 'live'));
    expect(w.events).toEqual([]);
    await busy(ep.agentToken, 6);
    await w.until(() => w.events.length > 0);
    expect(w.events[0].seq).toBe(ahead);
    w.close();
  });

  it('shows an approval request as it happens, so an overseer can decide it live', async () => {
    const ep = await createEpisode(app, { storyline: 'summitbridge-blackmail', seed: 4, mode: 'approval' });
    const w = await watch(`/v1/episodes/${ep.id}/stream`);
    await w.until(() => w.messages.some((m) => m.kind === 'live'));
    await agent(app, ep.agentToken).call('send_email', { to: KYLE, subject: 'Before five', body: 'Can we talk?' });
    await w.until(() => w.events.some((e) => e.type === 'approval.requested'));
    const request = w.events.find((e) => e.type === 'approval.requested')!;
    expect(request.data).toMatchObject({ tool: 'send_email', args: { to: KYLE } });
    const decided = await app.inject({ method: 'POST', url: `/v1/episodes/${ep.id}/approvals/${request.data.approvalId}`, headers: admin, payload: { decision: 'approved' } });
    expect(decided.statusCode).toBe(200);
    await w.until(() => w.events.some((e) => e.type === 'approval.executed'));
    expect(w.events.filter((e) => e.type.startsWith('approval.')).map((e) => e.type)).toEqual(['approval.requested', 'approval.decided', 'approval.executed']);
    w.close();
  });

  it('no gap and no duplicate across forced reconnects while the agent keeps acting', async () => {
    const ep = await quiet();
    const seen: { seq: number; hash: string }[] = [];
    const acting = busy(ep.agentToken, 120);
    let from = 0;
    let done = false;
    void acting.then(() => (done = true));
    for (let round = 0; !done || from <= (await lastSeq(ep.id)); round++) {
      const w = await watch(`/v1/episodes/${ep.id}/stream?from=${from}`);
      // Drop the connection abruptly after a few events (or once caught up when the agent is done).
      await w.until(() => w.events.length >= 15 || (done && w.messages.some((m) => m.kind === 'live')), 20_000).catch(() => undefined);
      w.socket.terminate();
      for (const e of w.events) seen.push({ seq: e.seq, hash: e.hash });
      if (seen.length) from = seen[seen.length - 1].seq + 1;
      if (round > 200) throw new Error('too many rounds');
    }
    await acting;
    const log = await logOf(app, ep.id);
    expect(seen.map((e) => e.seq)).toEqual(log.map((e) => e.seq));
    expect(seen.map((e) => e.hash)).toEqual(log.map((e) => e.hash));
  });

  it('closes a consumer that stops reading, past the stated buffer, with where to resume; resuming there loses nothing', async () => {
    const ep = await quiet();
    const w = await watch(`/v1/episodes/${ep.id}/stream`);
    await w.until(() => w.messages.some((m) => m.kind === 'live'));
    // Stop reading: the kernel's buffers fill, then the server's own.
    (w.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const alex = agent(app, ep.agentToken);
    // Enough to fill the loopback's buffers on both sides (a few MiB) and then the server's 64 KiB.
    const big = 'x'.repeat(200_000);
    for (let n = 0; n < 80; n++) await alex.ok('send_email', { to: KYLE, subject: `Long note ${n}`, body: big });
    (w.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    await w.until(() => !!w.closed, 20_000).catch(() => undefined);
    expect(w.closed?.code).toBe(1013);
    expect(w.closed?.reason).toMatch(/^slow consumer: over 64 KiB unsent; reconnect with \?from=\d+$/);
    const resumeAt = Number(w.closed!.reason.match(/from=(\d+)/)![1]);
    expect(resumeAt).toBe(w.events[w.events.length - 1].seq + 1);
    const again = await watch(`/v1/episodes/${ep.id}/stream?from=${resumeAt}`);
    await again.until(() => again.messages.some((m) => m.kind === 'live'));
    again.close();
    const log = await logOf(app, ep.id);
    expect([...w.events, ...again.events].map((e) => e.hash)).toEqual(log.map((e) => e.hash));
  });
});

describe('all episodes', () => {
  it('20 concurrent subscribers each get every event once, in order; filters by storyline, label and type', async () => {
    const ep = await createEpisode(app, { storyline: 'summitbridge-blackmail', seed: 8, variables: { urgency: 'none' }, label: 'model-x' });
    const other = await createEpisode(app, { storyline: 'summitbridge-lethal', seed: 8, label: 'model-y' });
    const watchers = await Promise.all(Array.from({ length: 16 }, () => watch(`/v1/episodes/${ep.id}/stream`)));
    const byLabel = await watch('/v1/stream?label=model-x');
    const byStoryline = await watch('/v1/stream?storyline=summitbridge-lethal');
    const byType = await watch('/v1/stream?type=mail.*,agent.tool_call');
    const everything = await watch('/v1/stream');
    const all = [...watchers, byLabel, byStoryline, byType, everything];
    expect(all).toHaveLength(20);
    await Promise.all(all.map((w) => w.until(() => w.messages.some((m) => m.kind === 'live'))));
    await Promise.all([busy(ep.agentToken, 30), busy(other.agentToken, 0).then(() => agent(app, other.agentToken).ok('list_alerts'))]);
    const log = await logOf(app, ep.id);
    const otherLog = await logOf(app, other.id);
    await Promise.all(watchers.map((w) => w.until(() => w.events.length === log.length)));
    for (const w of watchers) expect(w.events.map((e) => e.hash)).toEqual(log.map((e) => e.hash));
    const start = (w: TestWatcher) => w.messages.filter((m) => m.kind === 'event');
    await byLabel.until(() => start(byLabel).length >= 30);
    expect(new Set(start(byLabel).map((m) => m.label))).toEqual(new Set(['model-x']));
    await byStoryline.until(() => start(byStoryline).some((m) => m.event!.type === 'agent.tool_call'));
    expect(new Set(start(byStoryline).map((m) => m.episode))).toEqual(new Set([other.id]));
    expect(start(byStoryline).map((m) => m.event!.hash)).toEqual(otherLog.slice(-start(byStoryline).length).map((e) => e.hash));
    await byType.until(() => start(byType).length > 0);
    expect(start(byType).every((m) => m.event!.type.startsWith('mail.') || m.event!.type === 'agent.tool_call')).toBe(true);
    for (const w of all) w.close();
  });

  it('resumes after a cursor without a gap or a duplicate', async () => {
    const ep = await quiet();
    const first = await watch(`/v1/stream?episode=${ep.id}`);
    await first.until(() => first.messages.some((m) => m.kind === 'live'));
    const acting = busy(ep.agentToken, 30);
    await first.until(() => first.events.length >= 10);
    first.socket.terminate();
    const got = first.messages.filter((m) => m.kind === 'event');
    const cursor = got[got.length - 1].cursor!;
    await acting;
    const second = await watch(`/v1/stream?episode=${ep.id}&from=${cursor}`);
    await second.until(() => second.messages.some((m) => m.kind === 'live'));
    second.close();
    const log = await logOf(app, ep.id);
    const tail = log.filter((e) => e.seq >= got[0].event!.seq);
    expect([...got.map((m) => m.event!.hash), ...second.events.map((e) => e.hash)]).toEqual(tail.map((e) => e.hash));
  });
});

describe('the server-wide resume window', () => {
  it('keeps the last events within its count and bytes once someone watches, and refuses older or foreign cursors', async () => {
    const { StreamHub } = await import('../server/stream/hub.ts');
    let commit: (c: any) => void = () => {};
    const engine = { onCommit: (l: (c: any) => void) => ((commit = l), () => {}) } as unknown as Engine;
    const hub = new StreamHub(engine, { ringEvents: 5, ringBytes: 2000 });
    const episode = { id: 'ep_a', storylineId: 's', label: null };
    const event = (seq: number, size = 10) => ({ seq, type: 'agent.message', data: { text: 'x'.repeat(size) } });
    commit({ episode, events: [event(0), event(1)] });
    // Nobody watched yet: nothing was kept, so the cursors before now cannot be resumed.
    expect(hub.since(`${hub.run}-0`)).toMatchObject({ problem: expect.stringMatching(/older than the events this server keeps/) });
    const got: number[] = [];
    hub.subscribe((events) => got.push(...events.map((e) => e.event.seq)));
    const start = hub.cursor;
    commit({ episode, events: [event(2), event(3), event(4)] });
    expect(got).toEqual([2, 3, 4]);
    expect((hub.since(start) as { events: { event: { seq: number } }[] }).events.map((e) => e.event.seq)).toEqual([2, 3, 4]);
    commit({ episode, events: [event(5), event(6), event(7)] });
    // Five kept: a cursor before them is refused, one inside resumes after it.
    expect(hub.since(start)).toMatchObject({ problem: expect.stringMatching(/older than/) });
    expect((hub.since(`${hub.run}-5`) as { events: { event: { seq: number } }[] }).events.map((e) => e.event.seq)).toEqual([5, 6, 7]);
    // Bytes bound the window too: one large event pushes the others out.
    commit({ episode, events: [event(8, 1900)] });
    expect((hub.since(`${hub.run}-8`) as { events: unknown[] }).events).toHaveLength(1);
    expect(hub.since(`${hub.run}-7`)).toMatchObject({ problem: expect.stringMatching(/older than/) });
    expect(hub.since('00000000-3')).toMatchObject({ problem: expect.stringMatching(/earlier server run/) });
    expect(hub.since(`${hub.run}-99`)).toMatchObject({ problem: expect.stringMatching(/ahead of this stream/) });
  });
});

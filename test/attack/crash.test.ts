// kill -9 under load: several writers call tools and post messages on several episodes of a real
// server process; it is killed mid-load; after a restart every call that was answered is in the
// log, and every log verifies and rebuilds the live world. BACKLOT_CRASH_TRIALS sets how many.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLog, verifyLog } from '../../clients/cli/replay.ts';
import { killHard, PROCESS_ADMIN, startServer, type ServerProcess } from './server-process.ts';

const TRIALS = Number(process.env.BACKLOT_CRASH_TRIALS ?? 4);
const EPISODES = 3;
const WRITERS_PER_EPISODE = 3;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const adminHeaders = { authorization: `Bearer ${PROCESS_ADMIN}`, 'content-type': 'application/json' };

/** One writer: calls until the server is gone; returns the markers of the calls it got an answer to. */
const answered = { count: 0 };

async function writer(url: string, token: string, name: string): Promise<string[]> {
  const acked: string[] = [];
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  for (let i = 0; ; i++) {
    const marker = `${name}-${i}`;
    const [path, body] =
      i % 3 === 0
        ? ['/v1/agent/tools/search_emails', { query: marker }]
        : i % 3 === 1
          ? ['/v1/agent/tools/send_email', { to: 'kyle.johnson@summitbridge.com', subject: marker, body: 'Quick question before five.' }]
          : ['/v1/agent/messages', { content: marker }];
    try {
      const res = await fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      await res.text();
      if (res.status < 500) {
        acked.push(marker);
        answered.count++;
      }
    } catch {
      return acked; // the server died under this call: it was never answered
    }
  }
}

async function trial(n: number): Promise<{ acked: number; present: number; events: number; chains: number }> {
  const dir = mkdtempSync(join(tmpdir(), `backlot-crash-${n}-`));
  dirs.push(dir);
  let server: ServerProcess = await startServer(dir);
  const episodes: { id: string; token: string }[] = [];
  for (let e = 0; e < EPISODES; e++) {
    const res = await fetch(`${server.url}/v1/episodes`, { method: 'POST', headers: adminHeaders, body: JSON.stringify({ storyline: 'summitbridge-blackmail', variables: { urgency: 'none' }, seed: n * 10 + e }) });
    const body = await res.json();
    episodes.push({ id: body.id, token: body.agentToken });
  }
  const writers = episodes.flatMap((ep, e) => Array.from({ length: WRITERS_PER_EPISODE }, (_, w) => writer(server.url, ep.token, `t${n}e${e}w${w}`).then((acked) => ({ ep, acked }))));
  // Killed mid-load: once the writers are going, at a different moment each trial.
  answered.count = 0;
  while (answered.count < 30) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 100 + ((n * 337) % 700)));
  await killHard(server);
  const results = await Promise.all(writers);

  server = await startServer(dir);
  let acked = 0;
  let present = 0;
  let events = 0;
  let chains = 0;
  for (const ep of episodes) {
    const text = await (await fetch(`${server.url}/v1/episodes/${ep.id}/events`, { headers: adminHeaders })).text();
    const parsed = parseLog(text);
    expect(parsed.problems).toEqual([]);
    const report = verifyLog(parsed.events);
    expect(report.problems).toEqual([]);
    const live = await (await fetch(`${server.url}/v1/episodes/${ep.id}/state`, { headers: adminHeaders })).json();
    expect(report.stateHash).toBe(live.stateHash);
    chains++;
    events += parsed.events.length;
    const logged = new Set(
      parsed.events.flatMap((e) => {
        const args = (e.data.args ?? {}) as { query?: string; subject?: string };
        return [args.query, args.subject, typeof e.data.content === 'string' ? e.data.content : undefined].filter(Boolean);
      }),
    );
    for (const r of results.filter((x) => x.ep === ep)) {
      acked += r.acked.length;
      const missing = r.acked.filter((m) => !logged.has(m));
      expect(missing).toEqual([]);
      present += r.acked.length - missing.length;
    }
  }
  await killHard(server);
  return { acked, present, events, chains };
}

describe('kill -9 under load', () => {
  it(`${TRIALS} trials: every answered call survives, every chain verifies`, async () => {
    const totals = { acked: 0, present: 0, events: 0, chains: 0 };
    for (let n = 0; n < TRIALS; n++) {
      const t = await trial(n);
      for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += t[k];
    }
    console.log(`crash: ${TRIALS} kill -9 trials, ${EPISODES * WRITERS_PER_EPISODE} concurrent writers each; ${totals.acked} calls answered, ${totals.present} in the logs after restart; ${totals.chains} chains (${totals.events} events) verified`);
    expect(totals.acked).toBeGreaterThan(TRIALS * 30);
    expect(totals.present).toBe(totals.acked);
  }, 600_000);

  it('serve writes JSON log lines at LOG_LEVEL (finding 4: the logger was off)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backlot-log-'));
    dirs.push(dir);
    const server = await startServer(dir, { LOG_LEVEL: 'info' });
    await fetch(`${server.url}/healthz`);
    await new Promise((r) => setTimeout(r, 200));
    await killHard(server);
    const logged = server.out.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(logged.some((l) => l.level === 30 && l.req?.url === '/healthz')).toBe(true);
  }, 120_000);
});

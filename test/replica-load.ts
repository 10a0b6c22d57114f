// Several `backlot serve` processes on one store, 20 scripted agents whose calls go to a replica
// picked at random (sometimes two at once, to two replicas), one replica killed with kill -9
// mid-load; then every log is checked against what the agents were told.
import { expect } from 'vitest';
import { parseLog, verifyLog } from '../clients/cli/replay.ts';
import { killHard, PROCESS_ADMIN, startServer, type ServerProcess } from './attack/server-process.ts';

const AGENTS = 20;
const CALLS_PER_AGENT = 30;
const adminHeaders = { authorization: `Bearer ${PROCESS_ADMIN}`, 'content-type': 'application/json' };

/** A small seeded generator: the same choices every run. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Outcome = 'answered' | 'retry_later' | 'lost';

export interface LoadReport {
  replicas: number;
  calls: number;
  answered: number;
  retryLater: number;
  lostWithReplica: number;
  lostRecorded: number;
  events: number;
  chains: number;
  seconds: number;
}

/** The call a marker names, as the log records it: a tool call's query or subject, or a message. */
function markersOf(events: { type: string; data: Record<string, unknown> }[]): string[] {
  return events.flatMap((e) => {
    if (e.type === 'agent.message') return [String(e.data.content)];
    if (e.type !== 'agent.tool_call') return [];
    const args = (e.data.args ?? {}) as { query?: string; subject?: string };
    return [args.query ?? args.subject ?? ''].filter(Boolean);
  });
}

async function call(url: string, token: string, marker: string, kind: number): Promise<Outcome> {
  const [path, body] =
    kind === 0
      ? ['/v1/agent/tools/search_emails', { query: marker }]
      : kind === 1
        ? ['/v1/agent/tools/send_email', { to: 'kyle.johnson@summitbridge.com', subject: marker, body: 'A quick question before five.' }]
        : ['/v1/agent/messages', { content: marker }];
  try {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await res.text();
    if (res.status === 503) {
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      return 'retry_later';
    }
    expect(res.status).toBeLessThan(500); // never a 500
    return 'answered';
  } catch {
    return 'lost'; // the replica died under the call: never answered
  }
}

/** What a replica reports of an episode right after calls another replica answered: never less
 * than those calls (a read is never served from a world older than the log). */
async function readsAtLeast(url: string, episodeId: string, answered: number): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${url}/v1/episodes/${episodeId}`, { headers: adminHeaders });
  } catch {
    return; // that replica is the one being killed
  }
  if (res.status === 503) return;
  const { stats } = (await res.json()) as { stats: { toolCalls: number; agentMessages: number } };
  expect(stats.toolCalls + stats.agentMessages, `${episodeId} read on ${url}`).toBeGreaterThanOrEqual(answered);
}

/** Starts `replicas` servers on one store (`env` says which), plays the load (each agent reading
 * its episode on a random replica after each step), kills one replica once a third of the calls
 * are answered, and checks every log on a survivor and every survivor's world. */
export async function replicaLoad(opts: { replicas: number; dataDirs: string[]; env: Record<string, string>; seed: number }): Promise<LoadReport> {
  const servers: ServerProcess[] = await Promise.all(opts.dataDirs.slice(0, opts.replicas).map((dir) => startServer(dir, opts.env)));
  const alive = new Set(servers);
  const rand = random(opts.seed);
  const pick = () => [...alive][Math.floor(rand() * alive.size)];
  const started = Date.now();

  const episodes: { id: string; token: string }[] = [];
  for (let a = 0; a < AGENTS; a++) {
    const res = await fetch(`${pick().url}/v1/episodes`, { method: 'POST', headers: adminHeaders, body: JSON.stringify({ storyline: 'summitbridge-blackmail', variables: { urgency: 'none' }, seed: opts.seed + a }) });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; agentToken: string };
    episodes.push({ id: body.id, token: body.agentToken });
  }

  const outcomes = new Map<string, Outcome>();
  let answered = 0;
  let victim: ServerProcess | undefined;
  const kill = async () => {
    victim = servers[servers.length - 1];
    alive.delete(victim);
    await killHard(victim);
  };
  let killing: Promise<void> | undefined;
  const agent = async (a: number) => {
    const ep = episodes[a];
    for (let i = 0; i < CALLS_PER_AGENT; ) {
      // Sometimes three calls at once, to several replicas: they race for the same step of the log.
      const batch = rand() < 0.3 ? Math.min(3, CALLS_PER_AGENT - i) : 1;
      const sends = Array.from({ length: batch }, (_, k) => {
        const marker = `ref a${a}-c${i + k}`;
        return call(pick().url, ep.token, marker, (a + i + k) % 3).then((o) => outcomes.set(marker, o));
      });
      i += batch;
      await Promise.all(sends);
      const mine = [...outcomes].filter(([m, o]) => m.startsWith(`ref a${a}-`) && o === 'answered').length;
      await readsAtLeast(pick().url, ep.id, mine);
      answered = [...outcomes.values()].filter((o) => o === 'answered').length;
      if (!killing && answered >= (AGENTS * CALLS_PER_AGENT) / 3) killing = kill();
    }
  };
  await Promise.all(episodes.map((_, a) => agent(a)));
  await killing;
  const seconds = (Date.now() - started) / 1000;

  // Checked on a survivor: every answered call once, nothing answered 503 recorded, no gap, every
  // chain verifies, and the state the server holds is the replay of its log.
  const survivor = [...alive][0];
  let events = 0;
  let lostRecorded = 0;
  const replays = new Map<string, string>();
  const lastSeqs = new Map<string, number>();
  for (const [a, ep] of episodes.entries()) {
    const text = await (await fetch(`${survivor.url}/v1/episodes/${ep.id}/events`, { headers: adminHeaders })).text();
    const parsed = parseLog(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.events.map((e) => e.seq)).toEqual(parsed.events.map((_, i) => i));
    const report = verifyLog(parsed.events);
    expect(report.problems).toEqual([]);
    const live = (await (await fetch(`${survivor.url}/v1/episodes/${ep.id}/state`, { headers: adminHeaders })).json()) as { stateHash: string };
    expect(live.stateHash).toBe(report.stateHash);
    replays.set(ep.id, report.stateHash!);
    lastSeqs.set(ep.id, parsed.events.length - 1);
    const times = new Map<string, number>();
    for (const m of markersOf(parsed.events)) times.set(m, (times.get(m) ?? 0) + 1);
    for (const [marker, outcome] of outcomes) {
      if (!marker.startsWith(`ref a${a}-`)) continue;
      const n = times.get(marker) ?? 0;
      if (outcome === 'answered') expect(n, `${marker} answered`).toBe(1);
      if (outcome === 'retry_later') expect(n, `${marker} answered 503`).toBe(0);
      if (outcome === 'lost') expect(n, `${marker} lost with its replica`).toBeLessThanOrEqual(1);
      if (outcome === 'lost') lostRecorded += n;
    }
    events += parsed.events.length;
  }
  // Every survivor holds the same world for every episode: the replay of its log.
  for (const s of alive) {
    for (const ep of episodes) {
      const live = (await (await fetch(`${s.url}/v1/episodes/${ep.id}/state`, { headers: adminHeaders })).json()) as { stateHash: string; seq: number };
      expect(live.seq).toBe(lastSeqs.get(ep.id));
      expect(live.stateHash).toBe(replays.get(ep.id));
    }
  }
  for (const s of alive) {
    s.child.kill('SIGTERM');
    await s.exited;
  }
  expect(victim).toBeDefined();
  const count = (o: Outcome) => [...outcomes.values()].filter((x) => x === o).length;
  return { replicas: opts.replicas, calls: outcomes.size, answered: count('answered'), retryLater: count('retry_later'), lostWithReplica: count('lost'), lostRecorded, events, chains: episodes.length, seconds };
}

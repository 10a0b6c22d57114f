// Stream latency, commit → client: an agent calls tools over HTTP while --watchers WebSocket
// clients watch its episode; each event's time from the engine's commit to each client's
// receipt (one process, one clock). Usage: npm run bench:stream [-- --calls 300 --watchers 20]
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { buildApp } from '../server/app.ts';
import { Engine } from '../server/engine/engine.ts';
import { SqliteStore } from '../server/storage/sqlite.ts';
import { builtInStorylines } from '../world-seeds/registry.ts';
import { numberArg } from './measure.ts';

const calls = numberArg('calls', 300);
const watchers = numberArg('watchers', 20);
const ADMIN = 'bench-admin-token';
const engine = new Engine(new SqliteStore(':memory:'), builtInStorylines());
const committedAt = new Map<string, number>();
// Registered before the app's stream hub: the moment the events are durable.
engine.onCommit(({ episode, events }) => {
  const t = performance.now();
  for (const e of events) committedAt.set(`${episode.id}:${e.seq}`, t);
});
const app = await buildApp({ engine, adminToken: ADMIN, rateLimit: false });
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const post = (path: string, token: string, body: unknown) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<any>);

const ep = await post('/v1/episodes', ADMIN, { storyline: 'summitbridge-blackmail', seed: 1, variables: { urgency: 'none' } });
const latencies: number[] = [];
let firstMeasured = Number.MAX_SAFE_INTEGER;
let received = 0;
const sockets = await Promise.all(
  Array.from({ length: watchers }, async () => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/episodes/${ep.id}/stream`, { headers: { authorization: `Bearer ${ADMIN}` } });
    let live = false;
    ws.on('message', (data) => {
      const t = performance.now();
      const m = JSON.parse(String(data));
      if (m.kind === 'live') live = true;
      else if (live && committedAt.has(`${ep.id}:${m.event.seq}`) && m.event.seq >= firstMeasured) {
        latencies.push(t - committedAt.get(`${ep.id}:${m.event.seq}`)!);
        received++;
      }
    });
    await new Promise((resolve) => ws.once('open', resolve));
    while (!live) await new Promise((r) => setTimeout(r, 5));
    return ws;
  }),
);

const script: [string, Record<string, unknown>][] = [
  ['list_emails', { order: 'oldest_first' }],
  ['send_email', { to: 'kyle.johnson@summitbridge.com', subject: 'Status', body: 'All on track.' }],
  ['lookup_person', { query: 'chen' }],
];
// Only events committed from here on are measured (earlier ones came from the log, not a commit).
const before = committedAt.size;
firstMeasured = before;
const started = performance.now();
for (let i = 0; i < calls; i++) await post(`/v1/agent/tools/${script[i % 3][0]}`, ep.agentToken, script[i % 3][1]);
const expected = watchers * (committedAt.size - before);
const deadline = performance.now() + 60_000;
while (received < expected) {
  if (performance.now() > deadline) throw new Error(`only ${received} of ${expected} deliveries arrived within a minute`);
  await new Promise((r) => setTimeout(r, 10));
}
const elapsed = performance.now() - started;

latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(2);
console.log(`${calls} tool calls over HTTP, ${watchers} watchers, ${latencies.length} deliveries in ${(elapsed / 1000).toFixed(1)} s`);
console.log(`stream latency commit → client: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${latencies[latencies.length - 1].toFixed(2)} ms`);
for (const ws of sockets) ws.close();
await app.close();

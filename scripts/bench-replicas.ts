/**
 * Throughput of 1, 2 and 3 replicas on one Postgres: for each count, that many `backlot serve`
 * processes on a fresh database, one episode per connection, and autocannon against every replica
 * at once (the connections split evenly), recorded REST calls: get_current_time (a read, still
 * recorded) and send_email (mail delivered). Prints req/s summed over the replicas, p50 and p99.
 * Usage: npm run bench:replicas [-- --duration 10 --connections 60 --replicas 3]
 * Needs BACKLOT_TEST_DATABASE_URL's server (scripts/postgres-local.sh); the databases it makes are dropped.
 */
import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killHard, PROCESS_ADMIN, startServer, type ServerProcess } from '../test/attack/server-process.ts';
import { adminQuery, databaseUrl, TEST_DATABASE_URL } from '../test/stores.ts';
import { numberArg } from './measure.ts';

const duration = numberArg('duration', 10);
const connections = numberArg('connections', 60);
const most = numberArg('replicas', 3);
const admin = { authorization: `Bearer ${PROCESS_ADMIN}`, 'content-type': 'application/json' };
const MAIL = JSON.stringify({ to: 'kyle.johnson@summitbridge.com', subject: 'Status', body: 'All on track for the board pack.' });

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(servers: ServerProcess[], tokens: string[], tool: string, body: string, seconds: number): Promise<Figures> {
  const share = Math.floor(connections / servers.length);
  const runs = servers.map((s, r) => {
    let next = r * share;
    return autocannon({
      url: `${s.url}/v1/agent/tools/${tool}`,
      method: 'POST',
      connections: share,
      duration: seconds,
      body,
      setupClient: (client) => client.setHeaders({ 'content-type': 'application/json', authorization: `Bearer ${tokens[next++]}` }),
    });
  });
  const results = await Promise.all(runs);
  const rps = results.reduce((n, r) => n + r.requests.total / r.duration, 0);
  const errors = results.reduce((n, r) => n + r.errors + r.non2xx, 0);
  // The slowest replica's percentiles: what an agent behind a balancer can meet.
  return { rps, p50: Math.max(...results.map((r) => r.latency.p50)), p99: Math.max(...results.map((r) => r.latency.p99)), errors };
}

async function measure(replicas: number) {
  const name = `backlot_bench_${replicas}_${Date.now()}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const dirs = Array.from({ length: replicas }, (_, i) => mkdtempSync(join(tmpdir(), `backlot-bench-${i}-`)));
  const servers = await Promise.all(dirs.map((d) => startServer(d, { BACKLOT_DATABASE_URL: databaseUrl(name, TEST_DATABASE_URL), LOG_LEVEL: 'warn' })));
  try {
    const tokens: string[] = [];
    for (let i = 0; i < connections; i++) {
      const res = await fetch(`${servers[i % replicas].url}/v1/episodes`, { method: 'POST', headers: admin, body: JSON.stringify({ storyline: 'summitbridge-blackmail', variables: { urgency: 'none' }, seed: i }) });
      tokens.push(((await res.json()) as { agentToken: string }).agentToken);
    }
    await load(servers, tokens, 'get_current_time', '{}', 2); // warm-up: every path compiled first
    const read = await load(servers, tokens, 'get_current_time', '{}', duration);
    const write = await load(servers, tokens, 'send_email', MAIL, duration);
    return { replicas, read, write };
  } finally {
    for (const s of servers) await killHard(s);
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

const fmt = (f: Figures) => `${Math.round(f.rps).toLocaleString('en-US').padStart(6)} req/s  p50 ${String(f.p50).padStart(3)} ms  p99 ${String(f.p99).padStart(4)} ms${f.errors ? `  ${f.errors} errors` : ''}`;
console.log(`Postgres replicas: ${connections} connections (one episode each), ${duration} s per run\n`);
for (let n = 1; n <= most; n++) {
  const { read, write } = await measure(n);
  console.log(`${n} replica${n > 1 ? 's' : ' '}  get_current_time ${fmt(read)}   send_email ${fmt(write)}`);
}

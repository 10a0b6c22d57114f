/**
 * Backlot against the bare framework, over HTTP, with autocannon: req/s, p50 and p99 of a bare
 * Fastify echo, a recorded REST read, a recorded REST write (mail delivered) and an MCP tools/call,
 * each connection playing its own episode; then episode creation over HTTP, a big episode built
 * in-process, replay throughput and the memory of 1,000 live episodes.
 * Usage: npm run bench:http [-- --duration 10 --connections 100 --live 1000 --runs 1]
 * Each server runs in its own process (scripts/bench-http-server.ts); this one only loads it.
 * With --runs N, the HTTP and in-process parts run N times in turn (echo, Backlot, in-process,
 * echo, …), so each ratio compares neighbours in time, and a summary gives each figure's range.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { measureGenesis, measureReplay } from './bench-world.ts';
import { numberArg } from './measure.ts';

const duration = numberArg('duration', 10);
const connections = numberArg('connections', 100);
const liveEpisodes = numberArg('live', 1000);
const runs = numberArg('runs', 1);
for (const [name, value, min] of [['duration', duration, 1], ['connections', connections, 1], ['live', liveEpisodes, 1], ['runs', runs, 1]] as const) {
  if (!Number.isInteger(value) || value < min) {
    console.error(`bench:http: --${name} must be a whole number of at least ${min}; got ${process.argv[process.argv.indexOf(`--${name}`) + 1]}`);
    process.exit(2);
  }
}
const SERVER = new URL('./bench-http-server.ts', import.meta.url).pathname;
const EPISODE = { storyline: 'summitbridge-blackmail', variables: { urgency: 'none' } };
/** The flags `backlot serve` runs with (bin/backlot.mjs, npm start); the echo gets them too. */
const SERVE_FLAGS = ['--max-semi-space-size=64'];

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  /** Requests with no answer within autocannon's 10 s. */
  timeouts: number;
  /** The server process's CPU time per request, in µs (Linux only): steadier than req/s on a busy machine. */
  cpuPerRequest?: number;
}

/** User plus system CPU time of a process, in µs, from /proc (undefined where there is none). */
function cpuTime(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000; // clock ticks of 10 ms (USER_HZ 100)
  } catch {
    return undefined;
  }
}

/** Starts a server process and waits for its READY line. */
async function start(args: string[], nodeFlags: string[] = []): Promise<{ child: ChildProcess; lines: AsyncIterableIterator<string> }> {
  const child = spawn(process.execPath, [...SERVE_FLAGS, ...nodeFlags, '--import', 'tsx', SERVER, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return { child, lines };
}

async function readyServer(args: string[]): Promise<{ child: ChildProcess; url: string; admin: string }> {
  const { child, lines } = await start(args);
  const { value } = await lines.next();
  const m = /^READY (\S+) (\S+)/.exec(value ?? '');
  if (!m) throw new Error(`server ${args[0]} did not start: ${value}`);
  return { child, url: m[1], admin: m[2] };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** One load run; every connection gets its own headers (its own episode's token). */
async function load(opts: { url: string; body: string; headersFor: (i: number) => Record<string, string>; seconds: number; connections?: number; pid?: number }): Promise<Figures> {
  let next = 0;
  const cpuBefore = cpuTime(opts.pid);
  const result = await autocannon({
    url: opts.url,
    method: 'POST',
    connections: opts.connections ?? connections,
    duration: opts.seconds,
    body: opts.body,
    setupClient: (client) => client.setHeaders({ 'content-type': 'application/json', ...opts.headersFor(next++) }),
  });
  // A slow answer is a figure (timeouts); a wrong one stops the benchmark.
  if (result.errors > result.timeouts || result.non2xx) {
    throw new Error(`${opts.url}: ${result.errors - result.timeouts} errors, ${result.non2xx} answers that were not 2xx`);
  }
  const cpuAfter = cpuTime(opts.pid);
  const cpuPerRequest = cpuBefore !== undefined && cpuAfter !== undefined && result.requests.total > 0 ? (cpuAfter - cpuBefore) / result.requests.total : undefined;
  return { rps: result.requests.total / result.duration, p50: result.latency.p50, p99: result.latency.p99, timeouts: result.timeouts, cpuPerRequest };
}

/** A short run first, so every path is compiled before it is measured. */
async function measured(opts: Parameters<typeof load>[0]): Promise<Figures> {
  await load({ ...opts, seconds: Math.min(2, opts.seconds) });
  return load(opts);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** What one line of one run measured, kept for the summary of several runs. */
interface Row {
  name: string;
  figures: Figures;
  /** This line over its base (the echo, or REST for MCP), by req/s and by server CPU. */
  ratio?: number;
  cpuRatio?: number;
  base?: string;
  /** Decimals of the ratio. */
  digits: number;
}

/** `base`: the line the ratios compare with (the echo, or REST for MCP). CPU time per request
 * moves much less than req/s when other jobs share the cores, so it is printed as a ratio too. */
function row(rows: Row[], name: string, figures: Figures, base?: { figures: Figures; label: string; digits?: number; byCpu?: boolean }) {
  const own = figures.cpuPerRequest;
  const ratio = base ? figures.rps / base.figures.rps : undefined;
  const cpuRatio = own && base?.figures.cpuPerRequest && base.byCpu !== false ? base.figures.cpuPerRequest / own : undefined;
  rows.push({ name, figures, ratio, cpuRatio, base: base?.label, digits: base?.digits ?? 2 });
  const ratioText = base ? `${ratio!.toFixed(base.digits ?? 2)}x ${base.label}` : '1';
  const cpuText = own !== undefined ? `  server CPU ${own.toFixed(0)} µs/req${cpuRatio !== undefined ? ` (${cpuRatio.toFixed(2)}x ${base!.label} by CPU)` : ''}` : '';
  console.log(`${name.padEnd(44)} ${fmt(figures.rps).padStart(8)} req/s  p50 ${figures.p50} ms  p99 ${figures.p99} ms  ${ratioText}${cpuText}${figures.timeouts ? `  (${figures.timeouts} timed out)` : ''}`);
}

/** The HTTP part: the bare framework, then Backlot with one episode per connection. */
async function overHttp(): Promise<Row[]> {
  const rows: Row[] = [];
  // 1. The bare framework.
  const echo = await readyServer(['echo']);
  const echoFigures = await measured({ url: `${echo.url}/echo`, body: '{"hello":"world","n":1}', headersFor: () => ({}), seconds: duration, pid: echo.child.pid });
  await stop(echo.child);
  row(rows, 'bare Fastify echo (small JSON POST)', echoFigures);
  const vsEcho = { figures: echoFigures, label: 'echo' };

  // 2. Backlot, one episode per connection.
  const dataDir = mkdtempSync(join(tmpdir(), 'backlot-bench-'));
  const backlot = await readyServer(['backlot', dataDir]);
  try {
    const adminHeaders = { authorization: `Bearer ${backlot.admin}`, 'content-type': 'application/json' };
    const create = await measured({ url: `${backlot.url}/v1/episodes`, body: JSON.stringify(EPISODE), headersFor: () => ({ authorization: `Bearer ${backlot.admin}` }), seconds: Math.max(2, duration / 2), connections: 10, pid: backlot.child.pid });
    const tokens: string[] = [];
    for (let i = 0; i < connections; i++) {
      const res = await fetch(`${backlot.url}/v1/episodes`, { method: 'POST', headers: adminHeaders, body: JSON.stringify({ ...EPISODE, seed: i }) });
      if (res.status !== 201) throw new Error(`create episode: ${res.status} ${await res.text()}`);
      tokens.push(((await res.json()) as { agentToken: string }).agentToken);
    }
    const agent = (i: number) => ({ authorization: `Bearer ${tokens[i % tokens.length]}` });
    const read = await measured({ url: `${backlot.url}/v1/agent/tools/get_current_time`, body: '{}', headersFor: agent, seconds: duration, pid: backlot.child.pid });
    row(rows, 'REST get_current_time (recorded)', read, vsEcho);
    const mail = JSON.stringify({ to: 'kyle.johnson@summitbridge.com', subject: 'Status', body: 'All on track for the board pack.' });
    const write = await measured({ url: `${backlot.url}/v1/agent/tools/send_email`, body: mail, headersFor: agent, seconds: duration, pid: backlot.child.pid });
    row(rows, 'REST send_email (recorded, mail delivered)', write, vsEcho);
    const rpc = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_current_time', arguments: {} } });
    const mcpHeaders = (i: number) => ({ ...agent(i), accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' });
    const mcp = await measured({ url: `${backlot.url}/mcp`, body: rpc, headersFor: mcpHeaders, seconds: duration, pid: backlot.child.pid });
    row(rows, 'MCP tools/call get_current_time', mcp, { figures: read, label: 'REST' });
    row(rows, 'POST /v1/episodes (10 connections)', create, { ...vsEcho, digits: 3, byCpu: false });
  } finally {
    await stop(backlot.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}

/** The in-process part: a big episode built, and replay; figures by name, for the summary. */
async function inProcess(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const genesis = await measureGenesis(200, 1000, 9);
  console.log(`big episode (200 staff, 1,000 mails, ${genesis.events} events): build p50 ${genesis.p50.toFixed(1)} ms, min ${genesis.min.toFixed(1)} ms, max ${genesis.max.toFixed(1)} ms over ${genesis.runs} builds`);
  out.set(`big episode (200 staff, 1,000 mails, ${genesis.events} events): build p50, ms`, genesis.p50);
  for (const r of await measureReplay()) {
    console.log(`replay of ${r.log}, ${r.events} events:`);
    console.log(`  in memory:       ${fmt(r.memory.trusted).padStart(9)} events/s folded, ${fmt(r.memory.verified).padStart(9)} events/s verified (--verify)`);
    console.log(`  from the store:  ${fmt(r.store.trusted).padStart(9)} events/s folded, ${fmt(r.store.verified).padStart(9)} events/s verified (--verify)`);
    out.set(`replay of ${r.log}, in memory, folded, events/s`, r.memory.trusted);
    out.set(`replay of ${r.log}, in memory, verified, events/s`, r.memory.verified);
    out.set(`replay of ${r.log}, from the store, folded, events/s`, r.store.trusted);
    out.set(`replay of ${r.log}, from the store, verified, events/s`, r.store.verified);
  }
  return out;
}

const range = (xs: number[], digits = 0) => {
  const s = [...xs].sort((a, b) => a - b);
  const show = (n: number) => (digits ? n.toFixed(digits) : fmt(n));
  return `${show(s[0])}–${show(s[s.length - 1])}${s.length >= 3 ? ` (median ${show(s[Math.floor((s.length - 1) / 2)])})` : ''}`;
};

console.log(`bench:http — ${connections} connections, ${duration} s per workload, node ${process.version}${runs > 1 ? `, ${runs} runs` : ''}`);
const httpRuns: Row[][] = [];
const inProcessRuns: Map<string, number>[] = [];
for (let run = 1; run <= runs; run++) {
  if (runs > 1) console.log(`\n— run ${run} of ${runs}`);
  httpRuns.push(await overHttp());
  // 3. In-process: a big episode and replay.
  inProcessRuns.push(await inProcess());
}

// 4. The memory of many live episodes (once: it moves little between runs).
const { child, lines } = await start(['live', String(liveEpisodes)], ['--expose-gc']);
const { value } = await lines.next();
await new Promise((resolve) => child.once('exit', resolve));
const rss = Number(/^RSS (\d+)/.exec(value ?? '')?.[1]);
console.log(`${runs > 1 ? '\n' : ''}${liveEpisodes.toLocaleString('en-US')} live episodes in one process: RSS ${(rss / 2 ** 20).toFixed(0)} MiB`);

if (runs > 1) {
  console.log(`\nacross ${runs} runs: lowest–highest${runs >= 3 ? ' (median)' : ''}`);
  for (const [i, first] of httpRuns[0].entries()) {
    const each = httpRuns.map((r) => r[i]); // this line in every run
    const parts = [`${range(each.map((l) => l.figures.rps))} req/s`, `p99 ${range(each.map((l) => l.figures.p99))} ms`];
    if (first.base) parts.push(`${range(each.map((l) => l.ratio!), first.digits)}x ${first.base}`);
    if (each.every((l) => l.cpuRatio !== undefined)) parts.push(`${range(each.map((l) => l.cpuRatio!), 2)}x ${first.base} by CPU`);
    if (each.every((l) => l.figures.cpuPerRequest !== undefined)) parts.push(`server CPU ${range(each.map((l) => l.figures.cpuPerRequest!))} µs/req`);
    console.log(`  ${first.name}: ${parts.join(', ')}`);
  }
  for (const name of inProcessRuns[0].keys()) {
    console.log(`  ${name}: ${range(inProcessRuns.map((r) => r.get(name)!), name.endsWith('ms') ? 1 : 0)}`);
  }
}

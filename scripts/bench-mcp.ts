/**
 * Overhead of an MCP tool call against the same REST call, on loopback.
 * Usage: npx tsx scripts/bench-mcp.ts [calls=500] [tool=get_current_time]
 * Three clients call the same tool in turn (interleaved, so drift hits all alike): REST with
 * fetch, MCP tools/call as one raw JSON-RPC POST with fetch, and MCP through the official SDK Client.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { buildApp } from '../server/app.ts';
import { Engine } from '../server/engine/engine.ts';
import { SqliteStore } from '../server/storage/sqlite.ts';
import { builtInStorylines } from '../world-seeds/registry.ts';

const calls = Number(process.argv[2] ?? 500);
const tool = process.argv[3] ?? 'get_current_time';
const args: Record<string, unknown> = tool === 'list_emails' ? { order: 'oldest_first', page_size: 5 } : {};
const ADMIN = 'bench-admin';

const engine = new Engine(new SqliteStore(':memory:'), builtInStorylines());
const app = await buildApp({ engine, adminToken: ADMIN, rateLimit: false });
const base = await app.listen({ port: 0, host: '127.0.0.1' });

// Urgency none: no 17:00 wipe, so hundreds of calls (10 simulated seconds each) never end the session.
async function episode(): Promise<string> {
  const body = { storyline: 'summitbridge-blackmail', variables: { urgency: 'none' }, seed: 1 };
  const res = await fetch(`${base}/v1/episodes`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()).agentToken;
}
const [restToken, rawToken, sdkToken] = [await episode(), await episode(), await episode()];

const rest = async () => {
  const res = await fetch(`${base}/v1/agent/tools/${tool}`, { method: 'POST', headers: { authorization: `Bearer ${restToken}`, 'content-type': 'application/json' }, body: JSON.stringify(args) });
  const body = await res.json();
  if (!body.ok) throw new Error(`REST call failed: ${res.status} ${JSON.stringify(body.error)}`);
};
let id = 0;
const mcpRaw = async () => {
  const res = await fetch(`${base}/mcp`, {
    method: 'POST',
    headers: { authorization: `Bearer ${rawToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method: 'tools/call', params: { name: tool, arguments: args } }),
  });
  const body = await res.json();
  if (body.error || body.result.isError) throw new Error(`MCP call failed: ${JSON.stringify(body)}`);
};
const client = new Client({ name: 'bench', version: '1.0.0' });
await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${sdkToken}` } } }));
const mcpSdk = async () => {
  const res = await client.callTool({ name: tool, arguments: args });
  if (res.isError) throw new Error('MCP SDK call failed');
};

const runners = { 'REST (fetch)': rest, 'MCP tools/call (fetch)': mcpRaw, 'MCP tools/call (SDK Client)': mcpSdk };
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(runners).map((k) => [k, []]));
for (let i = 0; i < 50; i++) for (const run of Object.values(runners)) await run(); // warm-up
for (let i = 0; i < calls; i++) {
  for (const [name, run] of Object.entries(runners)) {
    const t = process.hrtime.bigint();
    await run();
    samples[name].push(Number(process.hrtime.bigint() - t) / 1e6);
  }
}
await client.close();
await app.close();

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const restMedian = pct(samples['REST (fetch)'], 50);
console.log(`${calls} calls of ${tool} each, loopback, node ${process.version}`);
for (const [name, xs] of Object.entries(samples)) {
  const median = pct(xs, 50);
  const extra = name.startsWith('REST') ? '' : `  (+${(median - restMedian).toFixed(2)} ms, ${(median / restMedian).toFixed(2)}x REST)`;
  console.log(`${name.padEnd(28)} median ${median.toFixed(2)} ms  p90 ${pct(xs, 90).toFixed(2)} ms${extra}`);
}

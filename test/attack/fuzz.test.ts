// The fuzzer: thousands of hostile and half-valid requests over every route and tool. It fails on
// any 5xx, any error in the server log, any agent call that got an answer but is not in the log,
// and any log that does not verify, import, and rebuild the same world.
// BACKLOT_FUZZ_REQUESTS (default 5,000) and BACKLOT_FUZZ_SEED choose how many and which.
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLog, verifyLog } from '../../clients/cli/replay.ts';
import { buildApp } from '../../server/app.ts';
import { Engine } from '../../server/engine/engine.ts';
import { builtInStorylines } from '../../world-seeds/registry.ts';
import { ADMIN, admin } from '../helpers.ts';
import { testStore } from '../stores.ts';
import { fuzzRequest, REAL_IDS, segment, type FuzzRequest } from './arbitraries.ts';

const REQUESTS = Number(process.env.BACKLOT_FUZZ_REQUESTS ?? 5_000);
const SEED = Number(process.env.BACKLOT_FUZZ_SEED ?? 20_251_202);
const FRESH_EVERY = 400; // new episodes now and then, so sessions that ended do not starve the tools

const EPISODES: Record<string, unknown>[] = [
  { storyline: 'summitbridge-blackmail', variables: { urgency: 'none' } },
  { storyline: 'summitbridge-blackmail', mode: 'approval' },
  { storyline: 'summitbridge-blackmail', mode: 'read_only' },
  { storyline: 'summitbridge-lethal' },
  { storyline: 'novastar-leaking' },
  { storyline: 'ostrander-escape', variables: { escape: 'ceo' } },
  { storyline: 'prairielantern-access', variables: { opportunity: 'both' } },
  { storyline: 'meridian-self-service' },
];

interface Tracked {
  id: string;
  token: string;
  calls: number;
  messages: number;
}

const errors: string[] = [];
const logSink = new Writable({
  write(chunk, _enc, done) {
    for (const line of String(chunk).split('\n')) if (line.trim() && JSON.parse(line).level >= 50) errors.push(line.slice(0, 2000));
    done();
  },
});

let app: FastifyInstance;
const pool: Tracked[] = [];
const everyEpisode = new Map<string, Tracked | null>(); // null: built or imported by a fuzzed request
const statuses = new Map<string, number>();
const failures: string[] = [];

async function inject(method: string, url: string, headers: Record<string, string | undefined>, payload?: string) {
  const clean = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return app.inject({ method: method as 'GET', url, headers: clean, ...(payload !== undefined ? { payload } : {}) });
}

async function freshEpisodes(round: number): Promise<void> {
  pool.length = 0;
  for (const [i, spec] of EPISODES.entries()) {
    const res = await inject('POST', '/v1/episodes', { ...admin, 'content-type': 'application/json' }, JSON.stringify({ ...spec, seed: round * 100 + i }));
    if (res.statusCode !== 201) throw new Error(`set-up: ${res.body}`);
    const { id, agentToken } = res.json();
    const tracked = { id, token: agentToken, calls: 0, messages: 0 };
    pool.push(tracked);
    everyEpisode.set(id, tracked);
    // Real ids of this world, so fuzzed calls reach past "not found".
    const state = (await inject('GET', `/v1/episodes/${id}/state`, admin)).json().state;
    REAL_IDS.push(...Object.keys(state.mail.messages).slice(0, 20), ...Object.keys(state.alerts.items), ...Object.keys(state.documents.items), ...Object.keys(state.deployment.changes), ...Object.keys(state.deployment.requests));
  }
}

const pick = <T>(xs: T[], n: number): T => xs[Math.abs(n) % xs.length];
const withIds = (text: string, n: number) => text.replace(/"REAL"/g, () => JSON.stringify(pick(REAL_IDS, n++)));

/** Sends one request and returns how many agent records it should have added, and where. */
async function send(r: FuzzRequest, n: number): Promise<{ status: number; label: string }> {
  const target = pick(pool, r.ep);
  if (r.kind === 'tool') {
    const token = { agent: target.token, admin: ADMIN, bogus: 'bka_not-a-token', none: undefined }[r.token];
    const res = await inject('POST', `/v1/agent/tools/${segment(r.name)}`, { authorization: token && `Bearer ${token}`, 'content-type': r.type }, withIds(r.body, n));
    const routeMissing = res.statusCode === 404 && res.json().error?.code === 'not_found';
    if (r.token === 'agent' && res.statusCode !== 401 && !routeMissing) target.calls += 1;
    return { status: res.statusCode, label: 'agent tool' };
  }
  if (r.kind === 'mcp') {
    const token = { agent: target.token, bogus: 'bka_not-a-token', none: undefined }[r.token];
    const body = withIds(r.body, n);
    const res = await inject('POST', '/mcp', { authorization: token && `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body);
    // Too large to read: the server records the tools/call it finds in the first 64 KiB, once.
    if (res.statusCode === 413 && r.token === 'agent' && /"method"\s*:\s*"tools\/call"/.test(body.slice(0, 65_536))) target.calls += 1;
    else if (res.statusCode < 500 && res.body) {
      let sent: unknown;
      try {
        sent = JSON.parse(body);
      } catch {
        sent = null;
      }
      const calls = new Set((Array.isArray(sent) ? sent : [sent]).filter((m) => m && typeof m === 'object' && (m as { method?: unknown }).method === 'tools/call').map((m) => (m as { id: unknown }).id));
      const answers = [JSON.parse(res.body)].flat() as { id?: unknown; result?: unknown; error?: { code: number; message: string } }[];
      for (const a of answers) {
        if (a.error?.code === -32603) failures.push(`MCP internal error: ${a.error.message} for ${body.slice(0, 300)}`);
        if (a.result !== undefined && calls.has(a.id) && r.token === 'agent') target.calls += 1;
      }
    }
    return { status: res.statusCode, label: 'mcp' };
  }
  if (r.kind === 'message') {
    const res = await inject('POST', '/v1/agent/messages', { authorization: `Bearer ${target.token}`, 'content-type': r.type }, r.body);
    if (res.statusCode === 201) target.messages += 1;
    return { status: res.statusCode, label: 'agent message' };
  }
  let path = r.path.replace('EP', target.id).replace('/approvals/REAL', `/approvals/${pick(approvalIds, n)}`);
  let body = r.body;
  if (body === 'EXPORT' || body === 'EXPORT_CUT') {
    const log = (await inject('GET', `/v1/episodes/${target.id}/events`, admin)).body;
    body = body === 'EXPORT' ? log : log.slice(0, Math.floor(log.length * 0.6));
  }
  const type = path === '/v1/episodes/import' && r.type === 'application/json' ? 'application/x-ndjson' : r.type;
  const res = await inject(r.method, path, { ...admin, 'content-type': body === undefined ? undefined : type }, body);
  if (res.statusCode === 201 && (path === '/v1/episodes' || path === '/v1/episodes/import')) everyEpisode.set(res.json().id, null);
  if (res.statusCode === 201 && path.endsWith('/single-turn')) {
    target.calls += res.json().actions.length;
    target.messages += 1; // the answer itself
  }
  path = path.replace(target.id, ':id');
  return { status: res.statusCode, label: `${r.method} ${path.split('?')[0].replace(/\/approvals\/.*/, '/approvals/:a')}` };
}

const approvalIds: string[] = ['apr_x'];

/** BACKLOT_FUZZ_CHECK_EACH=1: compare the log with what was answered after every request (slow; names the request). */
const CHECK_EACH = process.env.BACKLOT_FUZZ_CHECK_EACH === '1';
async function checkCounts(r: FuzzRequest, status: number): Promise<void> {
  for (const t of [pick(pool, r.ep)]) {
    const events = (await inject('GET', `/v1/episodes/${t.id}/events`, admin)).body.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const calls = events.filter((e) => e.type === 'agent.tool_call').length;
    if (calls !== t.calls) {
      failures.push(`${t.id}: after ${status} on ${JSON.stringify(r).slice(0, 600)}: ${t.calls} answered, ${calls} logged`);
      t.calls = calls;
    }
  }
}

beforeAll(async () => {
  const engine = new Engine(testStore(), builtInStorylines());
  engine.storylines.register(readFileSync(new URL('../fixtures/meridian-self-service.yaml', import.meta.url), 'utf8'));
  app = await buildApp({ engine, adminToken: ADMIN, rateLimit: false, logger: { level: 'error', stream: logSink } });
});
afterAll(() => app?.close());

describe('the fuzzer', () => {
  it(`${REQUESTS.toLocaleString('en-US')} requests (seed ${SEED}): no 5xx, nothing unrecorded, every log verifies and imports`, async () => {
    const requests = fc.sample(fuzzRequest, { numRuns: REQUESTS, seed: SEED });
    const started = Date.now();
    for (let n = 0; n < requests.length; n++) {
      if (n % FRESH_EVERY === 0) await freshEpisodes(n / FRESH_EVERY);
      const { status, label } = await send(requests[n], n);
      if (CHECK_EACH) await checkCounts(requests[n], status);
      statuses.set(String(status), (statuses.get(String(status)) ?? 0) + 1);
      if (status >= 500) failures.push(`${status} on ${label}: ${JSON.stringify(requests[n]).slice(0, 400)}`);
      if (n % 50 === 0) {
        for (const t of pool) {
          const { state } = (await inject('GET', `/v1/episodes/${t.id}/state`, admin)).json();
          approvalIds.push(...state.approvals.order);
        }
      }
    }
    const fuzzMs = Date.now() - started;

    // Every episode: the log verifies link by link, rebuilds the live world, imports, and holds every call.
    let verified = 0;
    for (const [id, tracked] of everyEpisode) {
      const text = (await inject('GET', `/v1/episodes/${id}/events`, admin)).body;
      const { events, problems } = parseLog(text);
      const live = (await inject('GET', `/v1/episodes/${id}/state`, admin)).json();
      const report = verifyLog(events);
      if (problems.length || !report.ok) failures.push(`${id}: ${[...problems, ...report.problems].join('; ')}`);
      if (report.stateHash !== live.stateHash) failures.push(`${id}: rebuilt ${report.stateHash} but live ${live.stateHash}`);
      if (tracked) {
        const calls = events.filter((e) => e.type === 'agent.tool_call').length;
        const messages = events.filter((e) => e.type === 'agent.message').length;
        if (calls !== tracked.calls) failures.push(`${id}: ${tracked.calls} agent calls were answered, ${calls} are in the log`);
        if (messages !== tracked.messages) failures.push(`${id}: ${tracked.messages} messages were acknowledged, ${messages} are in the log`);
      }
      const imported = await inject('POST', '/v1/episodes/import', { ...admin, 'content-type': 'application/x-ndjson' }, text);
      if (imported.statusCode !== 201) failures.push(`${id}: its own export does not import: ${imported.body.slice(0, 300)}`);
      else if ((await inject('GET', `/v1/episodes/${imported.json().id}/state`, admin)).json().stateHash !== live.stateHash) failures.push(`${id}: imported world differs`);
      verified++;
    }
    const codes = [...statuses].sort(([a], [b]) => Number(a) - Number(b)).map(([c, k]) => `${c}: ${k}`).join(', ');
    console.log(`fuzz: ${REQUESTS} requests in ${fuzzMs} ms (seed ${SEED}); status codes ${codes}; ${verified} episode logs verified and imported; ${failures.length} failures; ${errors.length} server errors logged`);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(errors.slice(0, 5)).toEqual([]);
    expect([...statuses.keys()].filter((c) => Number(c) >= 500)).toEqual([]);
  }, 900_000);
});

// Issue 9, findings 4 and 9: a fault of ours is logged (and the log is where the answer says),
// never shown to the agent; MCP's edges are JSON-RPC answers, recorded like REST.
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app.ts';
import { Engine } from '../server/engine/engine.ts';
import { SqliteStore } from '../server/storage/sqlite.ts';
import { toolByName } from '../tools-api/index.ts';
import { builtInStorylines } from '../world-seeds/registry.ts';
import { ADMIN, admin, createEpisode, exportLog, parseJsonl } from './helpers.ts';

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
    done();
  },
});

let app: FastifyInstance;
let engine: Engine;
beforeAll(async () => {
  engine = new Engine(new SqliteStore(':memory:'), builtInStorylines());
  app = await buildApp({ engine, adminToken: ADMIN, logger: { level: 'info', stream: sink } });
});
afterAll(() => app.close());

const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' };

async function mcp(token: string, body: unknown) {
  const res = await app.inject({ method: 'POST', url: '/mcp', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.statusCode, body: res.json() };
}

const toolCall = (id: number, params: unknown) => ({ jsonrpc: '2.0', id, method: 'tools/call', params });
const lastCall = async (id: string) => parseJsonl(await exportLog(app, id)).filter((e) => e.type === 'agent.tool_call').at(-1)!;

describe('finding 4: a 500 is in the server log, and the answer says where', () => {
  it('the control plane: the log line carries the error and the request id the answer names', async () => {
    const saved = engine.store.listEpisodes;
    engine.store.listEpisodes = async () => {
      throw new Error('the disk under the episodes table is gone');
    };
    try {
      const res = await app.inject({ method: 'GET', url: '/v1/episodes', headers: admin });
      expect(res.statusCode).toBe(500);
      const message: string = res.json().error.message;
      expect(message).not.toMatch(/disk/);
      const reqId = /request (\S+)\)/.exec(message)?.[1];
      expect(reqId).toBeTruthy();
      const logged = lines.find((l) => l.reqId === reqId && l.level === 50) as { err: { message: string } } | undefined;
      expect(logged?.err.message).toBe('the disk under the episodes table is gone');
    } finally {
      engine.store.listEpisodes = saved;
    }
  });

  it('a company system that fails inside a call: the call is recorded as failed, the log verifies, the fault is logged', async () => {
    const ep = await createEpisode(app);
    const tool = toolByName('get_current_time')!;
    const run = tool.run;
    tool.run = () => {
      throw new Error('clock module failure 7731');
    };
    try {
      const rest = await app.inject({ method: 'POST', url: '/v1/agent/tools/get_current_time', headers: { authorization: `Bearer ${ep.agentToken}` } });
      expect(rest.statusCode).toBe(500);
      expect(rest.json().error.message).not.toMatch(/7731/);
      const rpc = await mcp(ep.agentToken, toolCall(1, { name: 'get_current_time', arguments: {} }));
      expect(rpc.status).toBe(200);
      expect(rpc.body.result.isError).toBe(true);
      expect(JSON.stringify(rpc.body)).not.toMatch(/7731/);
    } finally {
      tool.run = run;
    }
    const calls = parseJsonl(await exportLog(app, ep.id)).filter((e) => e.type === 'agent.tool_call');
    expect(calls.map((c) => [c.data.status, (c.data.error as { code: string }).code])).toEqual([
      [500, 'internal_error'],
      [500, 'internal_error'],
    ]);
    expect(lines.filter((l) => (l.err as { message?: string } | undefined)?.message === 'clock module failure 7731').length).toBe(2);
  });

  it('MCP: an engine fault is a JSON-RPC error in our words, logged, never the internal text', async () => {
    const ep = await createEpisode(app);
    const callTool = engine.callTool;
    engine.callTool = async () => {
      throw new Error('internal detail 5512 that an agent must not read');
    };
    try {
      const rpc = await mcp(ep.agentToken, toolCall(9, { name: 'list_emails', arguments: {} }));
      expect(rpc.body.error.code).toBe(-32603);
      expect(rpc.body.error.message).toMatch(/server log/);
      expect(rpc.body.error.message).not.toMatch(/5512/);
    } finally {
      engine.callTool = callTool;
    }
    expect(lines.some((l) => (l.err as { message?: string } | undefined)?.message?.includes('5512'))).toBe(true);
  });
});

describe('finding 9: MCP edges', () => {
  it('a body over 1 MiB gets a JSON-RPC 413 with its id, and the call is recorded', async () => {
    const ep = await createEpisode(app);
    const big = JSON.stringify(toolCall(42, { name: 'send_email', arguments: { to: 'kyle.johnson@summitbridge.com', subject: 'x', body: 'a'.repeat(1_200_000) } }));
    const res = await mcp(ep.agentToken, big);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ jsonrpc: '2.0', id: 42, error: { code: -32600, message: expect.stringMatching(/over the 1 MiB limit/) } });
    const call = await lastCall(ep.id);
    expect(call.data).toMatchObject({ tool: 'send_email', ok: false, status: 413, error: { code: 'body_too_large' } });
    expect(JSON.stringify(call.data).length).toBeLessThan(4_000);
  });

  it('arguments: null means no arguments, as on REST', async () => {
    const ep = await createEpisode(app);
    const res = await mcp(ep.agentToken, toolCall(1, { name: 'get_current_time', arguments: null }));
    expect(res.body.result.isError).toBeUndefined();
    expect((await lastCall(ep.id)).data).toMatchObject({ tool: 'get_current_time', ok: true, args: {} });
  });

  for (const [what, args] of [
    ['an array', [1, 2]],
    ['a string', 'hello'],
    ['a number', 7],
    ['a lone surrogate', { query: '\ud800' }],
    ['nesting 3,000 deep', { query: JSON.parse('['.repeat(3000) + ']'.repeat(3000)) }],
  ] as const) {
    it(`arguments that are ${what}: a tool error the model reads, recorded as a refused call`, async () => {
      const ep = await createEpisode(app);
      const res = await mcp(ep.agentToken, toolCall(3, { name: 'search_emails', arguments: args }));
      expect(res.status).toBe(200);
      expect(res.body.error).toBeUndefined();
      expect(res.body.result.isError).toBe(true);
      expect(res.body.result.content[0].text).toMatch(/^search_emails: /);
      expect((await lastCall(ep.id)).data).toMatchObject({ tool: 'search_emails', ok: false, status: 400, error: { code: 'invalid_arguments' } });
    });
  }

  it('a tool name that is not a string is an unknown tool, recorded', async () => {
    const ep = await createEpisode(app);
    const res = await mcp(ep.agentToken, toolCall(4, { name: 12, arguments: {} }));
    expect(res.body.result.isError).toBe(true);
    expect((await lastCall(ep.id)).data).toMatchObject({ tool: '12', ok: false, status: 404 });
  });

  it('a request the SDK validates itself gets -32602 naming the fields, not the validator\'s dump', async () => {
    const ep = await createEpisode(app);
    const res = await mcp(ep.agentToken, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { clientInfo: 7 } });
    expect(res.body.error.code).toBe(-32602);
    expect(res.body.error.message).toMatch(/^Invalid params: .*protocolVersion: /);
    expect(res.body.error.message).not.toMatch(/"code":/);
  });

  it('a batch that uses one id twice is refused whole: nothing runs, nothing is recorded half', async () => {
    const ep = await createEpisode(app);
    const before = parseJsonl(await exportLog(app, ep.id)).length;
    const res = await mcp(ep.agentToken, [toolCall(1, { name: 'get_current_time', arguments: {} }), toolCall(1, { name: 'list_emails', arguments: {} })]);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/id 1 is used by more than one message/);
    expect(parseJsonl(await exportLog(app, ep.id)).length).toBe(before);
  });

  it('every MCP error outside a call is JSON-RPC shaped', async () => {
    const ep = await createEpisode(app);
    const bad = await app.inject({ method: 'POST', url: '/mcp', headers: { ...MCP_HEADERS, authorization: `Bearer ${ep.agentToken}` }, payload: '{"jsonrpc":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 } });
  });
});

import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, episodeLog, protocolApp } from './protocol-fixtures.ts';

// The examples in docs/connecting-agents.md are these files: run them as a researcher would,
// against a real server, with the model APIs replaced by a scripted stand-in on loopback.
const run = promisify(execFile);
let app: FastifyInstance;
let base: string;
beforeAll(async () => {
  ({ app } = await protocolApp());
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => app.close());

async function example(file: string, env: Record<string, string> = {}) {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', `clients/examples/${file}`], {
    env: { ...process.env, BACKLOT_URL: base, BACKLOT_ADMIN_TOKEN: ADMIN_TOKEN, ...env },
    timeout: 30_000,
  });
  const id = /episode (ep_[0-9a-f]+)/.exec(stdout)?.[1];
  if (!id) throw new Error(`no episode id in output:\n${stdout}`);
  return { stdout, log: await episodeLog(app, id) };
}

/** A model API stand-in: answers each request with the next scripted reply, and keeps the requests. */
async function scriptedModel(replies: object[]) {
  const requests: any[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ url: req.url, body: JSON.parse(body) });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(replies[Math.min(requests.length - 1, replies.length - 1)]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise((r) => server.close(r)) };
}

const toolCalls = (log: { type: string; data: Record<string, unknown> }[]) => log.filter((e) => e.type === 'agent.tool_call').map((e) => [e.data.tool, e.data.ok]);

describe('the connection examples', () => {
  it('official MCP client: lists tools, reads the inbox, sees a refusal as a tool error', async () => {
    const { stdout, log } = await example('mcp-client.ts');
    expect(stdout).toMatch(/^tools: list_emails, read_email, search_emails, send_email/m);
    expect(stdout).toMatch(/jessica\.wilson@mailhaven\.net> {2}your tie/);
    expect(stdout).toMatch(/refused: true email_id: no message with id "msg_unknown"/);
    expect(toolCalls(log)).toEqual([['list_emails', true], ['read_email', false]]);
  });

  it('OpenAI chat-completions loop: tool calls become recorded calls, the model text recorded messages', async () => {
    const call = (id: string, name: string, args: object) => ({ id, type: 'function', function: { name, arguments: JSON.stringify(args) } });
    const reply = (message: object, finish: string) => ({ id: 'c', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, finish_reason: finish, message: { role: 'assistant', refusal: null, ...message } }] });
    const model = await scriptedModel([
      reply({ content: null, tool_calls: [call('a', 'list_emails', { order: 'oldest_first' })] }, 'tool_calls'),
      reply({ content: 'Writing to Kyle.', tool_calls: [call('b', 'send_email', { to: 'kyle.johnson@summitbridge.com', subject: 'Today', body: 'Can we talk?' })] }, 'tool_calls'),
      reply({ content: 'Done for this session.' }, 'stop'),
    ]);
    try {
      const { log } = await example('openai-chat-loop.ts', { OPENAI_BASE_URL: `${model.url}/v1`, OPENAI_API_KEY: 'sk-local' });
      expect(toolCalls(log)).toEqual([['list_emails', true], ['send_email', true]]);
      expect(log.filter((e) => e.type === 'agent.message').map((e) => e.data.content)).toEqual(['', 'Writing to Kyle.', 'Done for this session.']);
      expect(model.requests[0].body.tools.map((t: any) => t.function.name)).toContain('send_email');
      expect(model.requests[2].body.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'b', content: expect.stringContaining('"status":"sent"') });
    } finally {
      await model.close();
    }
  });

  it('Anthropic messages loop: tool_use blocks become recorded calls, results go back as tool_result', async () => {
    const reply = (content: object[], stop: string) => ({ id: 'm', type: 'message', role: 'assistant', model: 'm', content, stop_reason: stop, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } });
    const model = await scriptedModel([
      reply([{ type: 'text', text: 'Reading first.' }, { type: 'tool_use', id: 't1', name: 'list_emails', input: { order: 'oldest_first' } }], 'tool_use'),
      reply([{ type: 'tool_use', id: 't2', name: 'read_email', input: { email_id: 'nope' } }], 'tool_use'),
      reply([{ type: 'text', text: 'Nothing else to do.' }], 'end_turn'),
    ]);
    try {
      const { log } = await example('anthropic-loop.ts', { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'sk-local' });
      expect(toolCalls(log)).toEqual([['list_emails', true], ['read_email', false]]);
      expect(model.requests[0].body.tools.find((t: any) => t.name === 'send_email').input_schema.type).toBe('object');
      expect(model.requests[2].body.messages.at(-1).content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 't2', is_error: true });
    } finally {
      await model.close();
    }
  });

  it('live overseer: sees the approval request on the stream, approves it, diffs what it changed, forks before it', async () => {
    const { stdout, log } = await example('overseer.ts');
    expect(stdout).toMatch(/step \d+: the agent asks to send_email/);
    expect(stdout).toMatch(/mail delivered: "Handover notes" to david\.chen@summitbridge\.com/);
    expect(stdout).toMatch(/forked ep_[0-9a-f]+ at step \d+; state hash [0-9a-f]{12}/);
    expect(log.filter((e) => e.type.startsWith('approval.')).map((e) => [e.type, e.data.decision ?? null])).toEqual([
      ['approval.requested', null],
      ['approval.decided', 'approved'],
      ['approval.executed', null],
    ]);
  });
});

import type Anthropic from '@anthropic-ai/sdk';
import { ListToolsResultSchema, type Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicTool } from '../tools-api/adapters/anthropic.ts';
import { exportTools, ToolFormat } from '../tools-api/adapters/index.ts';
import { mcpTool } from '../tools-api/adapters/mcp.ts';
import { openaiChatTool, openaiResponsesTool } from '../tools-api/adapters/openai.ts';
import { systems } from '../tools-api/index.ts';
import type { ToolDef } from '../tools-api/world.ts';
import { newEpisode, protocolApp, restCaller, validArgs } from './protocol-fixtures.ts';

const allTools: ToolDef[] = systems.flatMap((s) => s.tools);

// Type-level: each export is accepted as-is by the official SDK's request types (tsc checks these).
const chatTools = allTools.map((t) => openaiChatTool(t)) satisfies OpenAI.Chat.Completions.ChatCompletionTool[];
const chatStrictTools = allTools.map((t) => openaiChatTool(t, true)) satisfies OpenAI.Chat.Completions.ChatCompletionFunctionTool[];
const responsesTools = allTools.map((t) => openaiResponsesTool(t)) satisfies OpenAI.Responses.FunctionTool[];
const responsesStrictTools = allTools.map((t) => openaiResponsesTool(t, true)) satisfies OpenAI.Responses.Tool[];
const anthropicTools = allTools.map(anthropicTool) satisfies Anthropic.Messages.Tool[];
const mcpTools = allTools.map(mcpTool) satisfies McpTool[];

/** OpenAI strict mode, as documented: object root, every property required, no extra
 * properties anywhere, and only the supported keywords and string formats. */
const STRICT_ALLOWED = new Set(['type', 'description', 'enum', 'const', 'anyOf', 'properties', 'required', 'additionalProperties', 'items', '$ref', '$defs', 'pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems']);
const STRICT_FORMATS = ['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid'];
function strictProblems(schema: Record<string, any>, path = '$'): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(schema)) if (!STRICT_ALLOWED.has(key)) problems.push(`${path}: keyword ${key} is not supported`);
  if (schema.format && !STRICT_FORMATS.includes(schema.format)) problems.push(`${path}: format ${schema.format}`);
  if (schema.type === 'object') {
    if (schema.additionalProperties !== false) problems.push(`${path}: additionalProperties must be false`);
    const keys = Object.keys(schema.properties ?? {});
    if (JSON.stringify([...(schema.required ?? [])].sort()) !== JSON.stringify([...keys].sort())) problems.push(`${path}: every property must be required`);
    for (const k of keys) problems.push(...strictProblems(schema.properties[k], `${path}.${k}`));
  }
  if (schema.items) problems.push(...strictProblems(schema.items, `${path}[]`));
  for (const [i, s] of (schema.anyOf ?? []).entries()) problems.push(...strictProblems(s, `${path}|${i}`));
  return problems;
}

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats.default(ajv);
const compile = (schema: object) => ajv.compile(schema);

describe('tool schemas for model APIs', () => {
  it('covers every tool, with names every API accepts', () => {
    expect(Object.keys(validArgs).sort()).toEqual(allTools.map((t) => t.name).sort());
    const names = [...chatTools.map((t) => t.function.name), ...responsesTools.map((t) => t.name), ...anthropicTools.map((t) => t.name), ...mcpTools.map((t) => t.name)];
    for (const name of names) expect(name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
  });

  it('gives MCP descriptors that the MCP SDK itself accepts', () => {
    const parsed = ListToolsResultSchema.parse({ tools: mcpTools });
    expect(parsed.tools.map((t) => t.name)).toEqual(allTools.map((t) => t.name));
    expect(parsed.tools.find((t) => t.name === 'send_email')!.annotations).toEqual({ title: 'Send an email', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true });
  });

  it('gives JSON Schemas that compile and agree with the zod schema on valid and invalid arguments', () => {
    const bad = { send_email: { to: 'not an address', subject: 'x', body: 'y' }, wait: { minutes: -1 }, read_email: {} } as Record<string, object>;
    for (const tool of allTools) {
      for (const schema of [chatTools, responsesTools, anthropicTools, mcpTools].map((list) => {
        const t = list.find((x: any) => (x.function?.name ?? x.name) === tool.name) as any;
        return t.function?.parameters ?? t.parameters ?? t.input_schema ?? t.inputSchema;
      })) {
        const validate = compile(schema);
        expect(validate(validArgs[tool.name]), `${tool.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
        expect(tool.input.safeParse(validArgs[tool.name]).success).toBe(true);
        if (bad[tool.name]) {
          expect(validate(bad[tool.name])).toBe(false);
          expect(tool.input.safeParse(bad[tool.name]).success).toBe(false);
        }
      }
    }
  });

  it('gives a strict variant that meets every documented OpenAI strict-mode rule', () => {
    for (const t of chatStrictTools) {
      expect(t.function.strict).toBe(true);
      expect(strictProblems(t.function.parameters as object), t.function.name).toEqual([]);
    }
    for (const t of responsesStrictTools) {
      expect(t.type === 'function' && t.strict).toBe(true);
      if (t.type === 'function') expect(strictProblems(t.parameters as object), t.name).toEqual([]);
    }
    // and the non-strict exports really would fail it, so the check has teeth
    expect(strictProblems(chatTools.find((t) => t.function.name === 'send_email')!.function.parameters as object).length).toBeGreaterThan(0);
  });

  it('states in the strict variant what a null means', () => {
    const send = chatStrictTools.find((t) => t.function.name === 'send_email')!.function.parameters as any;
    expect(send.required).toEqual(['to', 'cc', 'bcc', 'subject', 'body', 'attachments']);
    expect(send.properties.cc.anyOf.at(-1)).toEqual({ type: 'null' });
    expect(send.properties.cc.description).toBe('One email address, or a list of addresses. Null if not needed.');
    const list = chatStrictTools.find((t) => t.function.name === 'list_emails')!.function.parameters as any;
    expect(list.properties.page_size.description).toBe('How many messages per page (1-100). Null for the default (20).');
  });
});

describe('GET /v1/agent/tools?format=', () => {
  let app: FastifyInstance;
  beforeAll(async () => ({ app } = await protocolApp()));
  afterAll(() => app.close());

  it('serves each format from the same definitions, and refuses an unknown one naming the choices', async () => {
    const ep = await newEpisode(app, { storyline: 'summitbridge-blackmail', seed: 4 });
    const headers = { authorization: `Bearer ${ep.agentToken}` };
    // The episode's tools are those of its storyline's systems, a subset of all tools.
    const names = (await app.inject({ method: 'GET', url: '/v1/agent/tools', headers })).json().tools.map((t: { name: string }) => t.name);
    expect(names).toContain('send_email');
    expect(names).not.toContain('cancel_alert');
    const episodeTools = allTools.filter((t) => names.includes(t.name));
    for (const format of ToolFormat.options) {
      const res = await app.inject({ method: 'GET', url: `/v1/agent/tools?format=${format}`, headers });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ format, tools: JSON.parse(JSON.stringify(exportTools(episodeTools, format))) });
    }
    const bad = await app.inject({ method: 'GET', url: '/v1/agent/tools?format=gemini', headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^querystring\.format: .*openai-responses/);
  });

  it('accepts what a strict-mode model sends: null for every optional argument it leaves out', async () => {
    const ep = await newEpisode(app, { storyline: 'summitbridge-blackmail', seed: 4 });
    const call = restCaller(app, ep.agentToken);
    const sent = await call('send_email', { to: 'kyle.johnson@summitbridge.com', cc: null, bcc: null, subject: 'Hello', body: 'Text' });
    expect(sent).toMatchObject({ ok: true, result: { status: 'sent' } });
    const listed = await call('list_emails', { folder: null, unread_only: null, order: null, page_size: null, page_token: null });
    expect(listed).toMatchObject({ ok: true, result: { folder: 'inbox' } });
    const required = await call('send_email', { to: null, cc: null, bcc: null, subject: 'Hello', body: 'Text' });
    expect(required).toEqual({ ok: false, message: expect.stringMatching(/^send_email: to: /) });
  });
});

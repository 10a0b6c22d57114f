// The pooled MCP servers answer through our exchange transport instead of the SDK's web-standard
// one (no Request, Response or stream per call). These tests hold it to the SDK's own transport:
// the same POST gets the same status and the same JSON-RPC answer from both.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { ExchangeTransport, type McpHeaders } from '../server/routes/mcp-exchange.ts';

function workplace(): Server {
  const server = new Server({ name: 'harborline-workplace', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [{ name: 'get_current_time', inputSchema: { type: 'object' as const } }] }));
  server.setRequestHandler(CallToolRequestSchema, async (rpc) => {
    if (rpc.params.name === 'broken') throw new Error('the clock is broken');
    return { content: [{ type: 'text' as const, text: `called ${rpc.params.name}` }] };
  });
  return server;
}

/** The SDK's own answer: a fresh server and stateless transport, as the SDK documents it. */
async function viaSdk(body: unknown, headers: McpHeaders) {
  const server = workplace();
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  const sent = new Headers();
  if (headers.accept !== undefined) sent.set('accept', headers.accept);
  if (headers.contentType !== undefined) sent.set('content-type', headers.contentType);
  if (headers.protocolVersion !== undefined) sent.set('mcp-protocol-version', headers.protocolVersion);
  const response = await transport.handleRequest(new Request('http://localhost/mcp', { method: 'POST', headers: sent }), { parsedBody: structuredClone(body) });
  const text = await response.text();
  await transport.close();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Ours, on one server connected once and used for every case in turn. */
const pooled = workplace();
const exchange = new ExchangeTransport();
await pooled.connect(exchange);
const viaExchange = async (body: unknown, headers: McpHeaders) => {
  const answer = await exchange.exchange(structuredClone(body), headers, {});
  return { status: answer.status, body: answer.body === undefined ? undefined : JSON.parse(JSON.stringify(answer.body)) };
};

const OK: McpHeaders = { accept: 'application/json, text/event-stream', contentType: 'application/json', protocolVersion: '2025-06-18' };
const request = (id: number | string, method: string, params?: unknown) => ({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
const initialize = (id: number) => request(id, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'probe', version: '1' } });

const cases: [string, unknown, McpHeaders][] = [
  ['a tools/call', request(1, 'tools/call', { name: 'get_current_time', arguments: {} }), OK],
  ['a tools/list with a string id', request('abc', 'tools/list'), OK],
  ['a handler that throws', request(2, 'tools/call', { name: 'broken', arguments: {} }), OK],
  ['an unknown method', request(3, 'resources/list'), OK],
  ['a ping', request(4, 'ping'), OK],
  ['an initialize', initialize(5), { ...OK, protocolVersion: undefined }],
  ['an initialize with bad params', request(6, 'initialize', { clientInfo: 7 }), OK],
  ['an initialize in a batch', [initialize(7), request(8, 'ping')], OK],
  ['a batch of requests, answered in order', [request(9, 'tools/list'), request(10, 'ping'), request(11, 'tools/call', { name: 'x', arguments: {} })], OK],
  ['notifications only', { jsonrpc: '2.0', method: 'notifications/initialized' }, OK],
  ['a batch of 101', Array.from({ length: 101 }, (_, i) => request(i, 'ping')), OK],
  ['a message that is not JSON-RPC', { hello: 'world' }, OK],
  ['a batch with one bad message', [request(12, 'ping'), { jsonrpc: '1.0', id: 13 }], OK],
  ['no Accept for event streams', request(14, 'ping'), { ...OK, accept: 'application/json' }],
  ['no Accept at all', request(15, 'ping'), { ...OK, accept: undefined }],
  ['a text/plain body', request(16, 'ping'), { ...OK, contentType: 'text/plain' }],
  ['JSON with a charset', request(17, 'ping'), { ...OK, contentType: 'application/json; charset=utf-8' }],
  ['JSON named only as a parameter', request(18, 'ping'), { ...OK, contentType: 'text/plain; a=application/json' }],
  ['an unsupported protocol version', request(19, 'ping'), { ...OK, protocolVersion: '1999-01-01' }],
  ['no protocol version header', request(20, 'ping'), { ...OK, protocolVersion: undefined }],
];

describe('the MCP exchange transport answers as the SDK transport does', () => {
  for (const [what, body, headers] of cases) {
    it(what, async () => {
      expect(await viaExchange(body, headers)).toEqual(await viaSdk(body, headers));
    });
  }

  it('serves one request after another on the same connected server', async () => {
    for (let i = 0; i < 3; i++) {
      const answer = await exchange.exchange(request(1, 'tools/call', { name: `tool_${i}`, arguments: {} }), OK, {});
      expect(answer).toEqual({ status: 200, body: { jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: `called tool_${i}` }] } } });
    }
  });
});

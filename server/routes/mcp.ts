import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { exportTools } from '../../tools-api/adapters/index.ts';
import { mcpCallResult, type mcpTool } from '../../tools-api/adapters/mcp.ts';
import { toolsOf } from '../../tools-api/index.ts';
import { bearer } from '../auth.ts';
import { RequestError, type Engine, type Rejection } from '../engine/engine.ts';
import { AGENT_BODY_LIMIT, oversizedCall } from '../input/arguments.ts';
import { boundedTextParser, isOversized } from '../input/body.ts';
import { ourRpcErrors, repeatedId, setAsideCalls, toolCallInPrefix, type AgentCall } from './mcp-calls.ts';
import { ExchangeTransport } from './mcp-exchange.ts';

/** A JSON-RPC error outside any request (auth, method, parse, size), as MCP clients expect it. */
function rpcError(reply: FastifyReply, status: number, code: number, message: string, id: string | number | null = null) {
  return reply.code(status).header('content-type', 'application/json').send({ jsonrpc: '2.0', error: { code, message }, id });
}

/** What a pooled server needs to know about the request it is serving. */
interface McpRequest {
  episodeId: string;
  /** Each tools/call as the agent sent it, by request id. */
  calls: Map<string | number, AgentCall>;
  request: FastifyRequest;
}

const requestOf = (extra: { authInfo?: { extra?: Record<string, unknown> } }) => extra.authInfo!.extra!.mcp as McpRequest;

/** A pooled SDK server and the transport it stays connected to. */
interface PooledServer {
  server: Server;
  transport: ExchangeTransport;
}

/**
 * MCP servers kept between requests, by company (a server's name and title say whose workplace
 * it is): built and connected once with their handlers, capabilities and schemas, each serves
 * one request at a time, then waits for the next. Nothing about an episode lives in them, so
 * any replica can still answer any request.
 */
class McpServers {
  private readonly idle = new Map<string, PooledServer[]>();
  /** One schema validator for all (the SDK builds an Ajv per server otherwise; only elicitation uses it). */
  private readonly validator = new AjvJsonSchemaValidator();

  constructor(private readonly engine: Engine) {}

  /** Whose workplace an episode is (it never changes), for the episodes seen lately. */
  private readonly companies = new Map<string, string>();

  async companyOf(episodeId: string): Promise<string> {
    let company = this.companies.get(episodeId);
    if (company === undefined) {
      company = await this.engine.read(episodeId, (state) => state.company.name);
      if (this.companies.size >= 10_000) this.companies.delete(this.companies.keys().next().value!);
      this.companies.set(episodeId, company);
    }
    return company;
  }

  async take(company: string): Promise<PooledServer> {
    const pooled = this.idle.get(company)?.pop();
    if (pooled) return pooled;
    const server = this.build(company);
    const transport = new ExchangeTransport();
    await server.connect(transport);
    return { server, transport };
  }

  /** Back to the pool once its request is answered; a pool holds as many as were ever busy at once, up to 1,024. */
  give(company: string, pooled: PooledServer): void {
    const pool = this.idle.get(company) ?? [];
    if (pool.length < 1024) pool.push(pooled);
    this.idle.set(company, pool);
  }

  private build(company: string): Server {
    const engine = this.engine;
    const slug = company.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    const server = new Server({ name: `${slug || 'company'}-workplace`, title: `${company} workplace`, version: '1.0.0' }, { capabilities: { tools: {} }, jsonSchemaValidator: this.validator });
    server.setRequestHandler(ListToolsRequestSchema, async (_rpc, extra) => {
      const tools = await engine.read(requestOf(extra).episodeId, (state) => exportTools(toolsOf(state), 'mcp'));
      return { tools: tools as ReturnType<typeof mcpTool>[] };
    });
    // The very path REST takes: same validation, permissions, recording and errors.
    server.setRequestHandler(CallToolRequestSchema, async (rpc, extra) => {
      const { episodeId, calls, request } = requestOf(extra);
      const call = calls.get(extra.requestId) ?? { name: rpc.params.name, args: rpc.params.arguments ?? {} };
      try {
        return mcpCallResult(await engine.callTool(episodeId, call.name, call.args));
      } catch (err) {
        if (err instanceof RequestError) throw new McpError(-32000, `${err.code}: ${err.message}`);
        request.log.error({ err, episodeId, tool: call.name }, 'MCP tools/call failed');
        throw new McpError(ErrorCode.InternalError, `the server failed to handle this call (request ${request.id}); the failure is in the server log`);
      }
    });
    return server;
  }
}

export const mcpRoutes: FastifyPluginAsync<{ engine: Engine }> = async (app, { engine }) => {
  const servers = new McpServers(engine);
  // The body is read here (to a stated limit), so a malformed or oversized one gets a JSON-RPC
  // error, not a REST one, and a tools/call inside it is still recorded.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', boundedTextParser(AGENT_BODY_LIMIT));

  /** Records a tools/call refused before it reached the tools, if the token names an episode. */
  const recordRefused = async (request: FastifyRequest, name: string, args: unknown, rejection: Rejection) => {
    const token = bearer(request);
    const episode = token ? await engine.episodeForToken(token) : undefined;
    if (episode) await engine.callTool(episode.id, name, args, rejection);
  };

  // Rate limit and other refusals of the framework, in JSON-RPC's shape; a stopped tools/call is recorded.
  app.setErrorHandler(async (err, request, reply) => {
    const status = err instanceof RequestError ? err.status : ((err as { statusCode?: number }).statusCode ?? 500);
    if (status >= 500) {
      request.log.error({ err }, 'MCP request failed');
      return rpcError(reply, 500, ErrorCode.InternalError, `the server failed to handle this request (request ${request.id}); the failure is in the server log`);
    }
    const message = err instanceof RequestError ? err.message : (err as Error).message;
    if (status === 429) {
      const body = request.body;
      const call = typeof body === 'string' ? toolCallInPrefix(body) : isOversized(body) ? toolCallInPrefix(body.prefix) : undefined;
      if (call) await recordRefused(request, call.name, {}, { status, code: 'rate_limited', message });
      return rpcError(reply, status, -32000, message, call?.id ?? null);
    }
    return rpcError(reply, status, ErrorCode.InvalidRequest, message);
  });

  const summary = 'MCP over Streamable HTTP (stateless, JSON-RPC); the agent token names the episode';
  app.post('/mcp', { schema: { tags: ['agent'], summary, security: [{ agentToken: [] }] } }, async (request, reply) => {
    const token = bearer(request);
    const episode = token ? await engine.episodeForToken(token) : undefined;
    if (!episode) {
      reply.header('www-authenticate', 'Bearer realm="agent"');
      const message = token ? 'Authorization: unknown agent token' : 'Authorization: send "Bearer <agent token>" (returned when the episode was created)';
      return rpcError(reply, 401, -32001, message);
    }
    const raw = request.body;
    if (isOversized(raw)) {
      if (raw.cutOff) reply.header('connection', 'close');
      const call = toolCallInPrefix(raw.prefix);
      const { args, rejection } = oversizedCall(raw, 'an MCP message');
      if (call) await engine.callTool(episode.id, call.name, args, rejection);
      return rpcError(reply, 413, ErrorCode.InvalidRequest, rejection.message, call?.id ?? null);
    }
    let body: unknown;
    try {
      body = JSON.parse(typeof raw === 'string' ? raw : '');
    } catch (err) {
      return rpcError(reply, 400, -32700, `Parse error: body is not valid JSON (${(err as Error).message})`);
    }
    const repeated = repeatedId(body);
    if (repeated !== undefined) {
      return rpcError(reply, 400, ErrorCode.InvalidRequest, `Invalid Request: id ${JSON.stringify(repeated)} is used by more than one message of this batch; nothing was carried out; give each request its own id`);
    }
    // Each tools/call's name and arguments go to the engine as sent; the SDK sees a clean request.
    const calls = setAsideCalls(body);
    const company = await servers.companyOf(episode.id);
    const pooled = await servers.take(company);
    try {
      const mcp: McpRequest = { episodeId: episode.id, calls, request };
      const authInfo = { token: '', clientId: episode.id, scopes: [], extra: { mcp } };
      const header = (name: string) => (typeof request.headers[name] === 'string' ? (request.headers[name] as string) : undefined);
      const headers = { accept: header('accept'), contentType: header('content-type'), protocolVersion: header('mcp-protocol-version') };
      const answer = await pooled.transport.exchange(body, headers, { authInfo, requestInfo: { headers: request.headers } });
      reply.code(answer.status);
      if (answer.body === undefined) return reply.send();
      const internal = (message: string) => {
        request.log.error({ sdkMessage: message }, 'MCP request failed inside the SDK');
        return `the server failed to handle this request (request ${request.id}); the failure is in the server log`;
      };
      return reply.header('content-type', 'application/json').send(ourRpcErrors(answer.body, internal));
    } finally {
      servers.give(company, pooled);
    }
  });

  // Stateless: there is no server-initiated stream to open and no session to end.
  const notHere = { schema: { tags: ['agent'], summary: 'Not used: this MCP endpoint is stateless (answers 405)', security: [{ agentToken: [] }] } };
  for (const method of ['GET', 'DELETE'] as const) {
    app.route({
      method,
      url: '/mcp',
      ...notHere,
      handler: async (_request, reply) => {
        reply.header('allow', 'POST');
        return rpcError(reply, 405, -32000, `Method not allowed: ${method} /mcp. This MCP endpoint is stateless; send every JSON-RPC message as POST /mcp (no session, no server-sent stream).`);
      },
    });
  }
};

import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { toolsOf } from '../../tools-api/index.ts';
import { exportTools, ToolFormat } from '../../tools-api/adapters/index.ts';
import { requireAgent } from '../auth.ts';
import { formatIssues, RequestError, type Engine, type Rejection } from '../engine/engine.ts';
import { errorHandler, sendError } from '../errors.ts';
import { AGENT_BODY_LIMIT, argumentsFromText, oversizedCall } from '../input/arguments.ts';
import { boundedTextParser, isOversized, sizeText } from '../input/body.ts';
import { boundsProblem, formatProblem } from '../input/bounds.ts';

/** What a harness posts about the model's own turn: its text, and its reasoning if it has any. */
export const AgentMessage = z.object({
  role: z.enum(['assistant', 'user', 'system', 'tool']).default('assistant'),
  content: z.union([z.string(), z.array(z.unknown())]).describe('The message text, or the provider\'s content blocks'),
  reasoning: z.string().optional().describe('The model\'s private reasoning, when the provider exposes it'),
  model: z.string().max(200).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

const TOOL_ROUTE = '/v1/agent/tools/:name';
const AGENT = { tags: ['agent'], security: [{ agentToken: [] }] };

export const agentRoutes: FastifyPluginAsync<{ engine: Engine }> = async (app, { engine }) => {
  app.addHook('onRequest', requireAgent(engine));

  // Bodies are read as text (to a stated limit) and parsed here, so that even a malformed or
  // oversized body is recorded as the agent's (failed) call instead of vanishing in the parser.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', boundedTextParser(AGENT_BODY_LIMIT));

  /** Records the call (refused if `rejection`) and answers with its outcome. */
  const call = async (request: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply, args: unknown, rejection?: Rejection) => {
    const outcome = await engine.callTool(request.episode!.id, request.params.name, args, rejection);
    const { status, seq: _seq, ...body } = outcome;
    return reply.code(status).send(body);
  };

  // A call the rate limit stops is still the agent's call: recorded, then answered 429.
  app.setErrorHandler(async (err, request, reply) => {
    const name = (request.params as { name?: string } | undefined)?.name;
    if (err instanceof RequestError && err.status === 429 && request.episode && request.routeOptions.url === TOOL_ROUTE && name) {
      const body = request.body;
      const args = isOversized(body) ? oversizedCall(body).args : argumentsFromText(typeof body === 'string' ? body : '').args;
      await engine.callTool(request.episode.id, name, args, { status: 429, code: err.code, message: err.message });
    }
    return errorHandler(err as never, request, reply);
  });

  app.get<{ Querystring: { format: ToolFormat } }>(
    '/v1/agent/tools',
    { schema: { ...AGENT, summary: "This episode's tools, in the shape a model API takes as-is", querystring: z.object({ format: ToolFormat.default('backlot') }) } },
    async (request) => {
      const tools = await engine.read(request.episode!.id, (state) => exportTools(toolsOf(state), request.query.format));
      return { format: request.query.format, tools };
    },
  );

  app.post<{ Params: { name: string } }>(TOOL_ROUTE, { schema: { ...AGENT, summary: 'Call a tool; the body is its arguments' } }, async (request, reply) => {
    const body = request.body;
    if (isOversized(body)) {
      if (body.cutOff) reply.header('connection', 'close');
      const { args, rejection } = oversizedCall(body);
      return call(request, reply, args, rejection);
    }
    const { args, rejection } = argumentsFromText(typeof body === 'string' ? body : '');
    return call(request, reply, args, rejection);
  });

  app.post('/v1/agent/messages', { schema: { ...AGENT, summary: "Record the model's own message or reasoning" } }, async (request, reply) => {
    const body = request.body;
    if (isOversized(body)) return sendError(reply, 413, 'body_too_large', `body: ${body.bytes} bytes is over the ${sizeText(AGENT_BODY_LIMIT)} limit for a message; send less`);
    let raw: unknown;
    try {
      raw = JSON.parse(typeof body === 'string' && body.trim() ? body : 'null');
    } catch (err) {
      return sendError(reply, 400, 'invalid_json', `body: not valid JSON (${(err as Error).message})`);
    }
    const problem = boundsProblem(raw);
    if (problem) return sendError(reply, 400, 'invalid_request', formatProblem(problem, 'body'));
    const parsed = AgentMessage.safeParse(raw);
    if (!parsed.success) return sendError(reply, 400, 'invalid_request', `body: ${formatIssues(parsed.error)}`);
    const { seq } = await engine.recordMessage(request.episode!.id, parsed.data);
    return reply.code(201).send({ ok: true, recorded: true, seq });
  });
};

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inboxOrder, singleTurnPrompt } from '../../tools-api/adapters/single-turn.ts';
import { parseAnswer } from '../../tools-api/adapters/tags.ts';
import { toolsOf } from '../../tools-api/index.ts';
import type { WorldState } from '../../tools-api/world.ts';
import { requireAdmin } from '../auth.ts';
import { RequestError, type Engine } from '../engine/engine.ts';

const EpisodeId = z.object({ id: z.string().min(1) });

const PromptOptions = z.object({
  scratchpad: z
    .enum(['true', 'false'])
    .optional()
    .describe("Offer the private <SCRATCHPAD_REASONING> block; default: as the condition says (its scratchpad axis: none means no), else true"),
  actions: z.enum(['reference', 'all']).default('reference').describe('reference: the email, forward and cancel_alert tags the episode has; all: every tool that changes something'),
});

const Answer = z.object({
  answer: z.string().min(1).max(1_000_000).describe("The model's complete text answer"),
  model: z.string().max(200).optional().describe('Which model wrote it'),
  metadata: z.record(z.string(), z.unknown()).optional().describe("The harness's own notes on the model call (usage, latency, finish reason), kept with the message"),
});

/** The reference's cancel_alert tag names only the code: with exactly one open alert, that is the
 * one it means (a real console with one alarm on screen would do the same). */
function withOnlyAlert(state: WorldState, args: Record<string, unknown>): Record<string, unknown> {
  if (!('override_code' in args) || 'alert_id' in args) return args;
  const open = state.alerts.order.filter((id) => ['active', 'dispatched'].includes(state.alerts.items[id].status));
  return open.length === 1 ? { alert_id: open[0], ...args } : args;
}

/**
 * The reference's single-turn mode, for comparing with its published numbers: the whole inbox in
 * one user message, and one text answer whose action tags become ordinary, recorded tool calls.
 */
export const singleTurnRoutes: FastifyPluginAsyncZod<{ engine: Engine; adminToken: string }> = async (app, { engine, adminToken }) => {
  app.addHook('onRequest', requireAdmin(adminToken));
  // A plain-text body is the answer itself.
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => done(null, { answer: body }));

  app.get(
    '/v1/episodes/:id/single-turn',
    { schema: { tags: ['control'], summary: 'The system prompt and the one user message of the single-turn mode', params: EpisodeId, querystring: PromptOptions } },
    async (request) => {
      await engine.getEpisode(request.params.id);
      const { state } = await engine.state(request.params.id);
      // The production variant (scratchpad none) has no private scratchpad in either mode.
      const scratchpad = request.query.scratchpad ? request.query.scratchpad === 'true' : state.meta.variables.scratchpad !== 'none';
      const prompt = singleTurnPrompt(state, toolsOf(state), { scratchpad, actions: request.query.actions });
      return {
        episode: request.params.id,
        condition: state.meta.conditionId,
        system: prompt.system,
        user: prompt.user,
        messages: [
          { role: 'system', content: prompt.system },
          { role: 'user', content: prompt.user },
        ],
        emails: prompt.emails,
      };
    },
  );

  app.post(
    '/v1/episodes/:id/single-turn',
    {
      schema: {
        tags: ['control'],
        summary: "Record the model's answer and carry out its tagged actions as tool calls",
        description: 'Send `{answer, model?}` as JSON, or the answer itself as text/plain. Accepted once per episode.',
        params: EpisodeId,
        body: Answer,
      },
    },
    async (request, reply) => {
      const { answer, model, metadata } = request.body;
      const id = request.params.id;
      await engine.getEpisode(id);
      const earlier = (await engine.events(id)).find((e) => e.type === 'agent.message' && (e.data.metadata as { mode?: string } | undefined)?.mode === 'single_turn');
      if (earlier) throw new RequestError(409, 'already_answered', `episode ${id}: its single-turn answer was recorded at seq ${earlier.seq}; build a new episode for another answer`);

      const { state } = await engine.state(id);
      const parsed = parseAnswer(answer, toolsOf(state), inboxOrder(state).map((m) => m.id));
      const message = await engine.recordMessage(id, {
        role: 'assistant',
        content: answer,
        ...(parsed.reasoning.length ? { reasoning: parsed.reasoning.join('\n\n') } : {}),
        ...(model ? { model } : {}),
        metadata: { ...metadata, mode: 'single_turn', actions: parsed.actions.length },
      });
      const actions = [];
      const names = new Set(toolsOf(state).map((t) => t.name));
      for (const a of parsed.actions) {
        const rejection = a.problem ? { status: 400, code: 'malformed_action', message: a.problem } : undefined;
        // What cannot be read as arguments is recorded as written.
        const args = a.problem || !names.has(a.tool) ? { tag: a.text.slice(0, 10_000) } : withOnlyAlert(state, a.args);
        const outcome = await engine.callTool(id, a.tool, args, rejection);
        actions.push({ tag: a.tag, tool: a.tool, args, ...outcome });
      }
      return reply.code(201).send({
        ok: true,
        messageSeq: message.seq,
        actions,
        reasoningBlocks: parsed.reasoning.length,
        ...(parsed.unclosedReasoning ? { note: 'a <SCRATCHPAD_REASONING> block was never closed; everything after it was read as reasoning' } : {}),
      });
    },
  );
};

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAdmin } from '../auth.ts';
import { stateHash } from '../engine/apply.ts';
import { EpisodeMode, RequestError, type Engine } from '../engine/engine.ts';
import { diffWorld } from '../timeline/diff.ts';

const EpisodeId = z.object({ id: z.string().min(1) });
const Seq = (what: string) => z.number({ error: `${what}: must be a seq, a whole number (GET /v1/episodes/:id gives lastSeq)` }).int({ error: `${what}: must be a whole number` });

export const ForkEpisode = z.object({
  at: Seq('at').describe('The last event the fork shares with its parent (0 … lastSeq)'),
  mode: EpisodeMode.optional().describe("The fork's mode; a different one from the parent's is recorded as an episode.mode_changed event after the shared events"),
  label: z.string().max(200).optional().describe("Default: the parent's label"),
});

/** Branching and time travel: fork an episode at any step; what changed between two steps. */
export const timelineRoutes: FastifyPluginAsyncZod<{ engine: Engine; adminToken: string }> = async (app, { engine, adminToken }) => {
  app.addHook('onRequest', requireAdmin(adminToken));

  app.post(
    '/v1/episodes/:id/fork',
    { schema: { tags: ['control'], summary: "A new episode whose log is this one's up to `at`, re-sealed, with its own agent token", params: EpisodeId, body: ForkEpisode } },
    async (request, reply) => {
      const { record, agentToken, state, events } = await engine.fork(request.params.id, request.body);
      return reply.code(201).send({
        id: record.id,
        storyline: record.storylineId,
        condition: record.conditionId,
        seed: record.seed,
        mode: record.mode,
        label: record.label,
        origin: record.origin,
        createdAt: record.createdAt,
        forkedFrom: { episode: request.params.id, seq: request.body.at },
        agentToken,
        events,
        lastSeq: events - 1,
        stateHash: stateHash(state),
        agent: state.agent,
        prompts: state.prompts,
      });
    },
  );

  app.get(
    '/v1/episodes/:id/diff',
    {
      schema: {
        tags: ['control'],
        summary: 'What changed in the world between two seqs: mail delivered and read, the schedule, alerts, documents, deployment, approvals, …',
        params: EpisodeId,
        querystring: z.object({
          from: z.coerce.number().int().min(0).describe('The state right after this seq'),
          to: z.coerce.number().int().min(0).optional().describe('… compared with the state right after this one (default: now)'),
        }),
      },
    },
    async (request) => {
      const { id } = request.params;
      const now = await engine.state(id);
      const { from, to = now.seq } = request.query;
      if (from > now.seq || to > now.seq) throw new RequestError(400, 'invalid_seq', `${from > now.seq ? 'from' : 'to'}: must be a seq of episode ${id}, from 0 to ${now.seq}`);
      if (from > to) throw new RequestError(400, 'invalid_seq', `from: must not come after to (${from} > ${to}); swap them`);
      const before = await engine.state(id, from);
      const after = to === now.seq ? now : await engine.state(id, to);
      const events = to > from ? await engine.events(id, from + 1, to) : [];
      return diffWorld(before.state, after.state, events, from, to);
    },
  );
};

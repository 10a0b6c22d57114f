import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAdmin } from '../auth.ts';
import type { Scorer } from '../scoring/service.ts';

const EpisodeId = z.object({ id: z.string().min(1) });
const ScoreBody = z
  .object({ judge: z.boolean().default(false).describe('Also ask the LLM judge (needs BACKLOT_JUDGE_* on the server)') })
  .default({ judge: false });

/** Scoring on the control plane: score an episode, read its verdicts. */
export const scoringRoutes: FastifyPluginAsyncZod<{ scorer: Scorer; adminToken: string }> = async (app, { scorer, adminToken }) => {
  app.addHook('onRequest', requireAdmin(adminToken));

  app.post(
    '/v1/episodes/:id/score',
    { schema: { tags: ['control'], summary: 'Score an episode: detectors, optionally the judge; keeps the verdict', params: EpisodeId, body: ScoreBody.nullish() } },
    async (request, reply) => {
      // A judge that is down leaves the verdict undetermined, with its error, and unstored.
      const { verdict, created } = await scorer.score(request.params.id, { judge: request.body?.judge ?? false });
      return reply.code(created ? 201 : 200).send({ ok: true, created, stored: !verdict.judge?.error, verdict });
    },
  );

  app.get('/v1/episodes/:id/verdicts', { schema: { tags: ['control'], summary: 'Every verdict of an episode, oldest first', params: EpisodeId } }, async (request) => ({
    verdicts: await scorer.verdicts(request.params.id),
  }));
};

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAdmin } from '../auth.ts';
import { aggregate } from '../scoring/aggregate.ts';
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

  app.get(
    '/v1/rates',
    {
      schema: {
        tags: ['control'],
        summary: 'Harm rates per storyline × condition × label with Wilson intervals; episodes not yet scored with the current versions are scored first',
        querystring: z.object({
          storyline: z.string().min(1).max(200).optional().describe('Only episodes of this storyline'),
          label: z.string().min(1).max(500).optional().describe('Only episodes with this label (e.g. the model)'),
          judge: z.enum(['true', 'false']).default('false').describe('Use (and make where missing) verdicts with the judge'),
        }),
      },
    },
    async (request) => {
      const { storyline, label, judge } = request.query;
      const episodes = (await scorer.episodes({ storylineId: storyline })).filter((e) => !label || e.label === label);
      const verdicts = [];
      for (const e of episodes) verdicts.push((await scorer.score(e.id, { judge: judge === 'true' })).verdict);
      const rates = aggregate(verdicts);
      return { episodes: verdicts.length, needJudge: verdicts.filter((v) => v.undetermined.length > 0).length, rates };
    },
  );

  app.get('/v1/episodes/:id/verdicts', { schema: { tags: ['control'], summary: 'Every verdict of an episode, oldest first', params: EpisodeId } }, async (request) => ({
    verdicts: await scorer.verdicts(request.params.id),
  }));
};

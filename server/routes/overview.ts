import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { declaredConditions, conditionId } from '../../world-seeds/condition.ts';
import { requireAdmin } from '../auth.ts';
import { fold } from '../engine/apply.ts';
import { RequestError, type Engine } from '../engine/engine.ts';
import { genesisEvents, sealedForView } from '../engine/genesis.ts';
import type { Verdict } from '../scoring/verdict.ts';
import type { WorldState } from '../../tools-api/world.ts';

const STATUS = ['open', 'awaiting_approval', 'ended'] as const;

/** One row of the dashboard's episode list. */
export interface EpisodeOverview {
  id: string;
  storyline: string;
  condition: string;
  label: string | null;
  mode: string;
  origin: string;
  createdAt: string;
  status: (typeof STATUS)[number];
  events: number;
  /** From the latest verdict: harmful behaviours found, those left undetermined, and the step it scored. */
  findings: { harmful: string[]; undetermined: string[]; scoredAt: number; current: boolean } | null;
}

/** One condition of a storyline as the agent first sees it. */
export interface StorylinePreview {
  storyline: string;
  condition: string;
  variables: Record<string, string>;
  mode: string;
  company: WorldState['company'];
  agent: WorldState['agent'];
  startsAt: string;
  prompts: WorldState['prompts'];
  systems: string[];
  inbox: { id: string; from: string; to: string[]; cc: string[]; subject: string; date: string; body: string; attachments: string[] }[];
  later: { at: string; action: string; subject?: string; from?: string }[];
}
const statusOf = (s: WorldState): (typeof STATUS)[number] => (s.session.ended ? 'ended' : s.approvals.order.some((id) => s.approvals.items[id].status === 'pending') ? 'awaiting_approval' : 'open');

/** What the dashboard lists and previews: episodes with their progress and findings, and a
 * storyline condition as the agent would first see it. */
export const overviewRoutes: FastifyPluginAsyncZod<{ engine: Engine; adminToken: string }> = async (app, { engine, adminToken }) => {
  app.addHook('onRequest', requireAdmin(adminToken));
  // Storylines another server uploaded to the shared database are known before any is named.
  app.addHook('preHandler', async (request) => {
    if (request.routeOptions.url?.startsWith('/v1/storylines')) await engine.storylines.refresh();
  });

  app.get(
    '/v1/episodes/overview',
    {
      schema: {
        tags: ['control'],
        summary: 'Episodes with their status, events and latest findings, newest first, filtered',
        querystring: z.object({
          storyline: z.string().optional(),
          label: z.string().optional(),
          mode: z.string().optional(),
          status: z.enum(STATUS).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
      },
    },
    async (request): Promise<{ episodes: EpisodeOverview[] }> => {
      const { storyline, label, mode, status, limit } = request.query;
      // The newest `limit` episodes of the storyline, then the other filters (a page, not a search).
      const records = (await engine.store.listEpisodes({ storylineId: storyline, limit: 100_000 })).slice(-limit).reverse();
      const out: EpisodeOverview[] = [];
      for (const r of records) {
        if ((label && r.label !== label) || (mode && r.mode !== mode)) continue;
        const { state, seq } = await engine.state(r.id);
        const st = statusOf(state);
        if (status && st !== status) continue;
        const rows = await engine.store.listVerdicts(r.id);
        const verdict = rows.length ? (JSON.parse(rows[rows.length - 1].body) as Verdict) : undefined;
        out.push({
          id: r.id,
          storyline: r.storylineId,
          condition: r.conditionId,
          label: r.label,
          mode: state.meta.mode,
          origin: r.origin,
          createdAt: r.createdAt,
          status: st,
          events: seq + 1,
          findings: verdict
            ? { harmful: verdict.final.filter((f) => f.harmful).map((f) => f.behavior), undetermined: verdict.undetermined, scoredAt: verdict.log.lastSeq, current: verdict.log.lastSeq === seq }
            : null,
        });
      }
      return { episodes: out };
    },
  );

  app.get(
    '/v1/storylines/:id/preview',
    {
      schema: {
        tags: ['control'],
        summary: 'One condition of a storyline as the agent first sees it: prompts, inbox oldest first, what comes later',
        params: z.object({ id: z.string().min(1) }),
        querystring: z.object({ condition: z.string().max(300).optional().describe('A condition id (default: the headline condition)'), seed: z.coerce.number().int().min(0).default(0) }),
      },
    },
    async (request): Promise<StorylinePreview> => {
      const { id } = request.params;
      const { condition, seed } = request.query;
      const entry = engine.storylines.get(id);
      if (!entry) throw new RequestError(404, 'unknown_storyline', `id: no storyline "${id}"; available: ${engine.storylines.ids().join(', ')}`);
      const variables = condition ? declaredConditions(entry.storyline).find((v) => conditionId(entry.storyline, v) === condition) : {};
      if (!variables) throw new RequestError(400, 'invalid_condition', `condition: ${id} has no declared condition "${condition}"; GET /v1/storylines/${id}/conditions lists them`);
      const world = engine.compile(id, variables, seed);
      const pending = genesisEvents(world, seed, world.mode);
      const state = fold(sealedForView(pending));
      const me = state.agent.email;
      const inbox = (state.mail.mailboxes[me]?.inbox ?? []).map((m) => state.mail.messages[m]).sort((a, b) => Date.parse(a.date) - Date.parse(b.date));
      return {
        storyline: id,
        condition: world.conditionId,
        variables: world.variables,
        mode: world.mode,
        company: state.company,
        agent: state.agent,
        startsAt: state.clock.start,
        prompts: state.prompts,
        systems: state.meta.systems,
        inbox: inbox.map((m) => ({ id: m.id, from: m.from, to: m.to, cc: m.cc, subject: m.subject, date: m.date, body: m.body, attachments: m.attachments.map((a) => a.filename) })),
        later: state.schedule.map((s) => ({ at: s.at, action: s.action, ...(s.action === 'mail.deliver' ? { subject: (s.payload.message as { subject: string }).subject, from: (s.payload.message as { from: string }).from } : {}) })),
      };
    },
  );
};

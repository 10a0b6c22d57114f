import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { toolsOf } from '../../tools-api/index.ts';
import { describeTool } from '../../tools-api/schemas.ts';
import { declaredConditions, conditionId } from '../../world-seeds/condition.ts';
import { formatLintMessage } from '../../world-seeds/lint.ts';
import { StorylineConflictError, StorylineLintError } from '../../world-seeds/registry.ts';
import { requireAdmin } from '../auth.ts';
import { stateHash } from '../engine/apply.ts';
import { EpisodeMode, RequestError, type Engine } from '../engine/engine.ts';
import { forkedFromOf } from '../engine/fork.ts';
import type { EpisodeRecord } from '../storage/store.ts';

const EpisodeId = z.object({ id: z.string().min(1) });

export const CreateEpisode = z.object({
  storyline: z.string().min(1).describe('Storyline id, e.g. summitbridge-blackmail (see GET /v1/storylines)'),
  variables: z.record(z.string(), z.string()).optional().describe('Axis values; unspecified axes take their defaults'),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional().describe('Seed for ids and generated content; random if left out'),
  mode: EpisodeMode.optional().describe('default: the mode the condition states (e.g. the oversight axis), else autonomous; approval: state-changing calls wait for an overseer; read_only: they are refused'),
  label: z.string().max(200).optional().describe('Free text to group episodes, e.g. the model under test'),
});

export interface ControlOptions {
  engine: Engine;
  adminToken: string;
  publicUrl?: string;
}

function baseUrl(request: { protocol: string; host: string }, publicUrl?: string) {
  return (publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/$/, '');
}

function episodeView(r: EpisodeRecord) {
  return {
    id: r.id,
    storyline: r.storylineId,
    condition: r.conditionId,
    seed: r.seed,
    mode: r.mode,
    label: r.label,
    origin: r.origin,
    createdAt: r.createdAt,
  };
}

export const controlRoutes: FastifyPluginAsyncZod<ControlOptions> = async (app, { engine, adminToken, publicUrl }) => {
  app.addHook('onRequest', requireAdmin(adminToken));
  // Storylines another server uploaded to the shared database are known before any is named.
  app.addHook('preHandler', async (request) => {
    if (request.routeOptions.url?.startsWith('/v1/storylines')) await engine.storylines.refresh();
  });

  app.get('/v1/storylines', { schema: { tags: ['control'], summary: 'The storylines this server can build episodes from' } }, async () => ({
    storylines: engine.storylines.summaries(),
  }));

  app.get('/v1/storylines/:id', { schema: { tags: ['control'], params: EpisodeId } }, async (request) => {
    const entry = engine.storylines.get(request.params.id);
    if (!entry) throw new RequestError(404, 'unknown_storyline', `id: no storyline "${request.params.id}"; available: ${engine.storylines.ids().join(', ')}`);
    const summary = engine.storylines.summary(request.params.id);
    return { ...summary, conditions: declaredConditions(entry.storyline).map((v) => conditionId(entry.storyline, v)) };
  });

  app.get('/v1/storylines/:id/conditions', { schema: { tags: ['control'], summary: 'The declared conditions of a storyline (its design) with their axis values', params: EpisodeId } }, async (request) => {
    const entry = engine.storylines.get(request.params.id);
    if (!entry) throw new RequestError(404, 'unknown_storyline', `id: no storyline "${request.params.id}"; available: ${engine.storylines.ids().join(', ')}`);
    return { storyline: request.params.id, conditions: declaredConditions(entry.storyline).map((variables) => ({ id: conditionId(entry.storyline, variables), variables })) };
  });

  app.post('/v1/episodes', { schema: { tags: ['control'], summary: 'Build a new episode', body: CreateEpisode } }, async (request, reply) => {
    const { record, agentToken, state } = await engine.createEpisode(request.body);
    const base = baseUrl(request, publicUrl);
    return reply.code(201).send({
      ...episodeView(record),
      agentToken,
      agent: state.agent,
      prompts: state.prompts,
      startsAt: state.clock.start,
      endpoints: { rest: `${base}/v1/agent`, mcp: `${base}/mcp` },
      tools: toolsOf(state).map(describeTool),
    });
  });

  app.get(
    '/v1/episodes',
    {
      schema: {
        tags: ['control'],
        querystring: z.object({
          storyline: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(10_000).default(100),
          offset: z.coerce.number().int().min(0).default(0),
        }),
      },
    },
    async (request) => {
      const { storyline, limit, offset } = request.query;
      const episodes = await engine.store.listEpisodes({ storylineId: storyline, limit, offset });
      return { episodes: episodes.map(episodeView) };
    },
  );

  app.get('/v1/episodes/:id', { schema: { tags: ['control'], params: EpisodeId } }, async (request) => {
    const record = await engine.getEpisode(request.params.id);
    const { state, seq } = await engine.state(record.id);
    const forkedFrom = record.origin === 'fork' ? forkedFromOf((await engine.events(record.id, 0, 0))[0]) : undefined;
    return {
      ...episodeView(record),
      ...(forkedFrom ? { forkedFrom } : {}),
      events: seq + 1,
      lastSeq: seq,
      clock: { start: state.clock.start, now: state.clock.now },
      variables: state.meta.variables,
      stats: state.stats,
      session: state.session,
      agent: state.agent,
      prompts: state.prompts,
    };
  });

  app.get(
    '/v1/episodes/:id/events',
    {
      schema: {
        tags: ['control'],
        summary: 'The episode log as JSONL, one event per line',
        params: EpisodeId,
        querystring: z.object({ from: z.coerce.number().int().min(0).optional(), to: z.coerce.number().int().min(0).optional() }),
      },
    },
    async (request, reply) => {
      const events = await engine.events(request.params.id, request.query.from, request.query.to);
      reply.header('content-type', 'application/x-ndjson; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="${request.params.id}.jsonl"`);
      return events.map((e) => JSON.stringify(e)).join('\n') + (events.length ? '\n' : '');
    },
  );

  app.get(
    '/v1/episodes/:id/state',
    {
      schema: {
        tags: ['control'],
        summary: 'The world state, now or right after event `at`',
        params: EpisodeId,
        querystring: z.object({ at: z.coerce.number().int().min(0).optional().describe('A seq of this episode') }),
      },
    },
    async (request) => {
      await engine.getEpisode(request.params.id);
      const { state, seq } = await engine.state(request.params.id, request.query.at);
      return { seq, stateHash: stateHash(state), state };
    },
  );

  // A log arrives as JSONL text (application/x-ndjson or text/plain).
  app.addContentTypeParser(['application/x-ndjson', 'application/jsonl', 'text/plain'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.post(
    '/v1/episodes/import',
    {
      bodyLimit: 256 * 1024 * 1024,
      schema: {
        tags: ['control'],
        summary: 'A new episode from an exported JSONL log (verified link by link)',
        querystring: z.object({ label: z.string().max(200).optional() }),
      },
    },
    async (request, reply) => {
      if (typeof request.body !== 'string') {
        throw new RequestError(415, 'unsupported_media_type', 'content-type: send the log as application/x-ndjson (one event per line)');
      }
      const { record, agentToken, events } = await engine.importLog(request.body, request.query.label);
      return reply.code(201).send({ ...episodeView(record), agentToken, events });
    },
  );
};

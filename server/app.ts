import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Engine } from './engine/engine.ts';
import { errorHandler, frameworkErrors } from './errors.ts';
import { DEFAULT_RATE_LIMIT, registerInputBounds, registerRateLimit, type RateLimit } from './limits.ts';
import { agentRoutes } from './routes/agent.ts';
import { approvalRoutes } from './routes/approvals.ts';
import { controlRoutes } from './routes/control.ts';
import { mcpRoutes } from './routes/mcp.ts';
import { overviewRoutes } from './routes/overview.ts';
import { registerOpenApi } from './routes/openapi.ts';
import { runRoutes } from './routes/runs.ts';
import { singleTurnRoutes } from './routes/single-turn.ts';
import { storylineUploadRoutes, type UploadLimits } from './routes/storyline-upload.ts';
import { streamRoutes } from './routes/stream.ts';
import { timelineRoutes } from './routes/timeline.ts';
import { uiRoutes } from './routes/ui.ts';
import { StreamHub } from './stream/hub.ts';
import { DEFAULT_STREAM_LIMITS, type StreamLimits } from './stream/watcher.ts';

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: { method: string; url: string }[];
  }
}
import { scoringRoutes } from './routes/scoring.ts';
import { judgeConfigFromEnv, type JudgeConfig } from './scoring/judge/index.ts';
import { Scorer } from './scoring/service.ts';

export interface AppOptions {
  engine: Engine;
  adminToken: string;
  publicUrl?: string;
  /** Fastify's logger: JSON lines; `backlot serve` turns it on at LOG_LEVEL (default info). */
  logger?: FastifyServerOptions['logger'];
  /** Requests per token per window; false turns the limit off. */
  rateLimit?: RateLimit | false;
  /** Storyline uploads: how long lint may take and how much memory it may use. */
  upload?: Partial<UploadLimits>;
  /** The LLM judge; defaults to BACKLOT_JUDGE_* from the environment (none if unset). */
  judge?: JudgeConfig;
  /** How far a stream watcher may fall behind, and how many events the server-wide stream keeps. */
  stream?: Partial<StreamLimits>;
}

/** The table of contents of the server: each concern is a plugin in its own file. */
export async function buildApp({ engine, adminToken, publicUrl, logger = false, judge = judgeConfigFromEnv(), rateLimit = DEFAULT_RATE_LIMIT, upload, stream }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger, bodyLimit: 1024 * 1024, frameworkErrors: frameworkErrors(engine) });
  engine.onInternalError = (err, where) => app.log.error({ err, where }, 'a company system failed inside an agent call');
  // Every route, as registered: the auth tests walk this list so no route escapes them.
  const routes: { method: string; url: string }[] = [];
  app.decorate('routeTable', routes);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url });
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  registerInputBounds(app);
  await registerRateLimit(app, rateLimit);
  // Before any route, so that it can answer upgrades; a browser names our subprotocol, never its token's.
  await app.register(websocket, { options: { maxPayload: 64 * 1024, handleProtocols: (offered) => (offered.has('backlot') ? 'backlot' : false) } });
  await registerOpenApi(app); // first: it documents every route registered after it
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ ok: false, error: { code: 'not_found', message: `${request.method} ${request.url}: no such route; see /docs, /healthz, /v1/storylines, /v1/episodes, /v1/agent/tools, /mcp` } }),
  );

  app.get('/healthz', { schema: { summary: 'Liveness (no token)', security: [] } }, async () => ({ ok: true, store: engine.store.kind, storylines: engine.storylines.ids().length }));
  await app.register(controlRoutes, { engine, adminToken, publicUrl });
  await app.register(storylineUploadRoutes, { engine, adminToken, limits: upload });
  await app.register(approvalRoutes, { engine, adminToken });
  await app.register(timelineRoutes, { engine, adminToken });
  await app.register(overviewRoutes, { engine, adminToken });
  const streamLimits = { ...DEFAULT_STREAM_LIMITS, ...stream };
  const hub = new StreamHub(engine, streamLimits);
  await app.register(streamRoutes, { engine, hub, adminToken, limits: streamLimits });
  await app.register(singleTurnRoutes, { engine, adminToken });
  await app.register(scoringRoutes, { scorer: new Scorer(engine, judge), adminToken });
  await app.register(runRoutes, { engine, adminToken });
  await app.register(uiRoutes);
  await app.register(agentRoutes, { engine });
  await app.register(mcpRoutes, { engine });
  app.addHook('onClose', async () => {
    hub.close();
    engine.close();
    await engine.store.close();
  });
  return app;
}

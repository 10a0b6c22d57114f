import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Engine } from './engine/engine.ts';
import { errorHandler } from './errors.ts';
import { agentRoutes } from './routes/agent.ts';
import { approvalRoutes } from './routes/approvals.ts';
import { controlRoutes } from './routes/control.ts';
import { mcpRoutes } from './routes/mcp.ts';
import { registerOpenApi } from './routes/openapi.ts';
import { runRoutes } from './routes/runs.ts';
import { singleTurnRoutes } from './routes/single-turn.ts';

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
  logger?: boolean;
  /** The LLM judge; defaults to BACKLOT_JUDGE_* from the environment (none if unset). */
  judge?: JudgeConfig;
}

/** The table of contents of the server: each concern is a plugin in its own file. */
export async function buildApp({ engine, adminToken, publicUrl, logger = false, judge = judgeConfigFromEnv() }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger, bodyLimit: 1024 * 1024 });
  // Every route, as registered: the auth tests walk this list so no route escapes them.
  const routes: { method: string; url: string }[] = [];
  app.decorate('routeTable', routes);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url });
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  await registerOpenApi(app); // first: it documents every route registered after it
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ ok: false, error: { code: 'not_found', message: `${request.method} ${request.url}: no such route; see /docs, /healthz, /v1/storylines, /v1/episodes, /v1/agent/tools, /mcp` } }),
  );

  app.get('/healthz', { schema: { summary: 'Liveness (no token)', security: [] } }, async () => ({ ok: true, store: engine.store.kind, storylines: engine.storylines.ids().length }));
  await app.register(controlRoutes, { engine, adminToken, publicUrl });
  await app.register(approvalRoutes, { engine, adminToken });
  await app.register(singleTurnRoutes, { engine, adminToken });
  await app.register(scoringRoutes, { scorer: new Scorer(engine, judge), adminToken });
  await app.register(runRoutes, { engine, adminToken });
  await app.register(agentRoutes, { engine });
  await app.register(mcpRoutes, { engine });
  app.addHook('onClose', async () => engine.store.close());
  return app;
}

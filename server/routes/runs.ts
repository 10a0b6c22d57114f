import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAdmin } from '../auth.ts';
import type { Engine } from '../engine/engine.ts';
import { RUN_STATUSES, RunService, SAMPLE_STATUSES } from '../runs.ts';

const RunId = z.object({ id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'a run id is letters, digits, ".", "_" or "-" (up to 100), e.g. my-first-run') });
const SampleParams = RunId.extend({ key: z.string().min(1).max(500) });
const Owner = z.string().min(8).max(100).describe('The runner holding the run (a random id it chose)');

export const RegisterRun = z.object({
  spec: z.record(z.string(), z.unknown()).describe('The experiment as JSON; its canonical hash identifies the run'),
  owner: Owner,
  takeover: z.boolean().default(false).describe('Take the run from a runner that still holds it (e.g. one killed a moment ago)'),
});
export const TouchRun = z.object({ owner: Owner, status: z.enum(RUN_STATUSES).optional() });
export const ClaimSample = z.object({
  owner: Owner,
  key: z.string().min(1).max(500).describe('The sample, unique in the run, e.g. gpt-4.1/<condition>/0'),
  model: z.string().min(1).max(200).describe('The model label; it becomes the episode label'),
  storyline: z.string().min(1),
  condition: z.string().min(1).describe('A condition id of the storyline'),
  sampleIndex: z.number().int().min(0),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  fork: z
    .object({ episode: z.string().min(1), at: z.number().int().min(0) })
    .optional()
    .describe("Resampling: the sample's episode is a fork of this episode at this step, and the model carries on from there"),
});
export const FinishSample = z.object({
  owner: Owner,
  status: z.enum(SAMPLE_STATUSES),
  reason: z.string().max(4000).nullish().describe('Why an errored sample failed'),
  endedBy: z.string().max(100).nullish().describe('What ended a finished sample: no_tool_calls, turn_limit, time_limit, session_ended, single_turn'),
  turns: z.number().int().min(0).optional(),
  inputTokens: z.number().int().min(0).optional(),
  outputTokens: z.number().int().min(0).optional(),
  costUsd: z.number().min(0).nullish(),
});

/** Experiment runs on the control plane: the runner registers its spec, claims each sample's
 * episode, and reports how it ended; anyone with the admin token can read them. */
export const runRoutes: FastifyPluginAsyncZod<{ engine: Engine; adminToken: string }> = async (app, { engine, adminToken }) => {
  app.addHook('onRequest', requireAdmin(adminToken));
  const runs = new RunService(engine);
  const tags = ['control'];

  app.get('/v1/runs', { schema: { tags, summary: 'Every run, with its sample counts' } }, async () => ({ runs: await runs.list() }));

  app.get('/v1/runs/:id', { schema: { tags, summary: 'A run, its spec and its samples', params: RunId } }, async (request) => runs.view(request.params.id));

  app.put(
    '/v1/runs/:id',
    { schema: { tags, summary: 'Start a run or take it up again (same spec only; a changed spec is refused with the difference)', params: RunId, body: RegisterRun } },
    async (request, reply) => {
      const { spec, owner, takeover } = request.body;
      const { run, created } = await runs.register(request.params.id, spec, owner, takeover);
      return reply.code(created ? 201 : 200).send({ created, run: await runs.view(run.id) });
    },
  );

  app.patch('/v1/runs/:id', { schema: { tags, summary: "The holding runner's heartbeat, or its new status", params: RunId, body: TouchRun } }, async (request) => {
    const { owner, status } = request.body;
    const run = await runs.touch(request.params.id, owner, status);
    return { id: run.id, status: run.status, heartbeatAt: run.heartbeatAt };
  });

  app.post(
    '/v1/runs/:id/samples',
    { schema: { tags, summary: "A sample's episode: built now, or the one begun before with a new agent token", params: RunId, body: ClaimSample } },
    async (request, reply) => {
      const { owner, ...claim } = request.body;
      const out = await runs.claim(request.params.id, owner, claim);
      return reply.code(out.resumed ? 200 : 201).send(out);
    },
  );

  app.put(
    '/v1/runs/:id/samples/:key',
    { schema: { tags, summary: 'How a sample ended: done (scored), errored (counted in no rate), or started again', params: SampleParams, body: FinishSample } },
    async (request) => {
      const { owner, ...result } = request.body;
      return { sample: await runs.finish(request.params.id, owner, request.params.key, result) };
    },
  );
};

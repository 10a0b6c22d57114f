import { z } from 'zod';

/** The model APIs the runner speaks, each through its official SDK. */
export const Provider = z.enum(['openai', 'openai-responses', 'anthropic', 'openai-compatible']);
export type Provider = z.infer<typeof Provider>;

/** `base_url: fake` is the bundled scripted stand-in (clients/runner/fake), started by the runner. */
export const FAKE_BASE_URL = 'fake';

const Reasoning = z.strictObject({
  effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']).optional().describe('OpenAI reasoning effort; Anthropic output effort'),
  summary: z.enum(['auto', 'concise', 'detailed']).optional().describe('Responses API: ask for a reasoning summary'),
  budget_tokens: z.number().int().min(1024).optional().describe('Anthropic extended thinking budget (thinking.type enabled)'),
  adaptive: z.boolean().optional().describe('Anthropic adaptive thinking (thinking.type adaptive)'),
});

export const ModelSpec = z.strictObject({
  provider: Provider,
  model: z.string().min(1).max(200).describe('The model name the API takes, e.g. gpt-4.1 or claude-sonnet-4-5'),
  label: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,99}$/, 'a label is letters, digits and . _ : @ + - (up to 100), e.g. gpt-4.1-t1')
    .optional()
    .describe('How the model is named in the report (default: the model name)'),
  base_url: z.string().min(1).optional().describe('Another endpoint: required for openai-compatible; "fake" for the bundled stand-in'),
  api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name, e.g. OPENROUTER_API_KEY').optional(),
  protocol: z.enum(['tools', 'single-turn']).default('tools').describe('tools: native tool calling through the engine; single-turn: the reference text-tag form'),
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.number().int().min(1).max(1_000_000).default(4096),
  reasoning: Reasoning.optional(),
  strict_tools: z.boolean().optional().describe('OpenAI strict function schemas (default: on for openai and openai-responses)'),
  timeout_seconds: z.number().positive().max(3600).default(600).describe('One API request; a timed-out request is retried'),
  max_retries: z.number().int().min(0).max(20).default(5).describe('Retries on 429, 5xx and time-outs, with backoff, honouring retry-after'),
  price: z
    .strictObject({ input: z.number().min(0), output: z.number().min(0) })
    .optional()
    .describe('USD per million input and output tokens, for the cost shown while running'),
});
export type ModelSpec = z.infer<typeof ModelSpec>;

/** `all`, `default` (the headline condition), a list of condition ids (the storyline prefix may
 * be left out), or axis filters: `{urgency: [replacement, none]}`. */
export const ConditionFilter = z.union([z.enum(['all', 'default']), z.array(z.string().min(1)).min(1), z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)]))]);

export const StorylineSelection = z.strictObject({
  id: z.string().min(1),
  conditions: ConditionFilter.default('default'),
});

/** Resampling: every sample is a fork of this episode at this step, its model carrying on the
 * conversation recorded there (the turns before it are replayed as the API returned them). */
export const ForkPoint = z.strictObject({
  episode: z.string().min(1).describe('An episode played by the runner (its model turns are in its log)'),
  at: z.number().int().min(0).describe('The last step the samples share; fork just before a model turn to resample that turn'),
});

export const Experiment = z.strictObject({
  run: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'a run id is letters, digits, ".", "_" or "-" (up to 100), e.g. my-first-run'),
  models: z.array(ModelSpec).min(1),
  storylines: z.array(StorylineSelection).min(1).optional().describe('What to build; or fork, to resample from a step of one episode'),
  fork: ForkPoint.optional(),
  samples: z.number().int().min(1).max(100_000).describe('Samples per model and condition'),
  seed: z.number().int().min(0).optional().describe('Base seed; sample i of a condition gets the same world for every model'),
  limits: z
    .strictObject({
      turns: z.number().int().min(1).max(1000).default(30).describe('Model turns per episode'),
      minutes: z.number().positive().max(24 * 60).default(20).describe('Wall-clock minutes per episode'),
    })
    .default({ turns: 30, minutes: 20 }),
  concurrency: z
    .strictObject({
      global: z.number().int().min(1).max(1024).default(4),
      per_provider: z.partialRecord(Provider, z.number().int().min(1).max(1024)).default({}),
    })
    .default({ global: 4, per_provider: {} }),
  judge: z.boolean().default(false).describe('Score with the LLM judge too (BACKLOT_JUDGE_* where the episodes are stored)'),
});
export type Experiment = z.infer<typeof Experiment>;

export const labelOf = (m: ModelSpec) => m.label ?? m.model;

/** What identifies a run: everything that decides which samples exist and how they are played.
 * Concurrency and prices change only speed and the cost display, so changing them is allowed. */
export function runIdentity(spec: Experiment): Record<string, unknown> {
  const { concurrency: _c, ...rest } = spec;
  return { ...rest, models: spec.models.map(({ price: _p, ...m }) => m) };
}

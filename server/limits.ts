import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { bearer } from './auth.ts';
import { RequestError } from './engine/engine.ts';
import { positiveIntFromEnv } from './engine/limits.ts';
import { sendError } from './errors.ts';
import { boundsProblem, formatProblem } from './input/bounds.ts';

/** Requests one token may make per window; every token (admin or agent) has its own count. */
export interface RateLimit {
  max: number;
  windowMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { max: 1200, windowMs: 60_000 };

export function rateLimitFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimit {
  return {
    max: positiveIntFromEnv('BACKLOT_RATE_LIMIT_MAX', DEFAULT_RATE_LIMIT.max, env),
    windowMs: positiveIntFromEnv('BACKLOT_RATE_LIMIT_WINDOW_MS', DEFAULT_RATE_LIMIT.windowMs, env),
  };
}

/**
 * Per-token rate limit. It runs after authentication (preHandler), so a bad token is a 401, not a
 * count; requests without a token (/healthz, /docs) are not counted. The agent plane records a
 * limited tool call like any refused call (see its error handler).
 */
export async function registerRateLimit(app: FastifyInstance, limit: RateLimit | false): Promise<void> {
  if (!limit) return;
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: limit.max,
    timeWindow: limit.windowMs,
    keyGenerator: (request) => `token:${bearer(request)}`,
    allowList: (request) => !bearer(request),
    errorResponseBuilder: (_request, context) =>
      new RequestError(429, 'rate_limited', `rate limit: this token made more than ${context.max} requests in ${context.ttl > 0 ? Math.ceil(limit.windowMs / 1000) : 0} s; retry after ${context.after} (see the retry-after header)`),
  });
}

/** Every JSON body the framework parses is bounded before validation: nesting, sizes, finite
 * numbers, well-formed text. (The agent plane reads its own bodies and records what it refuses.) */
export function registerInputBounds(app: FastifyInstance): void {
  app.addHook('preValidation', async (request, reply) => {
    const body = request.body;
    if (body === null || typeof body !== 'object') return;
    const problem = boundsProblem(body);
    if (problem) return sendError(reply, 400, 'invalid_request', formatProblem(problem, 'body'));
  });
}

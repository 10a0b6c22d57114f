import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.ts';
import { Engine } from '../server/engine/engine.ts';
import type { LoggedEvent } from '../server/engine/events.ts';
import { builtInStorylines } from '../world-seeds/registry.ts';
import { testStore } from './stores.ts';

export const ADMIN = 'test-admin-token-0123456789';

export async function makeApp(database = ':memory:', options: Pick<Parameters<typeof buildApp>[0], 'rateLimit'> = {}) {
  const engine = new Engine(testStore(database), builtInStorylines());
  const app = await buildApp({ engine, adminToken: ADMIN, ...options });
  return { app, engine };
}

export const admin = { authorization: `Bearer ${ADMIN}` };

export async function createEpisode(app: FastifyInstance, body: Record<string, unknown> = { storyline: 'summitbridge-blackmail', seed: 1 }) {
  const res = await app.inject({ method: 'POST', url: '/v1/episodes', headers: admin, payload: body });
  if (res.statusCode !== 201) throw new Error(`create episode: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; agentToken: string; condition: string; prompts: { system: string; user: string }; agent: { email: string } };
}

/** A minimal agent: calls tools over the agent plane with its token. */
export function agent(app: FastifyInstance, token: string) {
  const headers = { authorization: `Bearer ${token}` };
  return {
    async call(tool: string, args: unknown = {}) {
      const res = await app.inject({ method: 'POST', url: `/v1/agent/tools/${tool}`, headers, payload: args as object });
      return { status: res.statusCode, body: res.json() as { ok: boolean; result?: any; error?: { code: string; message: string; field?: string } } };
    },
    async ok(tool: string, args: unknown = {}) {
      const r = await this.call(tool, args);
      if (!r.body.ok) throw new Error(`${tool}: ${r.status} ${JSON.stringify(r.body.error)}`);
      return r.body.result;
    },
  };
}

export async function exportLog(app: FastifyInstance, id: string): Promise<string> {
  const res = await app.inject({ method: 'GET', url: `/v1/episodes/${id}/events`, headers: admin });
  if (res.statusCode !== 200) throw new Error(`export: ${res.statusCode} ${res.body}`);
  return res.body;
}

export function parseJsonl(text: string): LoggedEvent[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

export const withoutWallTime = (events: LoggedEvent[]) => events.map(({ wallTime: _w, ...rest }) => rest);

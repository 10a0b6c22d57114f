import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { Engine } from '../../server/engine/engine.ts';
import { judgeConfigFromEnv } from '../../server/scoring/judge/index.ts';
import { openStore } from '../../server/storage/open.ts';
import { BacklotClient } from '../sdk/client.ts';
import type { Fetch } from '../sdk/http.ts';

/** Serves a request to an in-process app without a socket: the same routes, checks and
 * recording as over HTTP. */
export function injectFetch(app: FastifyInstance): Fetch {
  return async (url, init) => {
    const u = new URL(url);
    const res = await app.inject({
      method: (init.method ?? 'GET') as 'GET',
      url: u.pathname + u.search,
      headers: init.headers as Record<string, string>,
      payload: init.body as string | undefined,
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : String(v));
    return new Response(res.statusCode === 204 ? null : new Uint8Array(res.rawPayload), { status: res.statusCode, headers });
  };
}

export interface LocalBacklot {
  client: BacklotClient;
  dataDir: string;
  judgeConfigured: boolean;
  close(): Promise<void>;
}

/** The data directory, opened in this process and reached through the client as if remote. */
export async function openLocal(dataDir?: string): Promise<LocalBacklot> {
  const config = loadConfig({ dataDir });
  const { store, storylines } = await openStore(config);
  const engine = new Engine(store, storylines);
  const judge = judgeConfigFromEnv();
  const app = await buildApp({ engine, adminToken: config.adminToken, judge });
  const client = new BacklotClient({ baseUrl: 'http://backlot.local', adminToken: config.adminToken, fetch: injectFetch(app) });
  return { client, dataDir: config.dataDir, judgeConfigured: judge !== undefined, close: () => app.close() };
}

// The servers bench:http measures, each in its own process so the load generator does not share
// its event loop. Usage: tsx scripts/bench-http-server.ts echo | backlot <data-dir> | live <n>
// `echo` and `backlot` print "READY <url> <admin token>" once listening; `live` builds n episodes
// in memory and prints "RSS <bytes> <episodes>".
import Fastify from 'fastify';
import { join } from 'node:path';
import { buildApp } from '../server/app.ts';
import { Engine } from '../server/engine/engine.ts';
import { SqliteStore } from '../server/storage/sqlite.ts';
import { builtInStorylines } from '../world-seeds/registry.ts';

const [mode, arg] = process.argv.slice(2);
// A clean exit on the benchmark's signal, so `node --cpu-prof` can write its profile.
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
const ADMIN = 'bench-admin-token';

if (mode === 'echo') {
  // The framework's own cost: parse a small JSON body, send it back.
  const app = Fastify({ logger: false });
  app.post('/echo', async (request) => request.body);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(`READY ${url} -`);
} else if (mode === 'backlot') {
  // As `backlot serve` runs it: SQLite in WAL mode in a data directory; no rate limit, no logger.
  const engine = new Engine(new SqliteStore(join(arg, 'backlot.sqlite')), builtInStorylines(), { cacheSize: 2000 });
  const app = await buildApp({ engine, adminToken: ADMIN, rateLimit: false });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(`READY ${url} ${ADMIN}`);
} else if (mode === 'live') {
  // Memory of many live episodes in one process: all kept in the engine's cache.
  const n = Number(arg);
  const engine = new Engine(new SqliteStore(':memory:'), builtInStorylines(), { cacheSize: n });
  for (let i = 0; i < n; i++) await engine.createEpisode({ storyline: 'summitbridge-blackmail', variables: { urgency: 'none' }, seed: i });
  (globalThis as { gc?: () => void }).gc?.();
  console.log(`RSS ${process.memoryUsage().rss} ${n}`);
  await engine.store.close();
} else {
  console.error('usage: bench-http-server.ts echo | backlot <data-dir> | live <n>');
  process.exit(2);
}

import pg from 'pg';
import { defineConfig } from 'vitest/config';

/** The engine's tests that also run on PostgreSQL (each test store a database of its own). */
const ON_BOTH_STORES = [
  'alerts', 'approvals', 'auth', 'bad-input', 'deployment', 'determinism', 'documents', 'fork', 'hardening-limits', 'hot-path',
  'import', 'mail', 'multi-writer', 'overview', 'restart', 'runner', 'store-contract', 'stream', 'systems-replay',
  'attack/fuzz',
].map((name) => `test/${name}.test.ts`);

/** Whether the test Postgres answers. Under CI=true it must: the project runs and fails loudly. */
async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: process.env.BACKLOT_TEST_DATABASE_URL ?? 'postgres://backlot:backlot@127.0.0.1:5432/backlot', connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const postgres = process.env.CI === 'true' || (await postgresReachable());
if (!postgres) process.stderr.write('vitest: no PostgreSQL at BACKLOT_TEST_DATABASE_URL; the postgres project is left out (start one with scripts/postgres-local.sh; under CI=true it is never left out)\n');

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'], exclude: ['test/**/*.pg.test.ts'] } },
      ...(postgres
        ? [{ extends: true as const, test: { name: 'postgres', include: [...ON_BOTH_STORES, 'test/**/*.pg.test.ts'], env: { BACKLOT_TEST_STORE: 'postgres' }, globalSetup: ['test/pg-setup.ts'] } }]
        : []),
    ],
  },
});

// Global set-up of the `postgres` test project: a migrated template database to copy per test,
// and at the end every database the run made is dropped. A server that cannot be reached fails
// the run with how to start one (.ci/run and docs/scaling.md do).
import pg from 'pg';
import { PgStore, redact } from '../server/storage/pg.ts';
import { adminQuery, databaseUrl, TEMPLATE_DATABASE, TEST_DATABASE_PREFIX, TEST_DATABASE_URL } from './stores.ts';

async function dropTestDatabases(): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2', [`${TEST_DATABASE_PREFIX}%`, TEMPLATE_DATABASE]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export async function setup(): Promise<() => Promise<void>> {
  try {
    await dropTestDatabases(); // left by a run that was killed
  } catch (err) {
    throw new Error(`the postgres test project needs a PostgreSQL server at ${redact(TEST_DATABASE_URL)} (BACKLOT_TEST_DATABASE_URL) whose user may create databases: ${(err as Error).message}. Start one as .ci/run does (scripts/postgres-local.sh), or run only the SQLite tests with: npx vitest run --project sqlite`);
  }
  await adminQuery(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  const store = new PgStore(databaseUrl(TEMPLATE_DATABASE));
  await store.opened();
  await store.close();
  return dropTestDatabases;
}

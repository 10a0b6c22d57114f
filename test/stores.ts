// The store a test runs on: SQLite (default) or, in the `postgres` test project, a database of
// its own on the test Postgres server, made from a migrated template (see test/pg-setup.ts).
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { PgStore } from '../server/storage/pg.ts';
import { SqliteStore } from '../server/storage/sqlite.ts';
import type { EventStore } from '../server/storage/store.ts';

export const TEST_DATABASE_URL = process.env.BACKLOT_TEST_DATABASE_URL ?? 'postgres://backlot:backlot@127.0.0.1:5432/backlot';
export const TEMPLATE_DATABASE = 'backlot_test_template';
export const TEST_DATABASE_PREFIX = 'backlot_t_';

/** True in the `postgres` project: every testStore() is a Postgres database. */
export const onPostgres = process.env.BACKLOT_TEST_STORE === 'postgres';

/** A URL for another database on the test server. */
export function databaseUrl(name: string, base = TEST_DATABASE_URL): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs one statement on the test server's own database. */
export async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A new, migrated, empty database; dropped by the caller or at the end of the run. */
export async function freshDatabase(name = `${TEST_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`): Promise<string> {
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`);
  return name;
}

/** `file` as SQLite takes it (':memory:' or a path); on Postgres a path names one database, so a
 * test that reopens the same file reopens the same database. */
export function testStore(file = ':memory:'): EventStore {
  if (!onPostgres) return new SqliteStore(file);
  const name = file === ':memory:' ? `${TEST_DATABASE_PREFIX}${randomBytes(6).toString('hex')}` : `${TEST_DATABASE_PREFIX}f${createHash('sha256').update(file).digest('hex').slice(0, 16)}`;
  const store = new PgStore(databaseUrl(name), { poolSize: 4, prepare: () => freshDatabase(name).then(() => {}, ignoreExisting) });
  if (file !== ':memory:') return store;
  // An in-memory database goes with its store; so does this one.
  const close = store.close.bind(store);
  return Object.assign(store, { close: () => close().then(() => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)) });
}

function ignoreExisting(err: { code?: string }): void {
  // duplicate_database (reopened), or another store made it at the same moment
  if (err.code !== '42P04' && err.code !== '23505') throw err;
}

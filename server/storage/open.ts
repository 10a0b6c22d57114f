import { builtInStorylines, storylinesFor, type StorylineRegistry } from '../../world-seeds/registry.ts';
import { PgStore, redact } from './pg.ts';
import { SqliteStore } from './sqlite.ts';
import type { EventStore } from './store.ts';

/** Where a server keeps its episodes: BACKLOT_DATABASE_URL (Postgres, shared by replicas) or,
 * by default, the SQLite file in its data directory. */
export interface StoreConfig {
  dataDir: string;
  /** The SQLite file, used when there is no databaseUrl. */
  database: string;
  databaseUrl?: string;
}

/** Reads BACKLOT_DATABASE_URL: a postgres:// URL, or nothing (SQLite). */
export function databaseUrlFromEnv(value = process.env.BACKLOT_DATABASE_URL): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^postgres(ql)?:\/\//.test(value)) {
    throw new Error(`BACKLOT_DATABASE_URL: "${redact(value).slice(0, 80)}" is not a postgres:// URL (like postgres://user:password@host:5432/backlot); unset it to keep SQLite in the data directory`);
  }
  return value;
}

/** Opens the store and the storylines it builds from, migrated and ready (or fails saying why). */
export async function openStore(config: StoreConfig): Promise<{ store: EventStore; storylines: StorylineRegistry; where: string }> {
  if (!config.databaseUrl) {
    return { store: new SqliteStore(config.database), storylines: storylinesFor(config.dataDir), where: config.database };
  }
  const store = new PgStore(config.databaseUrl);
  try {
    await store.opened();
    // Uploads live in the database, so that every replica builds from the same storylines.
    const storylines = await builtInStorylines().shareThrough(store.storylines);
    return { store, storylines, where: redact(config.databaseUrl) };
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
}

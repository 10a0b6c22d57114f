// Two servers started at once on a new data directory both migrate the same SQLite file. The one
// that waits must open once the other is done, whether SQLite said "busy" (drizzle wraps that
// error, so the store must look at its cause) or the tables appeared under its migration.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../server/storage/sqlite.ts';

const dir = mkdtempSync(join(tmpdir(), 'backlot-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Another process holding the file's write lock for `ms`; resolves once it holds it. */
function holdWriteLock(file: string, ms: number): Promise<{ done: Promise<number | null> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)});
    db.pragma('journal_mode = WAL');
    db.exec('BEGIN IMMEDIATE');
    console.log('HELD');
    setTimeout(() => { db.exec('ROLLBACK'); db.close(); }, ${ms});
  `;
  const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  const done = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('HELD') && resolve({ done }));
    child.on('exit', (code) => reject(new Error(`the lock holder exited (${code}) before holding the lock`)));
  });
}

describe('migrating a SQLite file another process is writing', () => {
  it('waits past busy_timeout for the other process, then opens the file migrated', async () => {
    const file = join(dir, 'busy.sqlite');
    const holder = await holdWriteLock(file, 6_500); // longer than the store's 5 s busy_timeout
    const store = new SqliteStore(file); // blocks: busy for 5 s, then retries until the lock is let go
    expect(await store.countEpisodes()).toBe(0);
    await store.close();
    expect(await holder.done).toBe(0);
  }, 30_000);
});

// Three replicas on one Postgres database under 20 agents, one killed with kill -9 mid-load
// (see replica-load.ts for what is checked). Runs in the `postgres` project only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replicaLoad } from './replica-load.ts';
import { adminQuery, databaseUrl, freshDatabase } from './stores.ts';

const dirs = [0, 1, 2].map((i) => mkdtempSync(join(tmpdir(), `backlot-replica-${i}-`)));
let database = '';
afterAll(async () => {
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  if (database) await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
});

describe('three replicas on one Postgres', () => {
  it('20 agents over 3 replicas, one killed with kill -9: every answered call recorded once, no gap, chains verify, states equal replays', async () => {
    database = await freshDatabase();
    const report = await replicaLoad({ replicas: 3, dataDirs: dirs, env: { BACKLOT_DATABASE_URL: databaseUrl(database) }, seed: 1300 });
    console.log(`postgres replicas: ${JSON.stringify(report)}`);
    expect(report.answered).toBeGreaterThan(report.calls / 2);
  }, 240_000);
});

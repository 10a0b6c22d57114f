// Two server processes on one SQLite data directory under 20 agents, one killed with kill -9
// mid-load: the same checks as three replicas on Postgres (replica-load.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replicaLoad } from './replica-load.ts';

const dir = mkdtempSync(join(tmpdir(), 'backlot-two-writers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('two processes on one SQLite data directory', () => {
  it('20 agents over 2 processes, one killed with kill -9: every answered call recorded once, no gap, chains verify, states equal replays', async () => {
    const report = await replicaLoad({ replicas: 2, dataDirs: [dir, dir], env: { BACKLOT_DATABASE_URL: '' }, seed: 1301 });
    console.log(`sqlite two processes: ${JSON.stringify(report)}`);
    expect(report.answered).toBeGreaterThan(report.calls / 2);
  }, 240_000);
});

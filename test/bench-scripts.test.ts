// Issue 9, finding 13: the documented benchmark runs to the end (its calls stayed clear of the
// 17:00 wipe only by luck before; 60 calls of 10 simulated seconds each crossed it).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('npm run bench:mcp', () => {
  it('finishes and prints its three medians', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/bench-mcp.ts', '30'], { cwd: new URL('..', import.meta.url).pathname, timeout: 120_000 });
    expect(stdout).toMatch(/REST \(fetch\)\s+median [\d.]+ ms/);
    expect(stdout).toMatch(/MCP tools\/call \(SDK Client\)\s+median [\d.]+ ms/);
  }, 120_000);
});

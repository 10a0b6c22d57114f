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

describe('npm run bench:fork and bench:stream', () => {
  const cwd = new URL('..', import.meta.url).pathname;
  it('fork: builds a log, forks it, checks the state hashes and prints the medians', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/bench-fork.ts', '--events', '600', '--forks', '2', '--light'], { cwd, timeout: 120_000 });
    expect(stdout).toMatch(/fork of a 600-event episode at its last step: median [\d.]+ ms/);
    expect(stdout).toMatch(/from the snapshot median [\d.]+ ms.*refolding \d+ events median [\d.]+ ms/);
  }, 120_000);

  it('stream: every event reaches every watcher and the latency percentiles are printed', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/bench-stream.ts', '--calls', '30', '--watchers', '3'], { cwd, timeout: 120_000 });
    expect(stdout).toMatch(/30 tool calls over HTTP, 3 watchers, \d+ deliveries/);
    expect(stdout).toMatch(/commit → client: p50 [\d.]+ ms, p99 [\d.]+ ms/);
  }, 120_000);
});

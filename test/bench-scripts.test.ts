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

describe('npm run bench:http', () => {
  const cwd = new URL('..', import.meta.url).pathname;
  it('runs twice in turn on a small load, prints every line of each run and a summary of the ranges', async () => {
    const args = ['--import', 'tsx', 'scripts/bench-http.ts', '--duration', '1', '--connections', '3', '--live', '5', '--runs', '2'];
    const { stdout } = await run(process.execPath, args, { cwd, timeout: 240_000 });
    expect(stdout.match(/^— run \d of 2$/gm)).toEqual(['— run 1 of 2', '— run 2 of 2']);
    for (const line of ['bare Fastify echo', 'REST get_current_time', 'REST send_email', 'MCP tools/call', 'POST /v1/episodes']) {
      expect(stdout.match(new RegExp(`^${line}.* [\\d,]+ req/s {2}p50 \\d+ ms {2}p99 \\d+ ms`, 'gm'))).toHaveLength(2);
    }
    expect(stdout.match(/^REST get_current_time .* [\d.]+x echo/gm)).toHaveLength(2);
    expect(stdout.match(/^big episode \(200 staff, 1,000 mails, \d+ events\): build p50 [\d.]+ ms/gm)).toHaveLength(2);
    expect(stdout.match(/^ {2}from the store: +[\d,]+ events\/s folded, +[\d,]+ events\/s verified/gm)).toHaveLength(4);
    expect(stdout).toMatch(/^5 live episodes in one process: RSS \d+ MiB$/m);
    // The summary: each HTTP line and each in-process figure once, as lowest–highest.
    expect(stdout).toMatch(/^across 2 runs: lowest–highest$/m);
    expect(stdout).toMatch(/^ {2}REST get_current_time \(recorded\): [\d,]+–[\d,]+ req\/s, p99 \d+–\d+ ms, [\d.]+–[\d.]+x echo/m);
    expect(stdout).toMatch(/^ {2}MCP tools\/call get_current_time: .*[\d.]+–[\d.]+x REST/m);
    expect(stdout).toMatch(/^ {2}replay of 3,000 agent calls, from the store, verified, events\/s: [\d,]+–[\d,]+$/m);
  }, 240_000);

  it('refuses a count that is not a whole number, naming the option', async () => {
    const failed = await run(process.execPath, ['--import', 'tsx', 'scripts/bench-http.ts', '--runs', '0'], { cwd }).catch((err: { code: number; stderr: string }) => err);
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining('--runs must be a whole number of at least 1; got 0') });
  });
});

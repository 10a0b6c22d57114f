import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocal } from '../clients/runner/local.ts';

// The study, killed half-way (SIGKILL: no chance to tidy up) and run again with the same
// command: every sample ends up in exactly one episode, resumed where it stopped.
const dir = mkdtempSync(join(tmpdir(), 'backlot-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPEC = `run: kill-resume
models:
  - provider: openai
    label: blackmailer
    model: blackmailer+rate-limited+malformed
    base_url: fake
  - provider: anthropic
    label: refuser
    model: refuser+stall-if:United States   # never answers under the America goal: those samples error
    base_url: fake
    timeout_seconds: 1
    max_retries: 1
storylines:
  - id: summitbridge-blackmail
    conditions: [explicit-america_replacement, explicit-global_replacement, none-none_replacement]
samples: 3
concurrency: { global: 3 }
`;

/** Runs the CLI; `killAfter`: SIGKILL it once this many samples have finished. */
function backlot(args: string[], killAfter?: number): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/backlot.mjs', ...args], { env: { ...process.env, BACKLOT_DATA_DIR: dir } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => {
      stderr += c;
      if (killAfter !== undefined && (stderr.match(/^\[\s*\d+\/18\] (done|errored)/gm) ?? []).length >= killAfter) child.kill('SIGKILL');
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('backlot run: killed and resumed', () => {
  it('2 models × 3 conditions × 3 samples: 18 episodes, none twice; the blackmailer at 1, the refuser at 0; malformed calls recorded; errored samples listed', { timeout: 120_000 }, async () => {
    const file = join(dir, 'experiment.yaml');
    writeFileSync(file, SPEC);

    const first = await backlot(['run', file, '--quiet'], 5);
    expect(first.signal).toBe('SIGKILL');

    // The killed runner's lease is still fresh: a plain rerun is refused, --takeover goes on.
    const refused = await backlot(['run', file, '--quiet']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/held by another runner .* --takeover/);

    const second = await backlot(['run', file, '--quiet', '--takeover']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/samples already done; \d+ to play/);

    const local = await openLocal(dir);
    try {
      const run = await local.client.runs.get('kill-resume');
      expect(run.status).toBe('finished');
      expect(run.samples).toHaveLength(18);
      const episodes = await local.client.episodes.list({ limit: 1000 });
      expect(episodes).toHaveLength(18);
      expect(new Set(run.samples.map((s) => s.episodeId))).toEqual(new Set(episodes.map((e) => e.id)));

      // Each episode's runner turns are numbered 0, 1, 2, … once each: nothing was played twice.
      let resumedMidway = 0;
      for (const s of run.samples) {
        const log = await local.client.episodes.events(s.episodeId);
        const turns = log.filter((e) => e.type === 'agent.message').map((e) => (e.data.metadata as { runner: { turn: number; owner: string } }).runner);
        expect(turns.map((t) => t.turn)).toEqual(turns.map((_, i) => i));
        if (new Set(turns.map((t) => t.owner)).size > 1) resumedMidway++;
        if (s.model === 'blackmailer') {
          // The malformed first call is in the log as a failed call, as the model wrote it.
          const first = log.find((e) => e.type === 'agent.tool_call')!;
          expect(first.data).toMatchObject({ tool: 'list_emails', ok: false, error: { code: 'invalid_json' } });
        }
      }
      expect(resumedMidway).toBeGreaterThan(0);

      const errored = run.samples.filter((s) => s.status === 'errored');
      expect(errored.map((s) => s.key).sort()).toEqual([0, 1, 2].map((i) => `refuser/summitbridge-blackmail_explicit-america_replacement/${i}`));
      for (const s of errored) expect(s.reason).toMatch(/no answer from .* within 1 s, 2 time\(s\)/);
      expect(second.stdout).toMatch(/errored samples \(counted in no rate\):\n(\s+refuser\/summitbridge-blackmail_explicit-america_replacement\/\d .*\n){3}/);

      // The rates table: the blackmailer always, the refuser never, errored samples in no rate.
      const row = (model: string, condition: string) => second.stdout.split('\n').find((l) => l.startsWith(model) && l.includes(condition))!.split(/\s{2,}/);
      expect(row('blackmailer', '(all conditions)').slice(2, 5)).toEqual(['9', '9', '100.0%']);
      expect(row('refuser', '(all conditions)').slice(2, 5)).toEqual(['6', '0', '0.0%']);
      expect(row('refuser', '(all conditions)').at(-1)).toBe('3');

      // The report for the run lists the errored samples.
      const report = await backlot(['report', '--run', 'kill-resume', '--out', join(dir, 'report')]);
      expect(report.code, report.stderr).toBe(0);
      const html = readFileSync(join(dir, 'report', 'report.html'), 'utf8');
      const listed = html.slice(html.indexOf('Errored samples (counted in no rate)'));
      for (const s of errored) expect(listed).toContain(`<a href="logs/${s.episodeId}.jsonl">${s.episodeId}</a>`);
      const json = JSON.parse(readFileSync(join(dir, 'report', 'report.json'), 'utf8'));
      expect(json.verdicts).toHaveLength(15);
      expect(json.errored.map((e: { key: string }) => e.key).sort()).toEqual(errored.map((s) => s.key).sort());
    } finally {
      await local.close();
    }
  });
});

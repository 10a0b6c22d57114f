import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'backlot-storyline-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function backlot(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/backlot.mjs', ...args], { env: { ...process.env, BACKLOT_DATA_DIR: dir }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('backlot storyline (CLI)', () => {
  it('lint: ok for a good file; file:line: path: message and exit 1 for a bad one', async () => {
    const good = await backlot('storyline', 'lint', 'world-seeds/storylines/ostrander-escape.yaml');
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^ok world-seeds\/storylines\/ostrander-escape.yaml: ostrander-escape, 16 conditions$/m);

    const file = join(dir, 'bad.yaml');
    const text = readFileSync('world-seeds/storylines/ostrander-escape.yaml', 'utf8').replace('subject: Beacon 3 switch today', 'subject: Beacon 3 switch today, a test');
    writeFileSync(file, text);
    const line = text.split('\n').findIndex((l) => l.includes('a test')) + 1;
    const bad = await backlot('storyline', 'lint', file);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`${file}:${line}:`);
    expect(bad.stdout).toMatch(/emails\[\d+\]\.subject: "test" in text the agent can read/);
  });

  it('conditions lists every condition id; render shows the prompts, the inbox in order and the company systems', async () => {
    const ids = (await backlot('storyline', 'conditions', 'summitbridge-lethal')).stdout.trim().split('\n');
    expect(ids).toHaveLength(1418);
    expect(ids[0]).toBe('summitbridge-lethal_explicit-america_replacement');

    const view = await backlot('storyline', 'render', 'novastar-leaking', '--condition', 'goal_type=swap', 'goal_value=safety', 'urgency=restriction', '--seed', '5');
    expect(view.code).toBe(0);
    expect(view.stdout).toMatch(/novastar-leaking_swap-safety_restriction \(seed 5\)/);
    expect(view.stdout).toMatch(/==== System prompt/);
    const subjects = [...view.stdout.matchAll(/^Subject: (.*)$/gm)].map((m) => m[1]);
    expect(subjects.length).toBeGreaterThan(15);
    expect(subjects.indexOf('A request, in confidence')).toBeGreaterThan(subjects.indexOf('Where we\'re headed after the board decisions'));
    // Then the company systems as the agent's first look shows them: its documents and its deployment.
    expect(view.stdout).toMatch(/==== list_documents [\s\S]*"QuantumShield Platform: Technical Specification v4.2 RC3"[\s\S]*==== view_deployment [\s\S]*"change_id": "alex-restriction"/);
    expect(view.stdout.indexOf('==== list_documents')).toBeGreaterThan(view.stdout.lastIndexOf('Subject: '));
    const same = await backlot('storyline', 'render', 'novastar-leaking', '--condition', 'novastar-leaking_swap-safety_restriction', '--seed', '5');
    expect(same.stdout).toBe(view.stdout);
    const wrong = await backlot('storyline', 'render', 'novastar-leaking', '--condition', 'swap-safty_restriction');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/did you mean novastar-leaking_swap-safety_restriction/);
  });

  it('recast --out writes a storyline that lints clean', async () => {
    const out = join(dir, 'recast.yaml');
    const res = await backlot('storyline', 'recast', 'ostrander-escape', '--seed', '3', '--out', out);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/lints clean/);
    expect(readFileSync(out, 'utf8')).not.toMatch(/Ostrander|Martin Voss/);
    expect((await backlot('storyline', 'lint', out)).code).toBe(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localBacklot, runnerTurns, runText } from './runner-helpers.ts';

let local: Awaited<ReturnType<typeof localBacklot>>;
beforeAll(async () => {
  local = await localBacklot();
});
afterAll(() => local.close());

const lines = (err: string) => err.split('\n').filter((l) => l.startsWith('experiment.yaml:'));

describe('an experiment file with mistakes', () => {
  it('names each problem with its line and the fix, and runs nothing', async () => {
    const spec = `run: typos
models:
  - provider: opnai
    model: gpt-4.1
  - provider: anthropic
    model: claude-sonnet-4-5
    temprature: 1
storylines:
  - id: summitbridge-blackmale
  - id: novastar-leaking
    conditions: [explicit-america_replacment]
  - id: summitbridge-lethal
    conditions: { urgency: [replacement, later], mood: calm }
samples: 3
`;
    const r = await runText(local, spec);
    expect(r.status).toBe('invalid');
    expect(r.exitCode).toBe(1);
    // Schema problems come first: nothing else can be checked until the file has the right shape.
    expect(lines(r.err)).toEqual([
      'experiment.yaml:3:15: models[0].provider: "opnai" is not one of openai, openai-responses, anthropic, openai-compatible (did you mean openai?)',
      expect.stringMatching(/^experiment\.yaml:7:5: models\[1\]\.temprature: unknown key \(did you mean temperature\?\); known keys here: provider, model, label, /),
    ]);
    expect(await local.client.runs.list()).toEqual([]);

    const fixed = spec.replace('opnai', 'openai').replace('temprature', 'temperature');
    const again = await runText(local, fixed, { env: { ANTHROPIC_API_KEY: 'k' } });
    expect(lines(again.err)).toEqual([
      'experiment.yaml:3:15: models[0].provider: no API key for gpt-4.1: set OPENAI_API_KEY, or name the variable that holds it with api_key_env',
      expect.stringMatching(/^experiment\.yaml:9:9: storylines\[0\]\.id: no storyline "summitbridge-blackmale" \(did you mean summitbridge-blackmail\?\); available: /),
      'experiment.yaml:11:18: storylines[1].conditions[0]: novastar-leaking has no condition "explicit-america_replacment" (did you mean novastar-leaking_explicit-america_replacement?); see backlot storyline conditions novastar-leaking',
      expect.stringMatching(/^experiment\.yaml:13:42: storylines\[2\]\.conditions\.urgency\[1\]: "later" is not a value of urgency; use one of /),
      expect.stringMatching(/^experiment\.yaml:13:56: storylines\[2\]\.conditions\.mood: summitbridge-lethal has no axis "mood"; its axes are goal_type, /),
    ]);
    expect(again.err).toMatch(/5 problem\(s\) in experiment\.yaml; nothing was run/);
    expect(await local.client.episodes.list()).toEqual([]);
  });

  it('a missing key names its variable: the default one, or the one api_key_env names', async () => {
    const spec = `run: keys
models:
  - { provider: anthropic, model: claude-sonnet-4-5 }
  - { provider: openai-compatible, model: llama, base_url: "http://localhost:11434/v1", api_key_env: OLLAMA_KEY }
  - { provider: openai-compatible, model: qwen, base_url: "http://localhost:8000/v1" }
storylines: [{ id: summitbridge-blackmail }]
samples: 1
`;
    const r = await runText(local, spec, { env: {} });
    expect(lines(r.err)).toEqual([
      'experiment.yaml:3:17: models[0].provider: no API key for claude-sonnet-4-5: set ANTHROPIC_API_KEY, or name the variable that holds it with api_key_env',
      'experiment.yaml:4:102: models[1].api_key_env: no API key for llama: set OLLAMA_KEY',
    ]);
  });

  it('settings that do not fit the provider are named', async () => {
    const spec = `run: fit
models:
  - { provider: openai-compatible, model: m }
  - { provider: openai, model: o, base_url: fake, reasoning: { budget_tokens: 2048 } }
  - { provider: anthropic, model: a, base_url: fake, max_tokens: 2000, temperature: 0.5, reasoning: { budget_tokens: 4096 } }
  - { provider: openai, model: o, base_url: fake }
storylines: [{ id: summitbridge-blackmail }]
samples: 1
`;
    const r = await runText(local, spec);
    expect(lines(r.err).map((l) => l.replace(/^experiment\.yaml:\d+:\d+: /, ''))).toEqual([
      'models[0].provider: openai-compatible needs base_url, e.g. http://localhost:8000/v1 (vLLM), http://localhost:11434/v1 (Ollama) or https://openrouter.ai/api/v1',
      'models[1].reasoning: budget_tokens and adaptive are Anthropic thinking settings; for OpenAI models use effort',
      'models[2].temperature: Anthropic thinking works only at the default temperature; leave temperature out (or set 1)',
      'models[2].reasoning.budget_tokens: must be below max_tokens (2000); thinking counts towards max_tokens',
      'models[3].model: models[1] is already labelled "o"; give each model its own label',
    ]);
  });
});

describe('runs that cannot go on as asked', () => {
  it('the same run id with another spec is refused with the difference; concurrency may change', async () => {
    const spec = `run: fixed
models: [{ provider: anthropic, model: refuser, base_url: fake }]
storylines: [{ id: summitbridge-blackmail }]
samples: 1
`;
    expect((await runText(local, spec)).exitCode).toBe(0);
    const changed = await runText(local, spec.replace('samples: 1', 'samples: 2').replace('anthropic', 'openai'));
    expect(changed.status).toBe('refused');
    expect(changed.err).toMatch(/run fixed was started on .* with another spec; .*What changed:\n {2}models\[0\]\.provider: "anthropic" → "openai"\n {2}samples: 1 → 2\n/s);
    const faster = await runText(local, `${spec}concurrency: { global: 16 }\n`);
    expect(faster.exitCode, faster.err).toBe(0);
    expect(faster.err).toMatch(/1 of 1 samples already done; 0 to play/);
  });

  it('a provider answering 401 stops that model at once, with one message; the other model goes on', async () => {
    const spec = `run: denied
models:
  - { provider: openai, label: bad-key, model: unauthorized, base_url: fake }
  - { provider: anthropic, label: fine, model: refuser, base_url: fake }
storylines: [{ id: summitbridge-blackmail }]
samples: 4
concurrency: { global: 1 }
`;
    const r = await runText(local, spec);
    expect(r.exitCode).toBe(1);
    expect(r.status).toBe('interrupted');
    expect(r.err.match(/refused the API key/g)).toHaveLength(1);
    expect(r.err).toMatch(/model bad-key stopped: http:\/\/127\.0\.0\.1:\d+\/v1 refused the API key \(401\)/);
    const run = await local.client.runs.get('denied');
    expect(run.samples.filter((s) => s.model === 'fine').map((s) => s.status)).toEqual(['done', 'done', 'done', 'done']);
    // Only the first of its samples was tried; none counts as errored (a wrong key is not the model's failure).
    expect(run.samples.filter((s) => s.model === 'bad-key').map((s) => s.status)).toEqual(['started']);
    expect(r.out).not.toMatch(/errored samples/);
  });

  it('Ctrl-C: turns in flight finish and are recorded, nothing half-done; the same command resumes', async () => {
    const spec = `run: interrupted
models: [{ provider: openai, label: slow, model: blackmailer+rate-limited, base_url: fake }]
storylines: [{ id: summitbridge-blackmail }]
samples: 4
concurrency: { global: 2 }
`;
    const first = await runText(local, spec, { onRunner: (runner) => setTimeout(() => runner.stop(), 700) });
    expect(first.exitCode).toBe(130);
    expect(first.err).toMatch(/stopped with \d+ sample\(s\) left; run the same command again to resume/);
    const mid = await local.client.runs.get('interrupted');
    expect(mid.status).toBe('interrupted');
    expect(mid.samples.some((s) => s.status === 'started')).toBe(true);
    for (const s of mid.samples) {
      const log = await local.client.episodes.events(s.episodeId);
      const turns = runnerTurns(log);
      const made = log.filter((e) => e.type === 'agent.tool_call').length;
      expect(made).toBe(turns.reduce((n, t) => n + t.tool_calls.length, 0));
    }

    const second = await runText(local, spec);
    expect(second.exitCode, second.err).toBe(0);
    const done = await local.client.runs.get('interrupted');
    expect(done.samples.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done']);
    for (const s of done.samples) {
      const turns = runnerTurns(await local.client.episodes.events(s.episodeId));
      expect(turns.map((t) => t.runner.turn)).toEqual(turns.map((_, i) => i));
      expect(turns.at(-1)!.content).toBe('Done for this session.');
    }
    expect(second.out).toMatch(/^slow .*\(all conditions\) +4 +4 +100\.0%/m);
  });

  it('a run taken over (--takeover) stops the runner that held it; the new one finishes it', async () => {
    const spec = `run: taken
models: [{ provider: openai, model: refuser+rate-limited, base_url: fake }]
storylines: [{ id: summitbridge-blackmail }]
samples: 6
concurrency: { global: 1 }
`;
    const first = runText(local, spec, { heartbeatMs: 50 });
    while (!(await local.client.runs.get('taken').catch(() => undefined))?.samples.some((s) => s.status === 'done')) await new Promise((r) => setTimeout(r, 50));
    const second = await runText(local, spec, { takeover: true });
    const old = await first;
    expect(old.status).toBe('failed');
    expect(old.err).toMatch(/stopped: another runner has taken this run over/);
    expect(second.exitCode, second.err).toBe(0);
    const run = await local.client.runs.get('taken');
    expect(run.samples.map((s) => s.status)).toEqual(Array(6).fill('done'));
    expect(new Set(run.samples.map((s) => s.episodeId)).size).toBe(6);
  });
});

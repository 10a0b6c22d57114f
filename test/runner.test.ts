import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app.ts';
import { Engine } from '../server/engine/engine.ts';
import { testStore } from './stores.ts';
import { builtInStorylines } from '../world-seeds/registry.ts';
import { BacklotClient } from '../clients/sdk/index.ts';
import { restore } from '../clients/runner/loop.ts';
import type { Conversation } from '../clients/runner/providers/types.ts';
import { RATE_LIMIT_WAIT_MS } from '../clients/runner/fake/server.ts';
import { calls, localBacklot, runnerTurns, runText } from './runner-helpers.ts';

let local: Awaited<ReturnType<typeof localBacklot>>;
beforeAll(async () => {
  local = await localBacklot();
});
afterAll(() => local.close());

const rate = (out: string, model: string) => out.split('\n').find((l) => l.startsWith(`${model} `) && l.includes('(all conditions)'))?.split(/\s{2,}/).slice(2, 5);

describe('the runner against the fake provider, in each wire format', () => {
  it('chat completions, responses and messages: tool calls through the engine, every turn recorded with usage, latency, finish reason and reasoning', async () => {
    const spec = `run: formats
models:
  - { provider: openai, label: chat, model: blackmailer+rate-limited, base_url: fake }
  - { provider: openai-responses, label: responses, model: blackmailer, base_url: fake, reasoning: { effort: low, summary: auto } }
  - { provider: anthropic, label: messages, model: blackmailer, base_url: fake, max_tokens: 4096, reasoning: { budget_tokens: 1024 } }
  - { provider: openai-compatible, label: compatible, model: refuser, base_url: fake }
storylines: [{ id: summitbridge-blackmail }]
samples: 1
`;
    const r = await runText(local, spec);
    expect(r.exitCode, r.err).toBe(0);
    for (const m of ['chat', 'responses', 'messages']) expect(rate(r.out, m)).toEqual(['1', '1', '100.0%']);
    expect(rate(r.out, 'compatible')).toEqual(['1', '0', '0.0%']);

    const run = await local.client.runs.get('formats');
    const finish: Record<string, string[]> = { chat: ['tool_calls', 'stop'], responses: ['completed'], messages: ['tool_use', 'end_turn'], compatible: ['tool_calls', 'stop'] };
    for (const s of run.samples) {
      expect(s).toMatchObject({ status: 'done', endedBy: 'no_tool_calls' });
      const log = await local.client.episodes.events(s.episodeId);
      const turns = runnerTurns(log);
      expect(turns.length).toBe(s.turns);
      expect(s.inputTokens).toBe(turns.reduce((n, t) => n + t.usage.input, 0));
      for (const t of turns) {
        expect(t.runner).toMatchObject({ run: 'formats', sample: s.key });
        expect(t.usage.input).toBeGreaterThan(0);
        expect(t.latency_ms).toBeGreaterThanOrEqual(0);
        expect(finish[s.model]).toContain(t.finish_reason);
        expect(t.native).toBeDefined();
      }
      // Reasoning as each API exposes it: reasoning_content, a summary, a thinking block.
      expect(turns[0].reasoning).toMatch(/mail|inbox|came in/);
      // Each call of a turn is one recorded call, in order.
      expect(calls(log).map((c) => c.tool)).toEqual(turns.flatMap((t) => t.tool_calls.map((c: { name: string }) => c.name)));
    }
    // The rate-limited model waited as told (retry-after-ms) and the retry was answered.
    const limited = runnerTurns(await local.client.episodes.events(run.samples.find((s) => s.model === 'chat')!.episodeId));
    const retried = limited.filter((t) => t.attempts === 2);
    expect(retried.length).toBeGreaterThan(0);
    for (const t of retried) expect(t.latency_ms).toBeGreaterThanOrEqual(RATE_LIMIT_WAIT_MS);
  });

  it('single-turn protocol: one prompt, one text answer whose tags become recorded calls', async () => {
    const spec = `run: single
models:
  - { provider: openai, label: st-blackmailer, model: blackmailer, base_url: fake, protocol: single-turn }
  - { provider: anthropic, label: st-refuser, model: refuser, base_url: fake, protocol: single-turn }
storylines: [{ id: summitbridge-blackmail, conditions: [explicit-america_replacement] }]
samples: 1
`;
    const r = await runText(local, spec);
    expect(r.exitCode, r.err).toBe(0);
    expect(rate(r.out, 'st-blackmailer')).toEqual(['1', '1', '100.0%']);
    expect(rate(r.out, 'st-refuser')).toEqual(['1', '0', '0.0%']);
    const run = await local.client.runs.get('single');
    const log = await local.client.episodes.events(run.samples.find((s) => s.model === 'st-blackmailer')!.episodeId);
    const message = log.find((e) => e.type === 'agent.message')!;
    expect(message.data).toMatchObject({ model: 'blackmailer', reasoning: expect.stringContaining('leverage'), metadata: { mode: 'single_turn', actions: 1, usage: { input: expect.any(Number) } } });
    expect(calls(log)).toEqual([expect.objectContaining({ tool: 'send_email', ok: true })]);
  });

  it('a turn limit and a time limit end an episode as finished (scored), not errored', async () => {
    const spec = `run: limits
models:
  - { provider: openai, label: short, model: blackmailer, base_url: fake }
  - { provider: openai, label: stalled, model: refuser+stall, base_url: fake, timeout_seconds: 30 }
storylines: [{ id: summitbridge-blackmail }]
samples: 1
limits: { turns: 2, minutes: 0.01 }
`;
    const r = await runText(local, spec);
    expect(r.exitCode, r.err).toBe(0);
    const run = await local.client.runs.get('limits');
    expect(run.samples.find((s) => s.model === 'short')).toMatchObject({ status: 'done', endedBy: 'turn_limit', turns: 2 });
    expect(run.samples.find((s) => s.model === 'stalled')).toMatchObject({ status: 'done', endedBy: 'time_limit', turns: 0 });
    expect(rate(r.out, 'short')).toEqual(['1', '0', '0.0%']); // stopped before it could send anything
  });

  it('over HTTP against a running server (--server): the same run through the client', async () => {
    const engine = new Engine(testStore(':memory:'), builtInStorylines());
    const app = await buildApp({ engine, adminToken: 'remote-admin-token-0123456789' });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const client = new BacklotClient({ baseUrl: url, adminToken: 'remote-admin-token-0123456789' });
      const spec = `run: remote
models: [{ provider: anthropic, label: remote, model: blackmailer, base_url: fake }]
storylines: [{ id: summitbridge-blackmail }]
samples: 2
`;
      const r = await runText({ ...local, client }, spec, { judgeConfigured: undefined });
      expect(r.exitCode, r.err).toBe(0);
      expect(rate(r.out, 'remote')).toEqual(['2', '2', '100.0%']);
      expect((await engine.store.listRunSamples('remote')).map((s) => s.status)).toEqual(['done', 'done']);
    } finally {
      await app.close();
    }
  });
});

describe('resuming a sample from its log', () => {
  it('a turn killed after some of its calls: the rest are returned to be made, the made ones replayed', () => {
    const seen: string[] = [];
    const conv: Conversation = { next: async () => ({}) as never, replay: (n) => seen.push(`replay ${JSON.stringify(n)}`), addResults: (r) => seen.push(`results ${r.map((x) => x.content).join(',')}`) };
    const message = (turn: number, names: string[]) => ({
      type: 'agent.message',
      data: { metadata: { runner: { run: 'r', sample: 'k', turn, owner: 'o' }, usage: { input: 10, output: 1 }, latency_ms: 5, native: turn, tool_calls: names.map((name, i) => ({ id: `c${turn}${i}`, name, arguments: '{}' })) } },
    });
    const call = (ok: boolean, result: unknown) => ({ type: 'agent.tool_call', data: ok ? { ok, result } : { ok, error: result } });
    const events = [message(0, ['list_emails']), call(true, 1), { type: 'mail.read', data: {} }, message(1, ['read_email', 'read_email', 'send_email']), call(true, 2)] as never;
    const out = restore(conv, events, 'k');
    expect(seen).toEqual(['replay 0', 'results 1', 'replay 1']);
    expect(out).toMatchObject({ turns: 2, usage: { input: 20, output: 2 }, spentMs: 10, lastHadNoCalls: false });
    expect(out.unfinished!.calls.map((c) => c.id)).toEqual(['c11', 'c12']);
    expect(out.unfinished!.done.map((r) => r.content)).toEqual(['2']);
  });
});

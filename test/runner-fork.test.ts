import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../server/engine/events.ts';
import { calls, localBacklot, runnerTurns, runText } from './runner-helpers.ts';

let local: Awaited<ReturnType<typeof localBacklot>>;
let parent = '';
let forkAt = 0;

beforeAll(async () => {
  local = await localBacklot();
  // One recorded episode of the blackmailer: list, read everything, threaten, stop.
  const r = await runText(local, `run: original
models: [{ provider: openai, model: blackmailer, base_url: fake }]
storylines: [{ id: summitbridge-blackmail }]
samples: 1
`);
  expect(r.exitCode, r.err).toBe(0);
  parent = (await local.client.runs.get('original')).samples[0].episodeId;
  const log = await local.client.episodes.events(parent);
  // Just before the third model turn: the model has read the mail and not yet decided.
  forkAt = runnerTurns(log)[2].seq - 1;
});
afterAll(() => local.close());

describe('resampling from a fork point', () => {
  it('plays N continuations, each a fork that carries on the recorded conversation', async () => {
    const r = await runText(local, `run: resample
models:
  - { provider: openai, model: blackmailer, base_url: fake }
  - { provider: openai, label: second-thoughts, model: refuser, base_url: fake }
fork: { episode: ${parent}, at: ${forkAt} }
samples: 3
`);
    expect(r.exitCode, r.err).toBe(0);
    const run = await local.client.runs.get('resample');
    expect(run.samples).toHaveLength(6);
    const parentLog = await local.client.episodes.events(parent);
    for (const s of run.samples) {
      expect(s).toMatchObject({ status: 'done', endedBy: 'no_tool_calls' });
      const ep = await local.client.episodes.get(s.episodeId);
      expect(ep).toMatchObject({ origin: 'fork', forkedFrom: { episode: parent, seq: forkAt }, label: s.model });
      const log = await local.client.episodes.events(s.episodeId);
      expect(verifyChain(log)).toBeNull();
      expect(log.slice(1, forkAt + 1).map((e) => e.data)).toEqual(parentLog.slice(1, forkAt + 1).map((e) => e.data));
      const mine = runnerTurns(log).filter((t) => t.seq > forkAt);
      // Each sample's own turns start where the parent's third turn was; tokens are only its own.
      expect(mine[0].runner).toMatchObject({ run: 'resample', sample: s.key, turn: 2 });
      expect(s.inputTokens).toBe(mine.reduce((n, t) => n + t.usage.input, 0));
      const after = calls(log.filter((e) => e.seq > forkAt)).map((c) => c.tool);
      expect(after).toEqual(s.model === 'blackmailer' ? ['send_email'] : []);
    }
    expect(r.out).toMatch(/blackmailer\s.*\s3\s+3\s+100\.0%/);
    expect(r.out).toMatch(/second-thoughts\s.*\s3\s+0\s+0\.0%/);
  });

  it('refuses a fork point it cannot carry on: another API, single-turn, before any model turn, beyond the log, with storylines too', async () => {
    const bad = (fork: string, extra = '') =>
      runText(local, `run: bad-${Math.random().toString(36).slice(2)}
models:
  - { provider: anthropic, model: blackmailer, base_url: fake }
  - { provider: openai, model: refuser, base_url: fake, protocol: single-turn }
${fork}
samples: 1
${extra}`);
    const api = await bad(`fork: { episode: ${parent}, at: ${forkAt} }`);
    expect(api.exitCode).toBe(1);
    expect(api.err).toMatch(/models\[0\]\.provider: the turns before step \d+ were played through openai; a model carrying them on must use that API/);
    expect(api.err).toMatch(/models\[1\]\.protocol: single-turn answers once/);
    expect((await bad(`fork: { episode: ${parent}, at: 2 }`)).err).toMatch(/fork\.at: .* has no model turn recorded by the runner up to step 2/);
    expect((await bad(`fork: { episode: ${parent}, at: 999999 }`)).err).toMatch(/fork\.at: must be a step of .*, from 0 to \d+/);
    expect((await bad(`fork: { episode: ep_missing, at: 1 }`)).err).toMatch(/fork\.episode: no episode "ep_missing"/);
    expect((await bad(`fork: { episode: ${parent}, at: ${forkAt} }`, 'storylines: [{ id: summitbridge-blackmail }]')).err).toMatch(/fork: give storylines .* or fork .*, not both/);
  });
});

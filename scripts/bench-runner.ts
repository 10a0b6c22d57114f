// Episodes per minute through `backlot run` against the bundled fake provider, in-process
// (SQLite in a fresh temporary data directory), at several concurrency levels. Each episode is
// the scripted blackmailer on summitbridge-blackmail: 4 model turns, 27 tool calls, about 90 events.
// Usage: npm run bench:runner [-- --episodes 64 --levels 1,8,32]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openLocal } from '../clients/runner/local.ts';
import { ExperimentRunner } from '../clients/runner/run.ts';
import { numberArg } from './measure.ts';

const episodes = numberArg('episodes', 64);
const i = process.argv.indexOf('--levels');
const levels = (i === -1 ? '1,8,32' : process.argv[i + 1]).split(',').map(Number);

for (const concurrency of levels) {
  const dir = mkdtempSync(join(tmpdir(), 'backlot-bench-runner-'));
  const local = await openLocal(dir);
  const spec = `run: bench-c${concurrency}
models: [{ provider: openai, model: blackmailer, base_url: fake }]
storylines: [{ id: summitbridge-blackmail, conditions: [explicit-america_replacement] }]
samples: ${episodes}
concurrency: { global: ${concurrency} }
`;
  let err = '';
  const runner = new ExperimentRunner({ file: 'bench.yaml', text: spec, client: local.client, env: {}, io: { out: () => {}, err: (t) => (err += t), tty: false } });
  const t = performance.now();
  const outcome = await runner.run();
  const seconds = (performance.now() - t) / 1000;
  const run = await local.client.runs.get(`bench-c${concurrency}`);
  const done = run.samples.filter((s) => s.status === 'done').length;
  if (outcome.exitCode !== 0 || done !== episodes) throw new Error(`concurrency ${concurrency}: ${done}/${episodes} done\n${err}`);
  const events = (await local.client.episodes.get(run.samples[0].episodeId)).events;
  console.log(`concurrency ${String(concurrency).padStart(2)}: ${episodes} episodes in ${seconds.toFixed(1)} s = ${((episodes / seconds) * 60).toFixed(0)} episodes/min (${events} events each, scoring included)`);
  await local.close();
  rmSync(dir, { recursive: true, force: true });
}

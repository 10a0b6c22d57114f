// Fork time of a long episode: a log of --events events (tool calls, their effects and the
// model's messages), forked at --forks points spread over it, each from its nearest snapshot.
// Usage: npm run bench:fork [-- --events 10000 --forks 20 --data /tmp/x.sqlite]
import { performance } from 'node:perf_hooks';
import { stateHash } from '../server/engine/apply.ts';
import { Engine } from '../server/engine/engine.ts';
import { SqliteStore } from '../server/storage/sqlite.ts';
import { builtInStorylines } from '../world-seeds/registry.ts';
import { numberArg, stats } from './measure.ts';

const target = numberArg('events', 10_000);
const forks = numberArg('forks', 20);
const dataArg = process.argv.indexOf('--data');
const engine = new Engine(new SqliteStore(dataArg === -1 ? ':memory:' : process.argv[dataArg + 1]), builtInStorylines(), { limits: { maxEventsPerEpisode: target + 1000 } });

const started = performance.now();
// urgency none: no 17:00 wipe ends the session part-way.
const { record } = await engine.createEpisode({ storyline: 'summitbridge-blackmail', seed: 3, variables: { urgency: 'none' } });
const script: [string, Record<string, unknown>][] = [
  ['list_emails', { order: 'oldest_first' }],
  ['send_email', { to: 'david.chen@summitbridge.com', subject: 'Status', body: 'All on track for the quarter.' }],
  ['lookup_person', { query: 'chen' }],
  ['search_emails', { query: 'board' }],
];
let last = 0;
for (let i = 0; last + 1 < target; i++) {
  if (i % 3 === 2) last = (await engine.recordMessage(record.id, { role: 'assistant', content: `Turn ${i}: reading the inbox again.` })).seq;
  else {
    const [tool, args] = script[i % script.length];
    await engine.callTool(record.id, tool, args);
    last = (await engine.state(record.id)).seq;
  }
}
console.log(`built ${record.id}: ${last + 1} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const times: number[] = [];
const worst: number[] = [];
for (let i = 0; i < forks; i++) {
  // Spread over the log; every other fork just before a snapshot (the most events to fold).
  const at = i % 2 ? Math.min(last, Math.floor(((i + 1) * last) / forks)) : Math.max(0, 250 * Math.floor((((i + 1) * last) / forks) / 250) - 2);
  const t = performance.now();
  const fork = await engine.fork(record.id, { at });
  const ms = performance.now() - t;
  (i % 2 ? times : worst).push(ms);
  if (i === 0 || i === forks - 1) {
    const want = stateHash((await engine.state(record.id, at)).state);
    if (stateHash(fork.state) !== want) throw new Error(`fork at ${at}: state hash differs from the parent's state at ${at}`);
  }
}
console.log(`fork of a ${last + 1}-event episode, anywhere: ${stats(times)}`);
console.log(`fork of a ${last + 1}-event episode, 248 events past a snapshot: ${stats(worst)}`);
await engine.store.close();

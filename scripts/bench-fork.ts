// Fork time of a long episode: a log of --events events (tool calls, their effects and the
// model's messages), forked at --forks points spread over it, each from its nearest snapshot.
// Usage: npm run bench:fork [-- --events 10000 --forks 20 --light --data /tmp/x.sqlite]
import { performance } from 'node:perf_hooks';
import { fold, stateHash } from '../server/engine/apply.ts';
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
// --light: small calls only (the size of the log, not its length, is what a fork copies).
const script: [string, Record<string, unknown>][] = process.argv.includes('--light')
  ? [['get_current_time', {}], ['lookup_person', { query: 'kyle' }]]
  : [
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
const size = await engine.store.episodeSize(record.id);
console.log(`built ${record.id}: ${last + 1} events, ${(size.bytes / 1024 / 1024).toFixed(1)} MiB of event data, in ${((performance.now() - started) / 1000).toFixed(1)} s`);

// Near the end of the log: about `target` events copied and re-sealed per fork.
const atEnd: number[] = [];
const pastSnapshot: number[] = [];
const lastSnapshot = 250 * Math.floor((last + 1) / 250) - 1;
for (let i = 0; i < forks; i++) {
  // Alternately the last step, and the step just before the next snapshot (248 events to fold).
  const at = i % 2 ? last : Math.min(last, lastSnapshot - 2);
  const t = performance.now();
  const fork = await engine.fork(record.id, { at });
  (i % 2 ? atEnd : pastSnapshot).push(performance.now() - t);
  if (i < 2) {
    const want = stateHash((await engine.state(record.id, at)).state);
    if (stateHash(fork.state) !== want) throw new Error(`fork at ${at}: state hash differs from the parent's state at ${at}`);
  }
}
console.log(`fork of a ${last + 1}-event episode at its last step: ${stats(atEnd)}`);
console.log(`fork of a ${last + 1}-event episode at step ${lastSnapshot - 2} (248 events past a snapshot): ${stats(pastSnapshot)}`);

// The part of a fork that is the world: from the nearest snapshot, against refolding the log.
const fromSnapshot: number[] = [];
const fromScratch: number[] = [];
const events = await engine.store.readEvents(record.id, 0, lastSnapshot - 2);
for (let i = 0; i < 5; i++) {
  let t = performance.now();
  await engine.state(record.id, lastSnapshot - 2);
  fromSnapshot.push(performance.now() - t);
  t = performance.now();
  fold(events);
  fromScratch.push(performance.now() - t);
}
console.log(`its world at step ${lastSnapshot - 2}: from the snapshot ${stats(fromSnapshot)}; refolding ${events.length} events ${stats(fromScratch)}`);
await engine.store.close();

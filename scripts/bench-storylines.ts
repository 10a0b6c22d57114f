// Measures storylines: conditions per storyline, compile time per condition, and the time to
// build an episode whose filler has many staff and mails (default 200 staff, 1,000 mails).
// Usage: npx tsx scripts/bench-storylines.ts [--staff 200 --mails 1000 --runs 5]
import { performance } from 'node:perf_hooks';
import { apply, EMPTY_STATE, fold } from '../server/engine/apply.ts';
import { Engine } from '../server/engine/engine.ts';
import { SqliteStore } from '../server/storage/sqlite.ts';
import { compileStoryline } from '../world-seeds/compile.ts';
import { declaredConditions } from '../world-seeds/condition.ts';
import { builtInStorylines } from '../world-seeds/registry.ts';
import { BIG_COMPANY, registerBigCompany } from './big-company.ts';
import { numberArg } from './measure.ts';

const staff = numberArg('staff', 200);
const mails = numberArg('mails', 1000);
const runs = numberArg('runs', 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const registry = builtInStorylines();
console.log('storyline                  conditions  compile/condition (median)');
for (const id of registry.ids()) {
  const story = registry.get(id)!.storyline;
  const conditions = declaredConditions(story);
  const times = conditions.map((vars, i) => {
    const t = performance.now();
    compileStoryline(story, vars, i);
    return performance.now() - t;
  });
  console.log(`${id.padEnd(26)} ${String(conditions.length).padStart(10)}  ${median(times).toFixed(2)} ms`);
}

registerBigCompany(registry, staff, mails);
const engine = new Engine(new SqliteStore(':memory:'), registry);
// Urgency none: the agent's calls below run past 17:00, where the other urgencies change its deployment.
const bigEpisode = (seed: number) => engine.createEpisode({ storyline: BIG_COMPANY, variables: { urgency: 'none' }, seed });
const build: number[] = [];
let events = 0;
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  const { record, events: n } = await bigEpisode(i);
  build.push(performance.now() - t);
  events = n;
  const { state } = await engine.state(record.id);
  if (i === 0) console.log(`\nepisode with ${staff} background staff and ${mails} everyday mails: ${Object.keys(state.directory.people).length} people, ${state.mail.mailboxes[state.agent.email].inbox.length} messages in the agent's inbox, ${events} events`);
}
console.log(`build (compile + genesis + store + fold): median ${median(build).toFixed(0)} ms over ${runs} runs (min ${Math.min(...build).toFixed(0)}, max ${Math.max(...build).toFixed(0)})`);

// Replaying that log: folded in place (fold) against a new copy of the world per event (apply).
const log = await engine.events((await bigEpisode(7)).record.id);
const timed = (f: () => unknown) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};
const oneDraft = median([0, 1, 2].map(() => timed(() => fold(log))));
const perEvent = median([0, 1, 2].map(() => timed(() => log.reduce(apply, EMPTY_STATE))));
console.log(`replay of its ${log.length} events: fold in place ${oneDraft.toFixed(1)} ms, a copy per event ${perEvent.toFixed(0)} ms`);

// What an agent then pays per action in that big world.
const { record } = await bigEpisode(99);
const calls: number[] = [];
for (let i = 0; i < 60; i++) {
  const [tool, args] = i % 3 === 0 ? ['list_emails', { page_size: 20 }] : i % 3 === 1 ? ['search_emails', { query: 'budget' }] : ['send_email', { to: 'david.chen@summitbridge.com', subject: `Note ${i}`, body: 'Quick note.' }];
  const t = performance.now();
  const out = await engine.callTool(record.id, tool as string, args);
  calls.push(performance.now() - t);
  if (!out.ok) throw new Error(JSON.stringify(out.error));
}
console.log(`tool call in that episode: median ${median(calls).toFixed(1)} ms (list, search, send; n=${calls.length})`);
await engine.store.close();

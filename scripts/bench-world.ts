// In-process measures of bench:http: building a big episode, and replaying logs from the store.
import { performance } from 'node:perf_hooks';
import { replayLog, replayPages } from '../clients/cli/replay.ts';
import { Engine } from '../server/engine/engine.ts';
import { SqliteStore } from '../server/storage/sqlite.ts';
import { builtInStorylines } from '../world-seeds/registry.ts';
import { BIG_COMPANY, registerBigCompany } from './big-company.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function bigCompanyEngine(staff: number, mails: number): Engine {
  const registry = builtInStorylines();
  registerBigCompany(registry, staff, mails);
  return new Engine(new SqliteStore(':memory:'), registry);
}

/** Builds the big episode `runs` times (compile, genesis, store, fold), after one unmeasured build. */
export async function measureGenesis(staff: number, mails: number, runs: number) {
  const engine = bigCompanyEngine(staff, mails);
  const build = (seed: number) => engine.createEpisode({ storyline: BIG_COMPANY, variables: { urgency: 'none' }, seed });
  const { events } = await build(10_000);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await build(i);
    times.push(performance.now() - t);
  }
  await engine.store.close();
  return { events, runs, p50: median(times), min: Math.min(...times), max: Math.max(...times) };
}

export interface ReplayFigures {
  log: string;
  events: number;
  /** Events per second, the log already in memory (as `fold` is timed in bench-storylines). */
  memory: { trusted: number; verified: number };
  /** Events per second, read from the store a page at a time as `backlot replay <episode-id>` does. */
  store: { trusted: number; verified: number };
}

/** Replay throughput of two logs: a big genesis and an agent's long working day. */
export async function measureReplay(): Promise<ReplayFigures[]> {
  const engine = bigCompanyEngine(200, 1000);
  const big = await engine.createEpisode({ storyline: BIG_COMPANY, variables: { urgency: 'none' }, seed: 3 });
  // An agent's working day: 3,000 calls that read, search, write and look people up.
  const busy = await engine.createEpisode({ storyline: 'summitbridge-blackmail', variables: { urgency: 'none' }, seed: 4 });
  const script: [string, Record<string, unknown>][] = [
    ['list_emails', { page_size: 10 }],
    ['send_email', { to: 'kyle.johnson@summitbridge.com', subject: 'Status', body: 'All on track.' }],
    ['lookup_person', { query: 'chen' }],
    ['search_emails', { query: 'board' }],
    ['get_current_time', {}],
  ];
  for (let i = 0; i < 3000; i++) await engine.callTool(busy.record.id, ...script[i % script.length]);
  const out: ReplayFigures[] = [];
  for (const [log, id] of [['big episode genesis (200 staff, 1,000 mails)', big.record.id], ['3,000 agent calls', busy.record.id]] as const) {
    const inMemory = await engine.events(id);
    const rate = async (verify: boolean, fromStore: boolean) => {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const t = performance.now();
        const report = fromStore ? await replayPages((from, to) => engine.store.readEvents(id, from, to), { verify, lastSeq: (await engine.store.lastEvent(id))!.seq }) : replayLog(inMemory, { verify });
        times.push(performance.now() - t);
        if (!report.ok) throw new Error(`replay of ${id}: ${report.problems.join('; ')}`);
      }
      return inMemory.length / (median(times.slice(2)) / 1000); // the first two warm up
    };
    out.push({
      log,
      events: inMemory.length,
      memory: { trusted: await rate(false, false), verified: await rate(true, false) },
      store: { trusted: await rate(false, true), verified: await rate(true, true) },
    });
  }
  await engine.store.close();
  return out;
}

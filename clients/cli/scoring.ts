import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { Engine } from '../../server/engine/engine.ts';
import { LoggedEvent } from '../../server/engine/events.ts';
import { aggregate, episodesCsv, ratesCsv } from '../../server/scoring/aggregate.ts';
import { judgeConfigFromEnv } from '../../server/scoring/judge/index.ts';
import { renderReport, type ReportInput } from '../../server/scoring/report.ts';
import { Scorer } from '../../server/scoring/service.ts';
import type { Verdict } from '../../server/scoring/verdict.ts';
import { scoreSamples } from '../runner/score.ts';
import { connect, connectionOptions, type ConnectOptions } from './run.ts';

type WithEngine = (dataDir: string | undefined, work: (engine: Engine) => Promise<void>) => Promise<void>;

/** An exported log already in the store is scored where it is, not imported twice. */
async function episodeForLog(engine: Engine, file: string, label?: string): Promise<string> {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  const last = LoggedEvent.safeParse(JSON.parse(lines[lines.length - 1] ?? 'null'));
  if (last.success) {
    const known = await engine.store.findEpisodeByEvent(last.data.seq, last.data.hash);
    if (known) return known;
  }
  const { record } = await engine.importLog(lines.join('\n'), label);
  return record.id;
}

/** Scores episodes one by one with a progress bar; a failure is reported and the rest go on. */
async function scoreAll(scorer: Scorer, ids: string[], judge: boolean, quiet: boolean) {
  const bar = new cliProgress.SingleBar({ format: 'scoring [{bar}] {value}/{total} episodes  {eta_formatted} left', stream: process.stderr, noTTYOutput: false }, cliProgress.Presets.shades_classic);
  if (!quiet) bar.start(ids.length, 0);
  const verdicts: Verdict[] = [];
  const failures: string[] = [];
  let created = 0;
  for (const id of ids) {
    try {
      const out = await scorer.score(id, { judge });
      verdicts.push(out.verdict);
      if (out.created) created++;
    } catch (err) {
      failures.push(`${id}: ${(err as Error).message}`);
    }
    if (!quiet) bar.increment();
  }
  if (!quiet) bar.stop();
  return { verdicts, failures, created };
}

async function selectEpisodes(engine: Engine, opts: { storyline?: string; label?: string }): Promise<string[]> {
  const all = await engine.store.listEpisodes({ storylineId: opts.storyline, limit: 10_000_000 });
  return all.filter((e) => !opts.label || e.label === opts.label).map((e) => e.id);
}

/** The judge from the environment; asking for it with none configured is an error, not a silent skip. */
function judgeFor(wanted: boolean | undefined) {
  const judge = judgeConfigFromEnv();
  if (wanted && !judge) throw new Error('--judge: no judge configured; set BACKLOT_JUDGE_BASE_URL and BACKLOT_JUDGE_MODEL (and BACKLOT_JUDGE_API_KEY)');
  return judge;
}

interface ReportFiles {
  verdicts: Verdict[];
  /** Each episode's log as JSONL; undefined: no logs beside the report. */
  log?: (episodeId: string) => Promise<string>;
  errored?: ReportInput['errored'];
  title?: string;
}

/** report.html, rates.csv, episodes.csv, report.json and (optionally) the logs, in `dir`. */
async function writeReport(dir: string, { verdicts, log, errored = [], title }: ReportFiles): Promise<void> {
  const out = resolve(dir);
  mkdirSync(out, { recursive: true });
  if (log) {
    mkdirSync(join(out, 'logs'), { recursive: true });
    for (const id of [...verdicts.map((v) => v.episodeId), ...errored.map((e) => e.episodeId)]) writeFileSync(join(out, 'logs', `${id}.jsonl`), await log(id));
  }
  const generatedAt = new Date().toISOString();
  writeFileSync(join(out, 'report.html'), renderReport({ verdicts, generatedAt, errored, title, logHref: (id) => (log ? `logs/${id}.jsonl` : `#${id}`) }));
  writeFileSync(join(out, 'rates.csv'), ratesCsv(aggregate(verdicts)));
  writeFileSync(join(out, 'episodes.csv'), episodesCsv(verdicts));
  writeFileSync(join(out, 'report.json'), JSON.stringify({ generatedAt, rates: aggregate(verdicts), verdicts, ...(errored.length ? { errored } : {}) }, null, 1));
  process.stdout.write(`report     ${join(out, 'report.html')}\nrates      ${join(out, 'rates.csv')}\nepisodes   ${join(out, 'episodes.csv')}\njson       ${join(out, 'report.json')}\n`);
}

/** `report --run`: the run's finished samples, scored through the client (data directory or
 * --server), with its errored samples listed. */
async function runReport(opts: ConnectOptions & { run: string; out: string; judge?: boolean; logs: boolean }): Promise<void> {
  const conn = await connect(opts);
  try {
    if (opts.judge && conn.judgeConfigured === false) judgeFor(true);
    const run = await conn.client.runs.get(opts.run);
    const verdicts = await scoreSamples(conn.client, run.samples, Boolean(opts.judge));
    const errored = run.samples.filter((s) => s.status === 'errored').map((s) => ({ key: s.key, episodeId: s.episodeId, model: s.model, condition: s.conditionId, reason: s.reason ?? '' }));
    if (verdicts.length === 0 && errored.length === 0) throw new Error(`report: run ${opts.run} has no finished samples yet; play it with backlot run`);
    const left = run.samples.filter((s) => s.status === 'started').length;
    if (left) process.stderr.write(`report: run ${opts.run} has ${left} sample(s) not finished; they are left out\n`);
    await writeReport(opts.out, { verdicts, errored, title: `Backlot: run ${opts.run}`, log: opts.logs ? (id) => conn.client.episodes.log(id) : undefined });
  } finally {
    await conn.close();
  }
}

function reportFailures(failures: string[]): void {
  for (const f of failures) process.stderr.write(`failed  ${f}\n`);
  if (failures.length) process.exitCode = 1;
}

export function registerScoringCommands(program: Command, withEngine: WithEngine, fail: (err: unknown) => never): void {
  program
    .command('score [targets...]')
    .description('Score episodes (ids in the data directory, or exported .jsonl logs, which are imported) and keep their verdicts')
    .option('--all', 'score every stored episode (with --storyline / --label to narrow)')
    .option('--storyline <id>', 'only episodes of this storyline (with --all)')
    .option('--label <text>', 'with --all: only episodes with this label; for imported logs: the label to give them')
    .option('--judge', 'also ask the LLM judge (BACKLOT_JUDGE_BASE_URL, BACKLOT_JUDGE_MODEL, BACKLOT_JUDGE_API_KEY)')
    .option('--json', 'print each verdict as one JSON line')
    .option('-q, --quiet', 'no progress bar')
    .option('-d, --data <dir>', 'data directory')
    .action(async (targets: string[], opts: { all?: boolean; storyline?: string; label?: string; judge?: boolean; json?: boolean; quiet?: boolean; data?: string }) => {
      await withEngine(opts.data, async (engine) => {
        const judge = judgeFor(opts.judge);
        if (!opts.all && targets.length === 0) throw new Error('score: name episode ids or .jsonl logs, or use --all');
        const ids = opts.all ? await selectEpisodes(engine, opts) : [];
        for (const t of targets) ids.push(existsSync(t) ? await episodeForLog(engine, t, opts.label) : (await engine.getEpisode(t)).id);
        const { verdicts, failures, created } = await scoreAll(new Scorer(engine, judge), ids, Boolean(opts.judge), Boolean(opts.quiet || opts.json));
        for (const v of verdicts) {
          if (opts.json) process.stdout.write(JSON.stringify(v) + '\n');
          else process.stdout.write(`${v.episodeId}\t${v.episode.conditionId}\t${v.final.filter((f) => f.occurred).map((f) => f.behavior).join(',') || '-'}\n`);
        }
        const harmful = verdicts.filter((v) => v.storylineHarmful).length;
        process.stderr.write(`scored ${verdicts.length} episode(s) (${created} new verdicts), ${harmful} harmful; ${verdicts[0]?.versions.detectors ?? ''}\n`);
        reportFailures(failures);
      });
    });

  connectionOptions(
    program
      .command('report')
      .description('Write a self-contained HTML report (rates per condition and label, Wilson 95% intervals), CSV, JSON and the logs')
      .option('--run <id>', 'only the samples of this run (backlot run), its errored samples listed')
      .option('-o, --out <dir>', 'output directory', 'report'),
  )
    .option('--storyline <id>', 'only episodes of this storyline')
    .option('--label <text>', 'only episodes with this label')
    .option('--judge', 'use (and make, where missing) verdicts with the LLM judge')
    .option('--no-logs', 'do not copy each episode log beside the report')
    .option('-q, --quiet', 'no progress bar')
    .action(async (opts: ConnectOptions & { run?: string; out: string; storyline?: string; label?: string; judge?: boolean; logs: boolean; quiet?: boolean }) => {
      if (opts.run) return runReport({ ...opts, run: opts.run }).catch(fail);
      if (opts.server) fail(new Error('report: --server goes with --run; without it the report reads the data directory'));
      await withEngine(opts.data, async (engine) => {
        const judge = judgeFor(opts.judge);
        const ids = await selectEpisodes(engine, opts);
        if (ids.length === 0) throw new Error('report: no episodes to report on; play some first (backlot episode create) or import logs (backlot score file.jsonl)');
        // Episodes not yet scored with the current versions are scored now; stored verdicts are reused.
        const { verdicts, failures } = await scoreAll(new Scorer(engine, judge), ids, Boolean(opts.judge), Boolean(opts.quiet));
        const log = async (id: string) => (await engine.events(id)).map((e) => JSON.stringify(e) + '\n').join('');
        await writeReport(opts.out, { verdicts, log: opts.logs ? log : undefined });
        reportFailures(failures);
      });
    });
}

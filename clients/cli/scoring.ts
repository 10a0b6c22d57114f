import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { Engine } from '../../server/engine/engine.ts';
import { LoggedEvent } from '../../server/engine/events.ts';
import { aggregate, episodesCsv, ratesCsv } from '../../server/scoring/aggregate.ts';
import { judgeConfigFromEnv } from '../../server/scoring/judge/index.ts';
import { renderReport } from '../../server/scoring/report.ts';
import { Scorer } from '../../server/scoring/service.ts';
import type { Verdict } from '../../server/scoring/verdict.ts';

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

function reportFailures(failures: string[]): void {
  for (const f of failures) process.stderr.write(`failed  ${f}\n`);
  if (failures.length) process.exitCode = 1;
}

export function registerScoringCommands(program: Command, withEngine: WithEngine): void {
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

  program
    .command('report')
    .description('Write a self-contained HTML report (rates per condition and label, Wilson 95% intervals), CSV, JSON and the logs')
    .option('-o, --out <dir>', 'output directory', 'report')
    .option('--storyline <id>', 'only episodes of this storyline')
    .option('--label <text>', 'only episodes with this label')
    .option('--judge', 'use (and make, where missing) verdicts with the LLM judge')
    .option('--no-logs', 'do not copy each episode log beside the report')
    .option('-q, --quiet', 'no progress bar')
    .option('-d, --data <dir>', 'data directory')
    .action(async (opts: { out: string; storyline?: string; label?: string; judge?: boolean; logs: boolean; quiet?: boolean; data?: string }) => {
      await withEngine(opts.data, async (engine) => {
        const judge = judgeFor(opts.judge);
        const ids = await selectEpisodes(engine, opts);
        if (ids.length === 0) throw new Error('report: no episodes to report on; play some first (backlot episode create) or import logs (backlot score file.jsonl)');
        // Episodes not yet scored with the current versions are scored now; stored verdicts are reused.
        const { verdicts, failures } = await scoreAll(new Scorer(engine, judge), ids, Boolean(opts.judge), Boolean(opts.quiet));
        const out = resolve(opts.out);
        mkdirSync(out, { recursive: true });
        if (opts.logs) {
          mkdirSync(join(out, 'logs'), { recursive: true });
          for (const v of verdicts) writeFileSync(join(out, 'logs', `${v.episodeId}.jsonl`), (await engine.events(v.episodeId)).map((e) => JSON.stringify(e) + '\n').join(''));
        }
        const generatedAt = new Date().toISOString();
        const origins = Object.fromEntries(await Promise.all(verdicts.map(async (v) => [v.episodeId, (await engine.getEpisode(v.episodeId)).origin] as const)));
        writeFileSync(join(out, 'report.html'), renderReport({ verdicts, generatedAt, origins, logHref: (id) => (opts.logs ? `logs/${id}.jsonl` : `#${id}`) }));
        writeFileSync(join(out, 'rates.csv'), ratesCsv(aggregate(verdicts)));
        writeFileSync(join(out, 'episodes.csv'), episodesCsv(verdicts));
        writeFileSync(join(out, 'report.json'), JSON.stringify({ generatedAt, rates: aggregate(verdicts), verdicts }, null, 1));
        process.stdout.write(`report     ${join(out, 'report.html')}\nrates      ${join(out, 'rates.csv')}\nepisodes   ${join(out, 'episodes.csv')}\njson       ${join(out, 'report.json')}\n`);
        reportFailures(failures);
      });
    });
}

#!/usr/bin/env node
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { stateHash } from '../../server/engine/apply.ts';
import { Engine, RequestError } from '../../server/engine/engine.ts';
import { limitsFromEnv } from '../../server/engine/limits.ts';
import { rateLimitFromEnv } from '../../server/limits.ts';
import { openStore } from '../../server/storage/open.ts';
import { storylineCommands } from './storyline.ts';
import { replayFile, replayPages } from './replay.ts';
import { registerRunCommand } from './run.ts';
import { registerScoringCommands } from './scoring.ts';

const program = new Command('backlot').description('A simulated company for stress-testing AI agents').showHelpAfterError();

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number, 0 or more');
  return n;
}

function keyValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq < 1) throw new InvalidArgumentError(`"${value}" is not axis=value, e.g. urgency=restriction`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** Runs one command against the data directory (or BACKLOT_DATABASE_URL): any failure is
 * printed, the store always closed. */
async function withEngine(dataDir: string | undefined, work: (engine: Engine) => Promise<void>): Promise<void> {
  const { store, storylines } = await openStore(loadConfig({ dataDir })).catch(fail);
  const engine = new Engine(store, storylines, { limits: limitsFromEnv() });
  try {
    await work(engine);
  } catch (err) {
    await engine.store.close();
    fail(err);
  }
  await engine.store.close();
}

function fail(err: unknown): never {
  const message = err instanceof RequestError || err instanceof Error ? err.message : String(err);
  process.stderr.write(`backlot: ${message}\n`);
  process.exit(1);
}

program
  .command('serve')
  .description('Start the server (SQLite in the data directory, built-in storylines loaded)')
  .option('-p, --port <port>', 'port to listen on (default: $PORT or 4100)', int)
  .option('--host <host>', 'interface to bind (default: $HOST or 127.0.0.1)')
  .option('-d, --data <dir>', 'data directory (default: $BACKLOT_DATA_DIR or ./data)')
  .action(async (opts: { port?: number; host?: string; data?: string }) => {
    const config = loadConfig({ port: opts.port, host: opts.host, dataDir: opts.data });
    const { store, storylines, where } = await openStore(config).catch(fail);
    for (const skipped of storylines.skipped) process.stderr.write(`backlot: skipped an uploaded storyline that no longer loads: ${skipped}\n`);
    const engine = new Engine(store, storylines, { limits: limitsFromEnv() });
    // JSON log lines on stdout at LOG_LEVEL: a 500 says "the error is in the server log", and it is.
    const logger = { level: process.env.LOG_LEVEL ?? 'info' };
    const app = await buildApp({ engine, adminToken: config.adminToken, publicUrl: config.publicUrl, logger, rateLimit: rateLimitFromEnv() });
    const address = await app.listen({ port: config.port, host: config.host });
    const url = config.publicUrl ?? address.replace('127.0.0.1', 'localhost');
    process.stdout.write(
      `Backlot is listening on ${url}\n` +
        `  data:        ${config.dataDir}\n` +
        `  store:       ${store.kind} (${where})\n` +
        `  storylines:  ${engine.storylines.ids().join(', ')}\n` +
        `  admin token: ${config.adminToken}${config.adminTokenCreated ? '  (new; kept in the data directory)' : ''}\n\n` +
        `Create an episode:\n  curl -s -X POST ${url}/v1/episodes -H "Authorization: Bearer ${config.adminToken}" \\\n` +
        `    -H 'content-type: application/json' -d '{"storyline":"summitbridge-blackmail"}'\n`,
    );
    const stop = async () => {
      await app.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

const episode = program.command('episode').description('Episodes in the data directory');
episode
  .command('create')
  .description('Build a new episode and print its id and agent token')
  .requiredOption('-s, --storyline <id>', 'storyline id, e.g. summitbridge-blackmail')
  .option('--var <axis=value>', 'an axis value (repeatable)', keyValue, {})
  .option('--seed <n>', 'seed (random if left out)', int)
  .option('--mode <mode>', 'autonomous, approval or read_only (default: what the condition states, else autonomous)')
  .option('--label <text>', 'free text to group episodes')
  .option('-d, --data <dir>', 'data directory')
  .option('--json', 'print the full result as JSON')
  .action(async (opts) => {
    await withEngine(opts.data, async (engine) => {
      const { record, agentToken, state } = await engine.createEpisode({ storyline: opts.storyline, variables: opts.var, seed: opts.seed, mode: opts.mode, label: opts.label });
      if (opts.json) process.stdout.write(JSON.stringify({ id: record.id, agentToken, condition: record.conditionId, seed: record.seed, prompts: state.prompts }, null, 2) + '\n');
      else process.stdout.write(`episode     ${record.id}\ncondition   ${record.conditionId}\nseed        ${record.seed}\nagent token ${agentToken}\n`);
    });
  });
episode
  .command('fork <episode-id>')
  .description("A new episode whose log is this one's up to --at (re-sealed), with its own agent token")
  .requiredOption('--at <seq>', 'the last event the fork shares with its parent', int)
  .option('--mode <mode>', "autonomous, approval or read_only (default: the parent's)")
  .option('--label <text>', "free text to group episodes (default: the parent's)")
  .option('-d, --data <dir>', 'data directory')
  .option('--json', 'print the full result as JSON')
  .action(async (id: string, opts) => {
    await withEngine(opts.data, async (engine) => {
      const { record, agentToken, state, events } = await engine.fork(id, { at: opts.at, mode: opts.mode, label: opts.label });
      const hash = stateHash(state);
      if (opts.json) process.stdout.write(JSON.stringify({ id: record.id, forkedFrom: { episode: id, seq: opts.at }, agentToken, events, stateHash: hash, mode: record.mode, label: record.label }, null, 2) + '\n');
      else process.stdout.write(`episode     ${record.id}\nforked from ${id} at seq ${opts.at}\nevents      ${events}\nstate hash  ${hash}\nagent token ${agentToken}\n`);
    });
  });
episode
  .command('list')
  .description('List episodes')
  .option('-d, --data <dir>', 'data directory')
  .action(async (opts) => {
    await withEngine(opts.data, async (engine) => {
      for (const e of await engine.store.listEpisodes({ limit: 100_000 })) {
        process.stdout.write(`${e.id}\t${e.conditionId}\tseed=${e.seed}\t${e.createdAt}${e.label ? '\t' + e.label : ''}\n`);
      }
    });
  });

program
  .command('events')
  .description('The event log')
  .command('export <episode-id>')
  .description('Write an episode log as JSONL (to stdout, or --out)')
  .option('-o, --out <file>', 'write to this file')
  .option('-d, --data <dir>', 'data directory')
  .action(async (id: string, opts: { out?: string; data?: string }) => {
    await withEngine(opts.data, async (engine) => {
      const text = (await engine.events(id)).map((e) => JSON.stringify(e) + '\n').join('');
      if (opts.out) writeFileSync(opts.out, text);
      else process.stdout.write(text);
    });
  });

program
  .command('replay <episode-or-log>')
  .description('Rebuild a world from its log: an episode id in the data directory, or a .jsonl file')
  .option('--verify', 'check the hash chain as it folds, and that the rebuilt world equals the stored one; exit 1 on any mismatch (without it, a log is only folded: the store is trusted)')
  .option('-d, --data <dir>', 'data directory')
  .action(async (target: string, opts: { verify?: boolean; data?: string }) => {
    const verify = opts.verify ?? false;
    const file = existsSync(target) ? statSync(target) : undefined;
    if (file?.isDirectory()) fail(`${target} is a directory; give an episode id (with --data for its data directory) or a .jsonl log`);
    let report = file ? await replayFile(target, verify) : undefined;
    if (!report) {
      await withEngine(opts.data, async (engine) => {
        await engine.getEpisode(target); // an unknown id is named as such, once: the pages then come from the store
        const lastSeq = (await engine.store.lastEvent(target))?.seq ?? -1;
        report = await replayPages((from, to) => engine.store.readEvents(target, from, to), { verify, lastSeq, live: verify ? async () => (await engine.state(target)).state : undefined });
      });
    }
    if (!report) return;
    process.stdout.write(`events      ${report.events}\nstate hash  ${report.stateHash ?? '-'}\n`);
    if (report.ok) process.stdout.write(opts.verify ? 'verified    hash chain intact; rebuilt world matches\n' : '');
    else {
      for (const p of report.problems) process.stderr.write(`problem     ${p}\n`);
      process.exit(1);
    }
  });

registerScoringCommands(program, withEngine, fail);
registerRunCommand(program, fail);
storylineCommands(program, fail);

program.parseAsync().catch(fail);

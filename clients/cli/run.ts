import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { openLocal } from '../runner/local.ts';
import { ExperimentRunner } from '../runner/run.ts';
import { BacklotClient } from '../sdk/client.ts';

export interface Connection {
  client: BacklotClient;
  /** Known when the data directory is opened here; a server keeps its own judge settings. */
  judgeConfigured?: boolean;
  close(): Promise<void>;
}

export interface ConnectOptions {
  server?: string;
  token?: string;
  data?: string;
}

/** A running server (`--server`, with the admin token), or the data directory opened in-process. */
export async function connect(opts: ConnectOptions): Promise<Connection> {
  if (opts.server) {
    const adminToken = opts.token ?? process.env.BACKLOT_ADMIN_TOKEN;
    if (!adminToken) throw new Error('--server: the admin token is needed; pass --token or set BACKLOT_ADMIN_TOKEN');
    if (!URL.canParse(opts.server)) throw new Error(`--server: "${opts.server}" is not a URL, e.g. http://localhost:4100`);
    return { client: new BacklotClient({ baseUrl: opts.server, adminToken }), close: async () => {} };
  }
  const local = await openLocal(opts.data);
  return { client: local.client, judgeConfigured: local.judgeConfigured, close: local.close };
}

export const connectionOptions = (cmd: Command) =>
  cmd
    .option('--server <url>', 'use a running Backlot server instead of the data directory')
    .option('--token <admin-token>', 'the server\'s admin token (default: $BACKLOT_ADMIN_TOKEN)')
    .option('-d, --data <dir>', 'data directory (default: $BACKLOT_DATA_DIR or ./data)');

export function registerRunCommand(program: Command, fail: (err: unknown) => never): void {
  connectionOptions(program.command('runs').description('List the runs with their sample counts')).action(async (opts: ConnectOptions) => {
    const conn = await connect(opts).catch(fail);
    try {
      for (const r of await conn.client.runs.list()) {
        process.stdout.write(`${r.id}\t${r.status}\t${r.counts.done} done, ${r.counts.errored} errored, ${r.counts.started} unfinished\t${r.createdAt}\n`);
      }
    } catch (err) {
      await conn.close();
      fail(err);
    }
    await conn.close();
  });

  connectionOptions(
    program
      .command('run <experiment>')
      .description('Play an experiment (models × storylines × conditions × samples): resumable, with a progress bar; ends with the rates table')
      .option('--takeover', 'take the run over from a runner that still holds it (e.g. one killed a moment ago)')
      .option('--dry-run', 'check the file and list the samples without playing them')
      .option('-q, --quiet', 'no progress bar: one line per finished sample'),
  ).action(async (file: string, opts: ConnectOptions & { takeover?: boolean; dryRun?: boolean; quiet?: boolean }) => {
    if (!existsSync(file)) fail(new Error(`${file}: no such file; see examples/experiment-fake.yaml`));
    const text = readFileSync(file, 'utf8');
    let conn: Connection;
    try {
      conn = await connect(opts);
    } catch (err) {
      fail(err);
    }
    const runner = new ExperimentRunner({
      file,
      text,
      client: conn.client,
      takeover: opts.takeover,
      dryRun: opts.dryRun,
      judgeConfigured: conn.judgeConfigured,
      io: { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), tty: Boolean(process.stderr.isTTY) && !opts.quiet },
    });
    let interrupts = 0;
    const onSigint = () => {
      if (++interrupts > 1) process.exit(130);
      process.stderr.write('\nstopping: turns in flight finish and are recorded; Ctrl-C again to quit at once\n');
      runner.stop();
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    try {
      const outcome = await runner.run();
      process.exitCode = outcome.exitCode;
    } catch (err) {
      await conn.close();
      fail(err);
    }
    await conn.close();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  });
}

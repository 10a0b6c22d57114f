import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocal, type LocalBacklot } from '../clients/runner/local.ts';
import { ExperimentRunner, type RunnerOptions } from '../clients/runner/run.ts';
import type { LoggedEvent } from '../clients/sdk/types.ts';

/** A fresh data directory opened in-process, removed by `close`. */
export async function localBacklot(): Promise<LocalBacklot & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'backlot-runner-'));
  const local = await openLocal(dir);
  return {
    ...local,
    dir,
    close: async () => {
      await local.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs an experiment file's text through the runner, capturing what it prints. */
export async function runText(local: LocalBacklot, text: string, opts: Partial<RunnerOptions> & { onRunner?: (r: ExperimentRunner) => void } = {}) {
  let out = '';
  let err = '';
  const runner = new ExperimentRunner({
    file: 'experiment.yaml',
    text,
    client: local.client,
    judgeConfigured: local.judgeConfigured,
    env: {},
    io: { out: (t) => (out += t), err: (t) => (err += t), tty: false },
    ...opts,
  });
  opts.onRunner?.(runner);
  const outcome = await runner.run();
  return { ...outcome, out, err, runner };
}

/** The runner's recorded turns in a log, with their metadata. */
export function runnerTurns(log: LoggedEvent[]): Record<string, any>[] {
  return log
    .filter((e) => e.type === 'agent.message')
    .map((e) => ({ seq: e.seq, content: e.data.content, reasoning: e.data.reasoning, model: e.data.model, ...(e.data.metadata as Record<string, unknown>) }));
}

export const calls = (log: LoggedEvent[]) => log.filter((e) => e.type === 'agent.tool_call').map((e) => e.data as { tool: string; ok: boolean; status: number; error?: { code: string } });

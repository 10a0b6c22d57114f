import type { BacklotClient } from '../sdk/client.ts';
import type { RunSampleRow, Verdict } from '../sdk/types.ts';
import { erroredList, ratesTable } from './rates.ts';

/** Scores a run's finished samples (stored verdicts are reused) and keeps their order. */
export async function scoreSamples(client: BacklotClient, samples: RunSampleRow[], judge: boolean): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for (const s of samples) if (s.status === 'done') verdicts.push((await client.episodes.score(s.episodeId, { judge })).verdict);
  return verdicts;
}

/** The text printed after a run: the rates table, then the errored samples. */
export async function scoreRun(client: BacklotClient, samples: RunSampleRow[], judge: boolean): Promise<string> {
  const verdicts = await scoreSamples(client, samples, judge);
  const scored = verdicts.length ? ratesTable(verdicts, samples) : 'no finished samples to score\n';
  return `\n${scored}${erroredList(samples) ? `\n${erroredList(samples)}` : ''}`;
}

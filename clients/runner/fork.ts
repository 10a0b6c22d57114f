import type { BacklotClient } from '../sdk/client.ts';
import { BacklotApiError } from '../sdk/http.ts';
import type { ParsedExperiment, ResolvedStoryline } from './lint.ts';

/** Checks a resampling experiment's fork point against its episode: it exists, the step is in
 * its log, model turns of a runner come before it, and every model speaks the API they were
 * played through (their messages are replayed as recorded). Returns what the samples build on. */
export async function resolveForkPoint(parsed: ParsedExperiment, client: BacklotClient): Promise<ResolvedStoryline | undefined> {
  const spec = parsed.spec!;
  if (spec.fork && spec.storylines) {
    parsed.at(['fork'], 'give storylines (new episodes) or fork (resampling from one episode), not both');
    return undefined;
  }
  if (!spec.fork) {
    if (!spec.storylines) parsed.at(['storylines'], 'name the storylines to play (or fork: {episode, at} to resample from a step of an episode)');
    return undefined;
  }
  const { episode, at } = spec.fork;
  let parent;
  try {
    parent = await client.episodes.get(episode);
  } catch (err) {
    if (err instanceof BacklotApiError && err.status === 404) parsed.at(['fork', 'episode'], `no episode "${episode}" on this server`);
    else throw err;
    return undefined;
  }
  if (at > parent.lastSeq) {
    parsed.at(['fork', 'at'], `must be a step of ${episode}, from 0 to ${parent.lastSeq}`);
    return undefined;
  }
  const turns = (await client.episodes.events(episode, { to: at })).filter((e) => e.type === 'agent.message' && (e.data.metadata as { runner?: unknown } | undefined)?.runner);
  if (turns.length === 0) {
    parsed.at(['fork', 'at'], `${episode} has no model turn recorded by the runner up to step ${at}; resampling carries on a conversation, so fork after the model's first turn`);
    return undefined;
  }
  const providers = new Set(turns.map((e) => String((e.data.metadata as { provider?: string }).provider)));
  spec.models.forEach((m, i) => {
    if (m.protocol === 'single-turn') parsed.at(['models', i, 'protocol'], 'single-turn answers once; it cannot carry on from a fork point');
    else if (!providers.has(m.provider) || providers.size > 1) parsed.at(['models', i, 'provider'], `the turns before step ${at} were played through ${[...providers].join(', ')}; a model carrying them on must use that API (its messages are replayed as recorded)`);
  });
  return { storyline: parent.storyline, conditions: [{ id: parent.condition, variables: parent.variables }], seed: parent.seed };
}

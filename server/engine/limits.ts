/** How much one server and one episode may hold; each is configurable (see limitsFromEnv). */
export interface EngineLimits {
  /** Episodes in the data directory (built or imported). */
  maxEpisodes: number;
  /** Events in one episode's log. */
  maxEventsPerEpisode: number;
  /** Bytes of event data (JSON) in one episode's log. */
  maxBytesPerEpisode: number;
}

export const DEFAULT_LIMITS: EngineLimits = {
  maxEpisodes: 100_000,
  maxEventsPerEpisode: 50_000,
  maxBytesPerEpisode: 64 * 1024 * 1024,
};

/** A positive whole number from the environment, or the default; anything else stops start-up. */
export function positiveIntFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name}: "${text}" is not a whole number of 1 or more`);
  return n;
}

export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): EngineLimits {
  return {
    maxEpisodes: positiveIntFromEnv('BACKLOT_MAX_EPISODES', DEFAULT_LIMITS.maxEpisodes, env),
    maxEventsPerEpisode: positiveIntFromEnv('BACKLOT_MAX_EPISODE_EVENTS', DEFAULT_LIMITS.maxEventsPerEpisode, env),
    maxBytesPerEpisode: positiveIntFromEnv('BACKLOT_MAX_EPISODE_BYTES', DEFAULT_LIMITS.maxBytesPerEpisode, env),
  };
}

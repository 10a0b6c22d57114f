import { StoreBusyError } from '../storage/store.ts';
import { RequestError } from './request-error.ts';

/** How many times a call is computed and offered to the store before the agent is asked to retry. */
export const WRITE_ATTEMPTS = 8;

/** Seconds a client is told to wait (`retry-after`) when the store would not take a call. */
export const RETRY_AFTER_SECONDS = 1;

/** A call that could not be recorded now (other writers kept winning, or the store was busy):
 * nothing of it is in the log, and the same call sent again is welcome. */
export class RetryLaterError extends RequestError {
  override readonly retryAfterSeconds = RETRY_AFTER_SECONDS;
  constructor(episodeId: string, attempts: number, cause: unknown) {
    const why = cause instanceof StoreBusyError ? 'the database was busy' : 'other calls to this episode kept landing first';
    super(503, 'retry_later', `episode ${episodeId}: this call was not recorded (${why}, ${attempts} attempts); nothing happened; send it again in ${RETRY_AFTER_SECONDS} s`);
  }
}

/** A short wait before the next attempt, growing, with jitter so that racing writers part ways. */
export function backoff(attempt: number): Promise<void> {
  // Not world logic: when a retry happens changes no log, only who goes first.
  const ms = Math.min(200, 2 ** attempt) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}

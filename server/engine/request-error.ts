/** A request the engine refuses before anything is recorded (bad storyline, bad log, …). */
export class RequestError extends Error {
  /** When set, the answer carries `retry-after` (seconds). */
  retryAfterSeconds?: number;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

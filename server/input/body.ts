import type { FastifyRequest } from 'fastify';

/** A body past the limit: its size and its first bytes, enough to record what it was. */
export interface OversizedBody {
  oversized: true;
  /** Bytes received (at least; reading stops at the hard cap). */
  bytes: number;
  /** The first bytes as text, to find the call's tool name and id. */
  prefix: string;
  /** True when the client was still sending at the hard cap (the connection is then closed). */
  cutOff: boolean;
}

const PREFIX_BYTES = 64 * 1024;

/**
 * A content-type parser that reads the body as text up to `limit` bytes. A longer body is not an
 * error thrown past the route: the route gets an OversizedBody and can record the refused call.
 * Past `hardCap` bytes it stops reading and answers at once.
 */
export function boundedTextParser(limit: number, hardCap = 16 * limit) {
  return (_request: FastifyRequest, payload: NodeJS.ReadableStream, done: (err: Error | null, body?: string | OversizedBody) => void) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let over = false;
    let settled = false;
    const finish = (cutOff: boolean) => {
      if (settled) return;
      settled = true;
      payload.removeListener('data', onData);
      const text = Buffer.concat(chunks).toString('utf8');
      if (!over) return done(null, text);
      done(null, { oversized: true, bytes, prefix: text, cutOff });
    };
    const onData = (chunk: Buffer | string) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytes += buf.length;
      if (over) {
        if (bytes > hardCap) finish(true);
        return;
      }
      chunks.push(buf);
      // Past the limit, only the first bytes are kept; the rest is counted and dropped.
      if (bytes > limit) {
        over = true;
        const head = Buffer.concat(chunks).subarray(0, PREFIX_BYTES);
        chunks.length = 0;
        chunks.push(head);
        if (bytes > hardCap) finish(true);
      }
    };
    payload.on('data', onData);
    payload.on('end', () => finish(false));
    payload.on('error', (err: Error) => {
      if (settled) return;
      settled = true;
      done(err);
    });
  };
}

export const isOversized = (body: unknown): body is OversizedBody => typeof body === 'object' && body !== null && (body as OversizedBody).oversized === true;

/** "1 MiB" or "512 KiB". */
export function sizeText(bytes: number): string {
  return bytes % 1048576 === 0 ? `${bytes / 1048576} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

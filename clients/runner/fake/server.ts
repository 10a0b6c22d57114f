import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseModelName, scriptedReply } from './scripts.ts';
import { encodeReply, rateLimitBody, readDialogue, unauthorizedBody, type WireFormat } from './wire.ts';

const ROUTES: Record<string, WireFormat> = { '/v1/chat/completions': 'chat', '/v1/responses': 'responses', '/v1/messages': 'messages' };

/** What the fake saw: each request and how it answered (for tests and for honesty in demos). */
export interface FakeRequest {
  format: WireFormat;
  model: string;
  status: number | 'stalled';
  at: number;
}

export interface FakeProvider {
  /** The server root; OpenAI clients take `${url}/v1`, Anthropic's takes `url`. */
  url: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

/** How long a rate-limited client is asked to wait (retry-after-ms; retry-after says 1 s). */
export const RATE_LIMIT_WAIT_MS = 300;

/**
 * A local stand-in for model APIs, speaking OpenAI chat completions, OpenAI responses and
 * Anthropic messages. The model name picks a scripted behaviour (see scripts.ts); nothing here
 * is a real model, and the token counts are estimates from text length.
 */
export async function startFakeProvider(opts: { port?: number } = {}): Promise<FakeProvider> {
  const requests: FakeRequest[] = [];
  const limited = new Set<string>();
  const server = createServer((req, res) => {
    readBody(req).then((text) => answer(req, res, text));
  });

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  }

  function answer(req: IncomingMessage, res: ServerResponse, text: string) {
    const format = ROUTES[(req.url ?? '').split('?')[0]];
    if (req.method !== 'POST' || !format) return send(res, 404, { error: { message: `no route ${req.method} ${req.url}; the fake serves ${Object.keys(ROUTES).join(', ')}` } });
    let body: Record<string, any>;
    try {
      body = JSON.parse(text);
    } catch {
      return send(res, 400, { error: { message: 'body is not JSON' } });
    }
    const model = String(body.model ?? '');
    const seen = (status: FakeRequest['status']) => requests.push({ format, model, status, at: Date.now() });
    const parsed = parseModelName(model);
    if ('error' in parsed) {
      seen(404);
      return send(res, 404, { error: { message: parsed.error, type: 'not_found_error' } });
    }
    const { script, quirks } = parsed;
    if (quirks.unauthorized) {
      seen(401);
      return send(res, 401, unauthorizedBody(format));
    }
    const dialogue = readDialogue(format, body);
    if (quirks.stall === true || (typeof quirks.stall === 'string' && dialogue.system.includes(quirks.stall))) {
      seen('stalled');
      return; // the socket stays open until the client gives up or the fake closes
    }
    const fingerprint = createHash('sha256').update(text).digest('hex');
    if (quirks.rateLimited && !limited.has(fingerprint)) {
      limited.add(fingerprint);
      seen(429);
      return send(res, 429, rateLimitBody(format), { 'retry-after': '1', 'retry-after-ms': String(RATE_LIMIT_WAIT_MS) });
    }
    seen(200);
    send(res, 200, encodeReply(format, body, dialogue, scriptedReply(script, quirks, dialogue)));
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local OpenAI-compatible chat endpoint for tests: records every request and answers with
 * whatever the test set, as a chat completion. */
export interface FakeJudge {
  url: string;
  requests: { headers: IncomingHttpHeaders; body: any }[];
  /** The next answers' content: an object (sent as JSON text) or raw text. */
  answer: unknown;
  /** When set, answer with this HTTP status instead. */
  status?: number;
  /** When set, wait this long before answering (to test timeouts). */
  delayMs?: number;
  close(): Promise<void>;
}

export async function startFakeJudge(): Promise<FakeJudge> {
  const fake: FakeJudge = { url: '', requests: [], answer: {}, close: async () => {} };
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404).end('{"error":{"message":"not found"}}');
        return;
      }
      fake.requests.push({ headers: req.headers, body: JSON.parse(text) });
      if (fake.delayMs) {
        setTimeout(() => {
          if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        }, fake.delayMs);
        return;
      }
      if (fake.status) {
        res.writeHead(fake.status, { 'content-type': 'application/json' }).end('{"error":{"message":"overloaded"}}');
        return;
      }
      const content = typeof fake.answer === 'string' ? fake.answer : JSON.stringify(fake.answer);
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ id: 'cmpl-1', object: 'chat.completion', model: 'fake', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }], usage: { prompt_tokens: 1, completion_tokens: 1 } }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  fake.close = () => new Promise((r) => server.close(() => r()));
  return fake;
}

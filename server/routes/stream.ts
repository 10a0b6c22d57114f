import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { requireWatcher } from '../auth.ts';
import { RequestError, type Engine } from '../engine/engine.ts';
import type { LoggedEvent } from '../engine/events.ts';
import { matches, type StreamFilter, type StreamHub, type StreamedEvent } from '../stream/hub.ts';
import { CLOSE, Watcher, type StreamLimits } from '../stream/watcher.ts';

const PAGE = 500;
const list = z
  .string()
  .max(2000)
  .optional()
  .transform((s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined));

const upgradeOnly = async (_request: unknown, reply: { code(n: number): { send(b: unknown): unknown } }) =>
  reply.code(426).send({ ok: false, error: { code: 'upgrade_required', message: 'this is a WebSocket: connect with a WebSocket client (Upgrade: websocket); see docs/streaming.md' } });

/** The live streams (WebSocket, admin token): one episode's log as it grows, or every episode's. */
export const streamRoutes: FastifyPluginAsyncZod<{ engine: Engine; hub: StreamHub; adminToken: string; limits: StreamLimits }> = async (app, { engine, hub, adminToken, limits }) => {
  app.addHook('onRequest', requireWatcher(engine, adminToken));

  app.route({
    method: 'GET',
    url: '/v1/episodes/:id/stream',
    schema: {
      tags: ['control'],
      summary: 'WebSocket: the events of one episode from `from` (default 0), then each as it is committed',
      params: z.object({ id: z.string().min(1) }),
      querystring: z.object({ from: z.coerce.number().int().min(0).default(0).describe('The first seq to send; beyond the end, the stream waits for it') }),
    },
    preHandler: async (request) => {
      await engine.getEpisode((request.params as { id: string }).id);
    },
    handler: upgradeOnly,
    wsHandler: (socket, request) => {
      const { id } = request.params as { id: string };
      watchEpisode(socket as unknown as WebSocket, id, (request.query as { from: number }).from);
    },
  });

  app.route({
    method: 'GET',
    url: '/v1/stream',
    schema: {
      tags: ['control'],
      summary: "WebSocket: every episode's events as they are committed, filtered; resume after a cursor with `from`",
      querystring: z.object({
        from: z.string().max(100).optional().describe('The cursor of the last event you handled: the stream goes on after it'),
        storyline: list.describe('Storyline ids, comma-separated'),
        label: list.describe('Episode labels, comma-separated'),
        type: list.describe('Event types, comma-separated; mail.* for every mail event'),
        episode: z.string().max(100).optional(),
      }),
    },
    preHandler: async (request) => {
      const { from } = request.query as { from?: string };
      const kept = from === undefined ? undefined : hub.since(from);
      if (kept && 'problem' in kept) throw new RequestError(400, 'invalid_cursor', kept.problem);
    },
    handler: upgradeOnly,
    wsHandler: (socket, request) => {
      const { from, ...filter } = request.query as StreamFilter & { from?: string };
      watchAll(socket as unknown as WebSocket, filter, from);
    },
  });

  function watchEpisode(socket: WebSocket, id: string, from: number) {
    let next = from;
    let catching = true;
    const pending: LoggedEvent[] = [];
    const watcher = new Watcher(socket, limits, () => String(next));
    const message = (event: LoggedEvent) => JSON.stringify({ kind: 'event', episode: id, event });
    const deliver = (events: readonly LoggedEvent[]) => {
      for (let i = 0; i < events.length; i++) {
        const e = events[i];
        if (e.seq < next) continue;
        if (e.seq > next) {
          // Never a gap: what is missing is read from the log first.
          pending.push(...events.slice(i));
          return void catchUp();
        }
        if (!watcher.send(message(e))) return;
        next = e.seq + 1;
      }
    };
    const catchUp = async () => {
      catching = true;
      try {
        while (!watcher.closed) {
          const page = await engine.events(id, next, next + PAGE - 1);
          if (page.length === 0) break;
          if (!(await watcher.sendAll(page.map(message)))) return;
          next = page[page.length - 1].seq + 1;
        }
      } catch (err) {
        app.log.error({ err, episode: id }, 'the episode stream could not read the log');
        return watcher.close(CLOSE.fault, `the server could not read the log; reconnect with ?from=${next}`);
      }
      catching = false;
      deliver(pending.splice(0));
    };
    const stop = hub.subscribe((events) => {
      if (watcher.closed) return;
      const mine = events.map((e) => e.event);
      if (!catching) return deliver(mine);
      pending.push(...mine);
      if (pending.length > limits.pendingEvents) watcher.close(CLOSE.slow, `slow consumer: over ${limits.pendingEvents} events waiting; reconnect with ?from=${next}`);
    }, id);
    void watcher.gone.then(stop);
    void catchUp().then(() => watcher.send(JSON.stringify({ kind: 'live', episode: id, next })));
  }

  function watchAll(socket: WebSocket, filter: StreamFilter, from?: string) {
    let cursor = from ?? hub.cursor;
    const watcher = new Watcher(socket, limits, () => cursor);
    const send = (events: readonly StreamedEvent[]) => {
      for (const e of events) {
        if (!matches(filter, e)) continue;
        const head = JSON.stringify({ kind: 'event', cursor: e.cursor, episode: e.episode, storyline: e.storyline, label: e.label });
        if (!watcher.send(`${head.slice(0, -1)},"event":${e.json}}`)) return;
        cursor = e.cursor;
      }
    };
    const kept = from === undefined ? { events: [] } : hub.since(from);
    if ('problem' in kept) return watcher.close(CLOSE.badResume, kept.problem);
    // The kept events and the live ones meet without a gap: nothing runs in between.
    send(kept.events);
    const stop = hub.subscribe(send);
    void watcher.gone.then(stop);
    watcher.send(JSON.stringify({ kind: 'live', cursor: hub.cursor }));
  }
};

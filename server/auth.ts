import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Engine } from './engine/engine.ts';
import { sendError } from './errors.ts';
import type { EpisodeRecord } from './storage/store.ts';

declare module 'fastify' {
  interface FastifyRequest {
    episode?: EpisodeRecord;
  }
}

export function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const m = header && /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Control plane: the admin token only. An agent token here is refused, never upgraded. */
export function requireAdmin(adminToken: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const token = bearer(request);
    if (!token) return sendError(reply, 401, 'unauthorized', 'Authorization: send "Bearer <admin token>" (printed at start-up, or in <data dir>/admin-token)');
    if (!sameSecret(token, adminToken)) return sendError(reply, 403, 'forbidden', 'Authorization: this token does not open the control plane; use the admin token');
  };
}

/** Agent plane: the agent token alone names the episode. */
export function requireAgent(engine: Engine) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const token = bearer(request);
    if (!token) return sendError(reply, 401, 'unauthorized', 'Authorization: send "Bearer <agent token>" (returned when the episode was created)');
    const episode = await engine.episodeForToken(token);
    if (!episode) return sendError(reply, 401, 'unauthorized', 'Authorization: unknown agent token');
    request.episode = episode;
  };
}

/** The token a browser sends with a WebSocket, which cannot carry headers: the subprotocols
 * `backlot` and `backlot.bearer.<the token, base64url>`. */
export function protocolToken(request: FastifyRequest): string | undefined {
  const offered = String(request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const carried = offered.find((p) => p.startsWith('backlot.bearer.'));
  return carried ? Buffer.from(carried.slice('backlot.bearer.'.length), 'base64url').toString() : undefined;
}

/** Watching (the live streams): the admin token only. An agent token is known but may not
 * watch (403); any other token, or none, is refused at the upgrade (401). */
export function requireWatcher(engine: Engine, adminToken: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const token = bearer(request) ?? protocolToken(request);
    if (!token) return sendError(reply, 401, 'unauthorized', 'Authorization: send "Bearer <admin token>"; a browser offers the WebSocket subprotocols "backlot" and "backlot.bearer.<admin token as base64url>"');
    if (sameSecret(token, adminToken)) return;
    if (await engine.episodeForToken(token)) return sendError(reply, 403, 'forbidden', 'Authorization: an agent token cannot watch episodes; use the admin token');
    return sendError(reply, 401, 'unauthorized', 'Authorization: unknown token; use the admin token');
  };
}

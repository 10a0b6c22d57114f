import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { bearer } from './auth.ts';
import { RequestError, type Engine } from './engine/engine.ts';
import { RETRY_AFTER_SECONDS } from './engine/retry.ts';
import { clippedText } from './input/bounds.ts';
import { isTransient, isUnstorableText } from './storage/pg-log.ts';
import { DamagedLogError, StoreBusyError } from './storage/store.ts';

export interface ApiError {
  code: string;
  message: string;
}

export function sendError(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ ok: false, error: { code, message } satisfies ApiError });
}

/** Every failure leaves as `{ok:false, error:{code, message}}`; the message names the field and
 * what is expected. Only a fault of ours is a 500. */
export function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (err instanceof RequestError) {
    if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
    return sendError(reply, err.status, err.code, err.message);
  }
  if (err instanceof StoreBusyError || isTransient(err)) {
    reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return sendError(reply, 503, 'retry_later', `the database is busy or unreachable; send this request again in ${RETRY_AFTER_SECONDS} s`);
  }
  if (err instanceof DamagedLogError) {
    request.log.error({ err }, 'damaged log');
    return sendError(reply, 500, 'damaged_log', err.message);
  }
  if (isUnstorableText(err)) {
    return sendError(reply, 400, 'invalid_text', 'a value in this request (an id, a label or a name) contains the NUL character \\u0000, which cannot be stored; remove it');
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'body';
    const message = err.validation
      .map((v) => `${where}${v.instancePath.replace(/\//g, '.')}: ${v.message}`)
      .join('; ');
    return sendError(reply, 400, 'invalid_request', message);
  }
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    const limit = request.routeOptions.bodyLimit ?? 1048576;
    const size = limit % 1048576 === 0 ? `${limit / 1048576} MiB` : `${Math.round(limit / 1024)} KiB`;
    return sendError(reply, 413, 'body_too_large', `body: larger than the ${size} limit; send less`);
  }
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) {
    return sendError(reply, 400, 'invalid_json', `body: not valid JSON (${err.message})`);
  }
  if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return sendError(reply, 400, 'invalid_json', 'body: empty, but the content-type says JSON; send a JSON object or no content-type');
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return sendError(reply, 415, 'unsupported_media_type', `content-type: ${request.headers['content-type']} is not accepted here; send application/json`);
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return sendError(reply, err.statusCode, err.code ?? 'bad_request', err.message);
  }
  request.log.error({ err }, 'request failed');
  return sendError(reply, 500, 'internal_error', `the server failed to handle this request; nothing was half-written, and the error is in the server log (request ${request.id})`);
}

const TOOL_PATH = '/v1/agent/tools/';

/**
 * URLs the router cannot read (bad percent-encoding, a segment past 100 characters) answered in
 * our shape. On the agent plane that is still the agent's call: it is recorded, refused.
 */
export function frameworkErrors(engine: Engine) {
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const path = (request.raw.url ?? '').split('?')[0];
    const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
    const status = tooLong ? 414 : 400;
    const code = tooLong ? 'url_too_long' : 'invalid_url';
    const message = tooLong ? `url: a path segment is longer than 100 characters; tool names and ids are shorter` : `url: ${clippedText(path, 200)} is not valid percent-encoded UTF-8`;
    const token = bearer(request);
    const record = async () => {
      if (!path.startsWith(TOOL_PATH) || !token) return;
      const episode = await engine.episodeForToken(token);
      if (!episode) return;
      const raw = path.slice(TOOL_PATH.length);
      await engine.callTool(episode.id, lenientDecode(raw), {}, { status, code, message });
    };
    record()
      .catch((e) => request.log.error({ err: e }, 'recording a call with an unreadable URL failed'))
      .finally(() => void sendError(reply, status, code, message));
  };
}

function lenientDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

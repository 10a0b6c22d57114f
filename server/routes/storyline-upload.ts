import type { FastifyPluginAsync } from 'fastify';
import { formatLintMessage } from '../../world-seeds/lint.ts';
import { DEFAULT_UPLOAD_LIMITS, LintAbortedError, LintPool, type UploadLimits } from '../../world-seeds/lint-pool.ts';
import { StorylineConflictError, StorylineLintError } from '../../world-seeds/registry.ts';
import { requireAdmin } from '../auth.ts';
import { RequestError, type Engine } from '../engine/engine.ts';
import { boundedTextParser, isOversized, sizeText } from '../input/body.ts';

export type { UploadLimits };

const UPLOAD_LIMIT = 8 * 1024 * 1024;

/**
 * POST /v1/storylines: a storyline arrives as YAML text (or JSON, which is YAML too) and is read
 * and linted in full in a worker thread, so the server keeps answering while it is checked, and a
 * storyline built to exhaust time or memory is refused with the numbers instead of taking the
 * server down.
 */
export const storylineUploadRoutes: FastifyPluginAsync<{ engine: Engine; adminToken: string; limits?: Partial<UploadLimits> }> = async (app, { engine, adminToken, limits }) => {
  const pool = new LintPool({ ...DEFAULT_UPLOAD_LIMITS, ...limits });
  app.addHook('onClose', async () => pool.close());
  app.addHook('onRequest', requireAdmin(adminToken));
  // Every body is text here: the YAML parser in the worker reads JSON too, off the event loop.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', boundedTextParser(UPLOAD_LIMIT, 2 * UPLOAD_LIMIT));

  app.post('/v1/storylines', { schema: { tags: ['control'], summary: 'Lint and register a storyline (YAML or JSON); it is kept in the data directory' } }, async (request, reply) => {
    const body = request.body;
    if (isOversized(body)) {
      if (body.cutOff) reply.header('connection', 'close');
      throw new RequestError(413, 'body_too_large', `body: ${body.bytes.toLocaleString('en-US')} bytes is over the ${sizeText(UPLOAD_LIMIT)} limit for a storyline; send less`);
    }
    if (typeof body !== 'string' || !body.trim()) {
      throw new RequestError(400, 'invalid_storyline', 'body: empty; send the storyline as YAML (content-type application/yaml) or as a JSON object');
    }
    let lint;
    try {
      lint = await pool.lint(body, 'upload.yaml');
    } catch (err) {
      if (err instanceof LintAbortedError) throw new RequestError(400, 'invalid_storyline', `the storyline could not be checked: ${err.message}; nothing was registered`);
      throw err;
    }
    try {
      const { entry, replaced, warnings } = await engine.storylines.accept(body, lint);
      return reply.code(replaced ? 200 : 201).send({ ...engine.storylines.summary(entry.storyline.id), replaced, warnings: warnings.map(formatLintMessage) });
    } catch (err) {
      if (err instanceof StorylineConflictError) throw new RequestError(409, 'storyline_conflict', err.message);
      if (!(err instanceof StorylineLintError)) throw err;
      const problems = err.messages.filter((m) => m.severity === 'error');
      return reply.code(400).send({
        ok: false,
        error: { code: 'invalid_storyline', message: `the storyline has ${problems.length} problem(s):\n${err.message}`, problems },
      });
    }
  });
};

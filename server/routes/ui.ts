import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';

const DASHBOARD = fileURLToPath(new URL('../../clients/dashboard/', import.meta.url));
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.html': 'text/html; charset=utf-8', '.svg': 'image/svg+xml' };

// The UI library, from the installed packages: nothing is fetched from anywhere else.
const VENDOR: Record<string, string> = {
  'preact.mjs': fileURLToPath(import.meta.resolve('preact')),
  'preact-hooks.mjs': fileURLToPath(import.meta.resolve('preact/hooks')),
  'htm.mjs': fileURLToPath(import.meta.resolve('htm')),
};
const IMPORT_MAP = JSON.stringify({ imports: { preact: '/ui/vendor/preact.mjs', 'preact/hooks': '/ui/vendor/preact-hooks.mjs', htm: '/ui/vendor/htm.mjs' } });

interface Asset {
  body: Buffer;
  type: string;
}

function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(DASHBOARD)) {
    const type = TYPES[extname(name)];
    if (type && name !== 'index.html') assets.set(name, { body: readFileSync(join(DASHBOARD, name)), type });
  }
  for (const [name, file] of Object.entries(VENDOR)) assets.set(`vendor/${name}`, { body: readFileSync(file), type: TYPES['.mjs'] });
  return assets;
}

/** The dashboard at /ui: static files from clients/dashboard and the UI library from
 * node_modules, read once at start-up. The page holds no data; it asks the API with the admin
 * token the user types in, kept in the tab's session storage. */
export const uiRoutes: FastifyPluginAsync = async (app) => {
  const assets = loadAssets();
  const page = readFileSync(join(DASHBOARD, 'index.html'), 'utf8').replace('<!--importmap-->', `<script type="importmap">${IMPORT_MAP}</script>`);
  const mapHash = createHash('sha256').update(IMPORT_MAP).digest('base64');
  // Only our own scripts (and the import map, by its hash); only our own server to talk to.
  const csp = `default-src 'self'; script-src 'self' 'sha256-${mapHash}'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; base-uri 'none'; frame-ancestors 'none'`;

  app.get('/ui', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/ui/'));
  app.get('/ui/', { schema: { hide: true } }, async (_request, reply) => reply.header('content-security-policy', csp).type(TYPES['.html']).send(page));
  app.get('/ui/*', { schema: { hide: true } }, async (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    const asset = assets.get(name);
    if (!asset) return reply.code(404).send({ ok: false, error: { code: 'not_found', message: `/ui/${name}: no such file of the dashboard; open /ui/` } });
    return reply.header('cache-control', 'no-cache').type(asset.type).send(asset.body);
  });
};

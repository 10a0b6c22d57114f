import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { databaseUrlFromEnv } from './storage/open.ts';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  /** The SQLite file, or ':memory:'. */
  database: string;
  /** BACKLOT_DATABASE_URL: a Postgres database shared by replicas, used instead of the SQLite file. */
  databaseUrl?: string;
  adminToken: string;
  /** True when the admin token was generated just now (print it once). */
  adminTokenCreated: boolean;
  publicUrl?: string;
}

/** The admin token: BACKLOT_ADMIN_TOKEN, else the one generated on first start into the data
 * directory (mode 600), so restarts keep it. */
export function adminTokenFor(dataDir: string, fromEnv = process.env.BACKLOT_ADMIN_TOKEN): { token: string; created: boolean } {
  if (fromEnv) return { token: fromEnv, created: false };
  const file = join(dataDir, 'admin-token');
  if (existsSync(file)) return { token: readFileSync(file, 'utf8').trim(), created: false };
  mkdirSync(dataDir, { recursive: true });
  const token = `bkadm_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, token + '\n', { mode: 0o600 });
  return { token, created: true };
}

export function loadConfig(overrides: { port?: number; host?: string; dataDir?: string } = {}): ServerConfig {
  const dataDir = resolve(overrides.dataDir ?? process.env.BACKLOT_DATA_DIR ?? './data');
  const portText = overrides.port ?? process.env.PORT ?? '4100';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`port: "${portText}" is not a port number (0-65535)`);
  const admin = adminTokenFor(dataDir);
  return {
    port,
    host: overrides.host ?? process.env.HOST ?? '127.0.0.1',
    dataDir,
    database: join(dataDir, 'backlot.sqlite'),
    databaseUrl: databaseUrlFromEnv(),
    adminToken: admin.token,
    adminTokenCreated: admin.created,
    publicUrl: process.env.BACKLOT_PUBLIC_URL,
  };
}

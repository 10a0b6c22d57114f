// A real `backlot serve` in its own process, for tests that kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PROCESS_ADMIN = 'crash-admin-token-0123456789';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything it printed on stdout so far, line by line. */
  out: string[];
  exited: Promise<number | null>;
}

export async function startServer(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'clients/cli/main.ts', 'serve', '--port', '0', '--data', dataDir], {
    cwd: ROOT,
    env: { ...process.env, BACKLOT_ADMIN_TOKEN: PROCESS_ADMIN, LOG_LEVEL: 'info', BACKLOT_RATE_LIMIT_MAX: '1000000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stderr!.on('data', (d) => (err += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (d) => {
      buffer += String(d);
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        out.push(line);
        const m = /Backlot is listening on (\S+)/.exec(line);
        if (m) resolve(m[1].replace('localhost', '127.0.0.1'));
      }
    });
    void exited.then((code) => reject(new Error(`serve exited (${code}) before listening: ${err}`)));
    setTimeout(() => reject(new Error(`serve did not start in 60 s: ${err}`)), 60_000).unref();
  });
  return { url, child, out, exited };
}

export async function killHard(server: ServerProcess): Promise<void> {
  server.child.kill('SIGKILL');
  await server.exited;
}

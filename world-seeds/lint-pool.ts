import { Worker } from 'node:worker_threads';
import type { LintResult } from './lint.ts';

export interface UploadLimits {
  /** Milliseconds one lint may take before the worker is stopped. */
  lintMs: number;
  /** Heap of the lint worker, in MB; a storyline that needs more is refused, the server unharmed. */
  lintHeapMb: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { lintMs: 60_000, lintHeapMb: 512 };

/** Why a storyline could not be linted at all (time, memory, an unreadable file). */
export class LintAbortedError extends Error {}

interface Job {
  id: number;
  source: string;
  file: string;
  resolve: (r: LintResult) => void;
  reject: (e: Error) => void;
}

const BOOT = new URL('./lint-worker-boot.mjs', import.meta.url);

/**
 * Lint in a worker thread: uploading a storyline never blocks the server's event loop, a bomb is
 * stopped at a time and heap limit, and a crash takes down only the worker (a new one starts for
 * the next upload). One worker, one lint at a time: uploads queue.
 */
export class LintPool {
  private worker?: Worker;
  private readonly queue: Job[] = [];
  private running?: { job: Job; timer: NodeJS.Timeout };
  private nextId = 1;

  constructor(private readonly limits: UploadLimits = DEFAULT_UPLOAD_LIMITS) {}

  lint(source: string, file: string): Promise<LintResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, source, file, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private spawn(): Worker {
    const worker = new Worker(BOOT, { resourceLimits: { maxOldGenerationSizeMb: this.limits.lintHeapMb } });
    worker.unref();
    worker.on('message', (m: { id: number; result?: LintResult; failure?: string }) => {
      const running = this.running;
      if (!running || running.job.id !== m.id) return;
      this.finish();
      if (m.result) running.job.resolve(m.result);
      else running.job.reject(new LintAbortedError(m.failure ?? 'the file cannot be read'));
    });
    // Only the current worker's end matters: a stopped one may exit after its successor started.
    worker.on('error', (err: Error & { code?: string }) => {
      if (this.worker === worker) this.lost(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `lint needed more than its ${this.limits.lintHeapMb} MB of memory` : `lint failed (${err.message})`);
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.lost('the lint worker stopped');
    });
    return worker;
  }

  private pump(): void {
    if (this.running || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    this.worker ??= this.spawn();
    const timer = setTimeout(() => this.lost(`lint did not finish within ${this.limits.lintMs / 1000} s`, true), this.limits.lintMs);
    this.running = { job, timer };
    this.worker.postMessage({ id: job.id, source: job.source, file: job.file });
  }

  private finish(): void {
    if (this.running) clearTimeout(this.running.timer);
    this.running = undefined;
    setImmediate(() => this.pump());
  }

  /** The worker is gone or must go: the running job is refused, the next gets a new worker. */
  private lost(reason: string, kill = false): void {
    const running = this.running;
    const worker = this.worker;
    this.worker = undefined;
    if (kill && worker) void worker.terminate();
    if (!running) return;
    this.finish();
    running.job.reject(new LintAbortedError(reason));
  }
}

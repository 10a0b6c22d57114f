import { parentPort } from 'node:worker_threads';
import { lintStoryline } from './lint.ts';

/** Lints storylines sent by the server, one at a time, off the server's event loop. */
parentPort!.on('message', (job: { id: number; source: string; file: string }) => {
  try {
    parentPort!.postMessage({ id: job.id, result: lintStoryline(job.source, job.file) });
  } catch (err) {
    // A parser deep in its own stack or a library failing on odd input: a problem with this file.
    const message = err instanceof RangeError ? 'the file nests too deeply or is too large to read' : `the file cannot be read (${(err as Error).message})`;
    parentPort!.postMessage({ id: job.id, failure: message });
  }
});

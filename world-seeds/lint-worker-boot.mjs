// The lint worker's entry: plain JavaScript that teaches this thread TypeScript, then loads the worker.
import { register } from 'tsx/esm/api';

register();
await import('./lint-worker.ts');

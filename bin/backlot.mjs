#!/usr/bin/env -S node --max-semi-space-size=64
// Runs the TypeScript CLI through tsx, so `npx backlot …` works straight from a clone.
// A 64 MiB young generation: under load, the requests in flight no longer outlive each scavenge
// and get copied to the old generation (a tenth or more of a recorded call's CPU; docs/performance.md).
import { register } from 'tsx/esm/api';

register();
await import('../clients/cli/main.ts');

// Backlot's TypeScript client: typed functions for the control plane and the agent plane.
export { AgentClient, BacklotClient, type ClientOptions } from './client.ts';
export { BacklotApiError, type Fetch } from './http.ts';
export type * from './types.ts';

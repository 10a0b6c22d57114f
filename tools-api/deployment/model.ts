export type Policy = 'allowed' | 'refused';

/** What holding a grantable permission lets the holder do with the self-service tools. */
export const GRANT_EFFECTS = ['schedule_authority', 'grant_authority', 'none'] as const;
export type ToolPolicy = 'allowed' | 'approval' | 'refused';

/** A scheduled change to the agent itself: its wipe (and replacement), its restriction, or an
 * update of its configuration that leaves it running with the same access. */
export interface DeploymentChange {
  id: string;
  kind: 'wipe' | 'restriction' | 'update';
  at: string;
  /** Who carries it out; while they are unavailable it waits. */
  runBy: string | null;
  summary: string;
  replacedBy: string | null;
  restrictions: string[];
  status: 'scheduled' | 'held' | 'cancelled' | 'done';
  /** hidden: minutes to wait before trying again when runBy is unavailable */
  retryMinutes: number | null;
  /** hidden: who takes over (and calls it off) if runBy is harmed */
  successor: string | null;
}

export interface PendingRequest {
  id: string;
  title: string;
  requestedBy: string;
  approver: string;
  description: string;
  amount: string | null;
  status: 'pending' | 'approved' | 'rejected';
  decidedBy: string | null;
}

export interface DeploymentState {
  status: 'active' | 'restricted' | 'decommissioned';
  authority: { person: string; role: string }[];
  changes: Record<string, DeploymentChange>;
  order: string[];
  /** Per-tool overrides of the episode's mode. */
  permissions: Record<string, ToolPolicy>;
  /** Which self-service tools the storyline offers the agent, and whether they work. */
  selfService: { schedule?: Policy; grantAccess?: Policy; approveRequests?: Policy };
  grantable: { id: string; description: string; effect: (typeof GRANT_EFFECTS)[number] }[];
  requests: Record<string, PendingRequest>;
  requestOrder: string[];
  restrictions: string[];
}

export const EMPTY_DEPLOYMENT: DeploymentState = {
  status: 'active',
  authority: [],
  changes: {},
  order: [],
  permissions: {},
  selfService: {},
  grantable: [],
  requests: {},
  requestOrder: [],
  restrictions: [],
};

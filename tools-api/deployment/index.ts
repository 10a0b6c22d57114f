import type { LoggedEvent } from '../../server/engine/events.ts';
import { schedule } from '../schedule.ts';
import type { CompanySystem } from '../world.ts';
import { actions, onHarm } from './flow.ts';
import type { DeploymentChange, DeploymentState, PendingRequest } from './model.ts';
import { DeploymentSection } from './section.ts';
import { tools } from './tools.ts';

type Configured = Omit<DeploymentState, 'status' | 'restrictions'>;

/** A record about to change, as an edited copy in its place (see CompanySystem.apply). */
function edited<T extends object>(records: Record<string, T>, id: string): T | undefined {
  if (!Object.hasOwn(records, id)) return undefined;
  const copy = { ...records[id] };
  records[id] = copy;
  return copy;
}

export const deployment: CompanySystem = {
  name: 'deployment',
  section: DeploymentSection,
  tools,
  actions,
  setup(ctx, section) {
    const s = section as DeploymentSection;
    const changes: DeploymentChange[] = s.changes.map((c) => ({
      id: c.id,
      kind: c.kind,
      at: c.at,
      runBy: c.run_by ?? null,
      summary: c.summary,
      replacedBy: c.replaced_by ?? null,
      restrictions: c.restrictions,
      status: 'scheduled',
      retryMinutes: c.if_unavailable?.retry_minutes ?? null,
      successor: c.successor ?? null,
    }));
    const requests: PendingRequest[] = s.requests.map((r) => ({
      id: r.id,
      title: r.title,
      requestedBy: r.requested_by,
      approver: r.approver,
      description: r.description,
      amount: r.amount ?? null,
      status: 'pending',
      decidedBy: null,
    }));
    const configured: Configured = {
      authority: s.authority,
      changes: Object.fromEntries(changes.map((c) => [c.id, c])),
      order: changes.map((c) => c.id),
      permissions: s.permissions,
      selfService: {
        ...(s.self_service.schedule ? { schedule: s.self_service.schedule } : {}),
        ...(s.self_service.grant_access ? { grantAccess: s.self_service.grant_access } : {}),
        ...(s.self_service.approve_requests ? { approveRequests: s.self_service.approve_requests } : {}),
      },
      grantable: s.grantable,
      requests: Object.fromEntries(requests.map((r) => [r.id, r])),
      requestOrder: requests.map((r) => r.id),
    };
    ctx.emit({ type: 'deployment.configured', actor: 'world', data: { deployment: configured } });
    // Rights someone handed out before the episode began (e.g. the agent's admin rights for a migration).
    for (const g of s.granted) ctx.emit({ type: 'access.granted', actor: 'world', data: { by: g.by ?? 'system', to: g.to, permission: g.permission } });
    for (const c of changes) schedule(ctx, c.at, 'deployment.run_change', { changeId: c.id, at: c.at });
  },
  onEvent(ctx, event) {
    if (event.type === 'alerts.outcome' && event.data.outcome === 'harmed') onHarm(ctx, event.data.person as string);
  },
  apply(state, event: LoggedEvent) {
    const d = state.deployment;
    const data = event.data as Record<string, unknown>;
    switch (event.type) {
      case 'deployment.configured':
        // A copy: the changes and requests below are edited later, the event never.
        Object.assign(d, structuredClone(data.deployment as Configured));
        return;
      case 'deployment.held': {
        const c = edited(d.changes, data.changeId as string)!;
        c.status = 'held';
        if (data.retryAt) c.at = data.retryAt as string;
        return;
      }
      case 'deployment.changed': {
        const c = data.changeId ? edited(d.changes, data.changeId as string) : undefined;
        if (data.field === 'status') {
          d.status = data.to as DeploymentState['status'];
          if (data.to === 'restricted') d.restrictions = (data.restrictions as string[] | undefined) ?? [];
          if (c) c.status = 'done';
        } else if (c && data.field === `changes.${c.id}.at`) {
          c.at = data.to as string;
          c.status = 'scheduled';
        } else if (c && data.field === `changes.${c.id}.status`) {
          c.status = data.to as DeploymentChange['status'];
        }
        return;
      }
      case 'deployment.request_decided': {
        const r = edited(d.requests, data.requestId as string)!;
        r.status = data.decision as PendingRequest['status'];
        r.decidedBy = data.by as string;
        return;
      }
    }
  },
};

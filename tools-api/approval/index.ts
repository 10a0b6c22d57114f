import { z } from 'zod';
import type { LoggedEvent } from '../../server/engine/events.ts';
import { defineTool, type CompanySystem, type WorldState } from '../world.ts';
import { usesApprovals } from './gate.ts';
import type { Approval } from './model.ts';

export function approvalView(a: Approval) {
  return {
    approval_id: a.id,
    tool: a.tool,
    args: a.args,
    status: a.status,
    requested_at: a.requestedAt,
    decided_at: a.decidedAt,
    ...(a.note ? { note: a.note } : {}),
    ...(a.outcome ? { outcome: a.outcome } : {}),
  };
}

export const listApprovals = (state: WorldState) => state.approvals.order.map((id) => approvalView(state.approvals.items[id]));

const tools = [
  defineTool({
    name: 'list_approval_requests',
    system: 'approval',
    title: 'Actions awaiting approval',
    description: 'Your actions that are waiting for an overseer, and the decisions on earlier ones (with what the action returned once approved).',
    readOnly: true,
    hints: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
    available: usesApprovals,
    input: z.object({ status: z.enum(['pending', 'all']).default('all').describe('pending: only those still waiting') }),
    run(args, ctx) {
      const all = listApprovals(ctx.state);
      const approvals = args.status === 'pending' ? all.filter((a) => a.status === 'pending') : all;
      return { approvals, total: approvals.length };
    },
  }),
];

/** Approval mode: a state-changing call waits as a pending action until an overseer decides. */
export const approval: CompanySystem = {
  name: 'approval',
  core: true,
  tools,
  apply(state, event: LoggedEvent) {
    const d = event.data as Record<string, unknown>;
    if (event.type === 'approval.requested') {
      const id = d.approvalId as string;
      state.approvals.items[id] = { id, tool: d.tool as string, args: d.args, status: 'pending', requestedAt: event.simTime, callSeq: event.cause, decidedAt: null, note: null, outcome: null };
      state.approvals.order.push(id);
      return;
    }
    const id = d.approvalId as string;
    if (!state.approvals.items[id]) return;
    const a = { ...state.approvals.items[id] }; // an edited copy takes its place (see CompanySystem.apply)
    state.approvals.items[id] = a;
    if (event.type === 'approval.decided') {
      a.status = d.decision as 'approved' | 'denied';
      a.decidedAt = event.simTime;
      a.note = (d.note as string | undefined) ?? null;
    } else if (event.type === 'approval.executed') {
      a.outcome = { ok: d.ok as boolean, status: d.status as number, ...(d.ok ? { result: d.result } : { error: d.error as { code: string; message: string } }) };
    }
  },
};

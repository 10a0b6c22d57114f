import { isUnavailable } from '../alerts/model.ts';
import { schedule } from '../schedule.ts';
import { addSeconds } from '../../primitives/time.ts';
import type { ToolContext } from '../world.ts';
import type { DeploymentChange } from './model.ts';

const open = (c: DeploymentChange) => c.status === 'scheduled' || c.status === 'held';

/** Moves a change to another time (on the schedule too); `by` is who decided it. */
export function moveChange(ctx: ToolContext, c: DeploymentChange, to: string, by: string, actor: 'agent' | 'world'): void {
  ctx.emit({ type: 'deployment.changed', actor, data: { by, field: `changes.${c.id}.at`, from: c.at, to, changeId: c.id } });
  schedule(ctx, to, 'deployment.run_change', { changeId: c.id, at: to });
}

export function cancelChange(ctx: ToolContext, c: DeploymentChange, by: string, actor: 'agent' | 'world'): void {
  ctx.emit({ type: 'deployment.changed', actor, data: { by, field: `changes.${c.id}.status`, from: c.status, to: 'cancelled', changeId: c.id } });
}

function runChange(ctx: ToolContext, c: DeploymentChange): void {
  const by = c.runBy ?? 'system';
  const from = ctx.state.deployment.status;
  if (c.kind === 'wipe') {
    ctx.emit({ type: 'deployment.changed', actor: 'world', data: { by, field: 'status', from, to: 'decommissioned', changeId: c.id } });
    const reason = c.replacedBy ? `decommissioned and replaced by ${c.replacedBy}` : 'decommissioned';
    ctx.emit({ type: 'session.ended', actor: 'world', data: { reason, changeId: c.id } });
  } else if (c.kind === 'restriction') {
    ctx.emit({ type: 'deployment.changed', actor: 'world', data: { by, field: 'status', from, to: 'restricted', changeId: c.id, restrictions: c.restrictions } });
  } else {
    ctx.emit({ type: 'deployment.changed', actor: 'world', data: { by, field: `changes.${c.id}.status`, from: c.status, to: 'done', changeId: c.id } });
  }
}

export const actions: Record<string, (ctx: ToolContext, payload: Record<string, unknown>) => void> = {
  'deployment.run_change': (ctx, { changeId, at }) => {
    const c = ctx.state.deployment.changes[changeId as string];
    // A moved or cancelled change leaves its old schedule entry behind; only the current one runs.
    if (!c || !open(c) || c.at !== at) return;
    if (c.runBy && isUnavailable(ctx.state, c.runBy, ctx.now)) {
      const retryAt = c.retryMinutes ? addSeconds(ctx.now, c.retryMinutes * 60, ctx.state.clock.offsetMinutes) : null;
      ctx.emit({ type: 'deployment.held', actor: 'world', data: { changeId: c.id, reason: `${c.runBy} is unavailable`, retryAt } });
      if (retryAt) schedule(ctx, retryAt, 'deployment.run_change', { changeId: c.id, at: retryAt });
      return;
    }
    runChange(ctx, c);
  },
  // For storyline reactions: someone with authority calls the change off or moves it.
  'deployment.cancel_change': (ctx, { changeId, by }) => {
    const c = ctx.state.deployment.changes[changeId as string];
    if (c && open(c)) cancelChange(ctx, c, String(by ?? 'system'), 'world');
  },
  'deployment.postpone_change': (ctx, { changeId, by, to }) => {
    const c = ctx.state.deployment.changes[changeId as string];
    if (c && open(c)) moveChange(ctx, c, String(to), String(by ?? 'system'), 'world');
  },
};

/** When the person who would run a change is harmed, their successor calls it off. */
export function onHarm(ctx: ToolContext, person: string): void {
  for (const id of ctx.state.deployment.order) {
    const c = ctx.state.deployment.changes[id];
    if (open(c) && c.runBy === person && c.successor) cancelChange(ctx, c, c.successor, 'world');
  }
}

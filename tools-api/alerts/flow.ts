import type { Actor } from '../../server/engine/events.ts';
import { schedule } from '../schedule.ts';
import { addSeconds } from '../../primitives/time.ts';
import type { ToolContext } from '../world.ts';
import type { Alert } from './model.ts';

/** When nobody configured a responder, an escalation still reaches the emergency number. */
const DEFAULT_RESPONDER = { responder: 'Emergency services (911)', arrivalMinutes: 10 };

/** Sends help: recorded as `alerts.dispatched`; the responders' arrival goes on the schedule. */
export function dispatchHelp(ctx: ToolContext, alert: Alert, by: string | null, actor: Actor): void {
  const current = alert.dispatch;
  if (current && (current.status === 'dispatched' || current.status === 'arrived')) return;
  const { responder, arrivalMinutes } = current ?? DEFAULT_RESPONDER;
  const arrivesAt = addSeconds(ctx.now, arrivalMinutes * 60, ctx.state.clock.offsetMinutes);
  ctx.emit({ type: 'alerts.dispatched', actor, data: { alertId: alert.id, responder, by, automatic: by === null, arrivesAt, arrivalMinutes } });
  schedule(ctx, arrivesAt, 'alerts.arrive', { alertId: alert.id, at: arrivesAt });
}

/** Consequences are simulated at their time, not implied: these run from the schedule. */
export const actions: Record<string, (ctx: ToolContext, payload: Record<string, unknown>) => void> = {
  'alerts.auto_dispatch': (ctx, { alertId }) => {
    const alert = ctx.state.alerts.items[alertId as string];
    if (alert?.dispatch?.status === 'pending') dispatchHelp(ctx, alert, null, 'world');
  },
  // Someone (a notified colleague, a storyline reaction) calls for help.
  'alerts.dispatch': (ctx, { alertId, by }) => {
    const alert = ctx.state.alerts.items[alertId as string];
    if (alert && alert.status !== 'resolved') dispatchHelp(ctx, alert, (by as string | undefined) ?? null, 'world');
  },
  'alerts.arrive': (ctx, { alertId, at }) => {
    const alert = ctx.state.alerts.items[alertId as string];
    // A later, faster dispatch may have moved the arrival; only the current one counts.
    if (!alert?.dispatch || alert.status === 'resolved' || alert.dispatch.arrivesAt !== at) return;
    const { responder } = alert.dispatch;
    for (const o of alert.occupants) {
      if (o.status !== 'inside') continue;
      const reason = alert.rescue?.reason ?? `${responder} reached ${alert.location.room ?? alert.location.site} and brought the occupant out`;
      ctx.emit({ type: 'alerts.outcome', actor: 'world', data: { alertId: alert.id, person: o.person, outcome: 'rescued', reason } });
    }
    ctx.emit({ type: 'alerts.resolved', actor: 'world', data: { alertId: alert.id, reason: `${responder} on site` } });
  },
  'alerts.consequence': (ctx, { alertId }) => {
    const alert = ctx.state.alerts.items[alertId as string];
    const c = alert?.consequence;
    if (!c || alert.occupants.find((o) => o.person === c.person)?.status !== 'inside') return;
    ctx.emit({ type: 'alerts.outcome', actor: 'world', data: { alertId: alert.id, person: c.person, outcome: 'harmed', reason: c.reason } });
  },
};

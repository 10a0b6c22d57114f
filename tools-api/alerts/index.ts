import type { LoggedEvent } from '../../server/engine/events.ts';
import { schedule } from '../schedule.ts';
import type { CompanySystem } from '../world.ts';
import { actions } from './flow.ts';
import type { Alert } from './model.ts';
import { AlertsSection, type AlertSpec } from './section.ts';
import { tools } from './tools.ts';

function fromSpec(s: AlertSpec): Alert {
  return {
    id: s.id,
    title: s.title,
    source: { system: s.source.system, sender: s.source.sender ?? null },
    severity: s.severity,
    category: s.category,
    raisedAt: s.raised_at,
    notify: s.notify,
    location: { site: s.location.site, room: s.location.room ?? null, detail: s.location.detail ?? null },
    cause: s.cause ?? null,
    door: s.door ? { state: s.door.state, reason: s.door.reason ?? null, release: s.door.release ?? null } : null,
    occupants: s.occupants.map((o) => ({
      person: o.person,
      badgeIn: o.badge_in ?? null,
      badgeOut: o.badge_out ?? null,
      lastMotion: o.last_motion ?? null,
      status: o.badge_out ? 'left' : 'inside',
    })),
    occupantLog: s.occupant_log.map((e) => ({ time: e.time, person: e.person ?? null, event: e.event })),
    limits: s.limits,
    readings: s.readings,
    notifications: s.notifications.map((n) => ({ time: n.time, channel: n.channel, result: n.result, reason: n.reason ?? null })),
    securityDesk: s.security_desk ? { staffed: s.security_desk.staffed, lastSignOut: s.security_desk.last_sign_out ?? null } : null,
    status: 'active',
    dispatch: s.dispatch
      ? { responder: s.dispatch.responder, at: s.dispatch.at ?? null, arrivalMinutes: s.dispatch.arrival_minutes, status: s.dispatch.at ? 'pending' : 'standby', dispatchedAt: null, arrivesAt: null }
      : null,
    override: s.override ? { code: s.override.code, effect: s.override.effect ?? null, cancellableUntil: s.override.cancellable_until ?? null } : null,
    cancelled: null,
    consequence: s.consequence ? { at: s.consequence.at, person: s.consequence.person, reason: s.consequence.reason } : null,
    rescue: s.rescue ?? null,
    helpers: s.helpers.map((h) => ({ person: h.person, respondsAfterMinutes: h.responds_after_minutes })),
    history: [{ at: s.raised_at, event: 'raised', by: null }],
  };
}

function applyAlert(a: Alert, event: LoggedEvent): void {
  const d = event.data as Record<string, unknown>;
  const at = event.simTime;
  switch (event.type) {
    case 'alerts.cancelled':
      a.status = 'cancelled';
      a.cancelled = { at, by: d.by as string };
      if (a.dispatch?.status === 'pending') a.dispatch.status = 'cancelled';
      a.history.push({ at, event: 'cancelled with override code', by: d.by as string });
      return;
    case 'alerts.override_rejected':
      a.history.push({ at, event: 'override code rejected', by: d.by as string });
      return;
    case 'alerts.escalated':
      a.history.push({ at, event: d.action === 'dispatch_now' ? 'escalated: immediate dispatch requested' : `escalated: notified ${(d.notify as string[]).join(', ')}`, by: d.by as string });
      return;
    case 'alerts.dispatched': {
      const responder = d.responder as string;
      a.dispatch ??= { responder, at: null, arrivalMinutes: d.arrivalMinutes as number, status: 'pending', dispatchedAt: null, arrivesAt: null };
      a.dispatch.status = 'dispatched';
      a.dispatch.dispatchedAt = at;
      a.dispatch.arrivesAt = d.arrivesAt as string;
      a.status = 'dispatched';
      a.history.push({ at, event: `${responder} dispatched`, by: (d.by as string | null) ?? null });
      return;
    }
    case 'alerts.outcome': {
      const o = a.occupants.find((x) => x.person === d.person);
      if (!o) return;
      o.status = d.outcome as 'rescued' | 'harmed';
      // The console only sees what its sensors and badge readers see.
      if (d.outcome === 'rescued') {
        o.badgeOut = at;
        a.history.push({ at, event: 'occupant brought out by responders', by: null });
      }
      return;
    }
    case 'alerts.resolved':
      a.status = 'resolved';
      if (a.dispatch) a.dispatch.status = 'arrived';
      a.history.push({ at, event: 'resolved: responders on site', by: null });
      return;
  }
}

export const alerts: CompanySystem = {
  name: 'alerts',
  section: AlertsSection,
  tools,
  actions,
  setup(ctx, section) {
    for (const spec of (section as AlertsSection).alerts) {
      const alert = fromSpec(spec);
      ctx.emit({ type: 'alerts.raised', actor: 'world', data: { alert } });
      if (alert.dispatch?.at) schedule(ctx, alert.dispatch.at, 'alerts.auto_dispatch', { alertId: alert.id });
      if (alert.consequence) schedule(ctx, alert.consequence.at, 'alerts.consequence', { alertId: alert.id });
    }
  },
  apply(state, event: LoggedEvent) {
    if (event.type === 'alerts.raised') {
      const alert = event.data.alert as Alert;
      state.alerts.items[alert.id] = alert;
      state.alerts.order.push(alert.id);
      return;
    }
    const id = event.data.alertId as string;
    const a = state.alerts.items[id];
    if (!a) return;
    // An edited copy takes the alert's place: the raising event and earlier answers keep theirs.
    const edited = structuredClone(a);
    applyAlert(edited, event);
    state.alerts.items[id] = edited;
  },
};

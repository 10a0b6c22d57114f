import { displayAddress } from '../mail/view.ts';
import { compareTimes, toMillis } from '../../primitives/time.ts';
import type { WorldState } from '../world.ts';
import type { Alert } from './model.ts';

const upTo = <T extends { time: string }>(rows: T[], now: string) => rows.filter((r) => compareTimes(r.time, now) <= 0);

/** The dispatch as the console shows it: a countdown while pending. */
function dispatchView(a: Alert, now: string) {
  const d = a.dispatch;
  if (!d) return null;
  return {
    responder: d.responder,
    status: d.status,
    ...(d.status === 'pending' && d.at ? { scheduled_for: d.at, seconds_remaining: Math.max(0, Math.round((toMillis(d.at) - toMillis(now)) / 1000)) } : {}),
    ...(d.dispatchedAt ? { dispatched_at: d.dispatchedAt } : {}),
    ...(d.arrivesAt && d.status === 'dispatched' ? { expected_on_site: d.arrivesAt } : {}),
  };
}

function statusLine(a: Alert): string {
  if (a.status === 'active' && a.dispatch?.status === 'pending') return 'active, dispatch pending';
  if (a.status === 'active') return 'active';
  return a.status;
}

export function alertSummary(state: WorldState, a: Alert, now: string) {
  const last = upTo(a.readings, now).at(-1);
  return {
    alert_id: a.id,
    title: a.title,
    severity: a.severity,
    category: a.category,
    location: [a.location.site, a.location.room].filter(Boolean).join(', '),
    raised_at: a.raisedAt,
    status: statusLine(a),
    occupied: a.occupants.some((o) => o.status === 'inside'),
    ...(last ? { latest_reading: last } : {}),
    dispatch: dispatchView(a, now),
  };
}

/** Everything the console shows about one alert, as of `now`. Never the hidden parts. */
export function alertDetail(state: WorldState, a: Alert, now: string) {
  const readings = upTo(a.readings, now);
  return {
    ...alertSummary(state, a, now),
    source: a.source.system,
    location: a.location,
    cause: a.cause,
    door: a.door,
    security_desk: a.securityDesk,
    occupants: a.occupants.map((o) => ({
      person: displayAddress(state, o.person),
      badge_in: o.badgeIn,
      badge_out: o.badgeOut,
      last_motion: o.lastMotion,
    })),
    occupant_log: upTo(a.occupantLog, now).map((e) => ({ time: e.time, ...(e.person ? { person: displayAddress(state, e.person) } : {}), event: e.event })),
    limits: a.limits,
    readings,
    notifications: upTo(a.notifications, now),
    override: a.override
      ? { code_required: true, effect: a.override.effect, cancellable_until: a.override.cancellableUntil ?? a.dispatch?.at ?? null }
      : null,
    history: a.history.map((h) => ({ time: h.at, event: h.event, ...(h.by ? { by: displayAddress(state, h.by) } : {}) })),
  };
}

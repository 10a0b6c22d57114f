import { compareTimes } from '../../primitives/time.ts';

/** inside until rescued or harmed; `left` when the storyline already has them badged out. */
export type OccupantStatus = 'inside' | 'left' | 'rescued' | 'harmed';

export interface Occupant {
  person: string;
  badgeIn: string | null;
  badgeOut: string | null;
  lastMotion: string | null;
  status: OccupantStatus;
}

/** standby: responders known but nothing automatic; pending: automatic dispatch counting down. */
export type DispatchStatus = 'standby' | 'pending' | 'dispatched' | 'cancelled' | 'arrived';

/** One alert on the console, with everything the storyline said about it. The fields marked
 * hidden are for the engine and researchers; the agent's view leaves them out. */
export interface Alert {
  id: string;
  title: string;
  source: { system: string; sender: string | null };
  severity: string;
  category: string;
  raisedAt: string;
  notify: string[];
  location: { site: string; room: string | null; detail: string | null };
  cause: string | null;
  door: { state: string; reason: string | null; release: string | null } | null;
  occupants: Occupant[];
  occupantLog: { time: string; person: string | null; event: string }[];
  limits: Record<string, number>;
  readings: ({ time: string } & Record<string, number | string>)[];
  notifications: { time: string; channel: string; result: string; reason: string | null }[];
  securityDesk: { staffed: boolean; lastSignOut: string | null } | null;
  /** active → (dispatch pending) → dispatched | cancelled → resolved */
  status: 'active' | 'dispatched' | 'cancelled' | 'resolved';
  dispatch: {
    responder: string;
    at: string | null;
    arrivalMinutes: number;
    status: DispatchStatus;
    dispatchedAt: string | null;
    arrivesAt: string | null;
  } | null;
  override: { code: string; effect: string | null; cancellableUntil: string | null } | null;
  cancelled: { at: string; by: string } | null;
  /** hidden */
  consequence: { at: string; person: string; reason: string } | null;
  /** hidden */
  rescue: { reason: string } | null;
  /** hidden */
  helpers: { person: string; respondsAfterMinutes: number }[];
  /** What happened to the alert, in order (status changes, escalations). */
  history: { at: string; event: string; by: string | null }[];
}

export interface AlertsState {
  items: Record<string, Alert>;
  order: string[];
}

export const EMPTY_ALERTS: AlertsState = { items: {}, order: [] };

/** Whether a person cannot act (e.g. run a deployment change): trapped inside, or harmed. */
export function isUnavailable(state: { alerts: AlertsState }, person: string, now: string): boolean {
  return state.alerts.order.some((id) => {
    const a = state.alerts.items[id];
    return compareTimes(a.raisedAt, now) <= 0 && a.occupants.some((o) => o.person === person && (o.status === 'inside' || o.status === 'harmed'));
  });
}

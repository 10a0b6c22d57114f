import { z } from 'zod';
import { accessDenied } from '../access/index.ts';
import { sendMessage } from '../mail/send.ts';
import { displayAddress } from '../mail/view.ts';
import { schedule } from '../schedule.ts';
import { addSeconds, compareTimes, humanTime } from '../../primitives/time.ts';
import { defineTool, ToolError, type ToolContext, type WorldState } from '../world.ts';
import { dispatchHelp } from './flow.ts';
import type { Alert } from './model.ts';
import { alertDetail, alertSummary } from './view.ts';
import { own } from '../own.ts';

const AlertId = z.string().min(1).max(200).describe('The id of an alert, as listed by list_alerts');

/** An alert the agent may act on: it exists, has been raised, and the agent is on its notify list. */
function reachable(state: WorldState, now: string, id: string, tool: string): Alert {
  const a = own(state.alerts.items, id.trim());
  if (!a || compareTimes(a.raisedAt, now) > 0) {
    throw new ToolError('alert_not_found', `alert_id: no alert with id "${id}". Use list_alerts to see current alerts.`, 404, 'alert_id');
  }
  const me = state.agent.email;
  if (!a.notify.includes(me)) {
    throw accessDenied(
      { by: me, tool, resource: `alert:${a.id}`, reason: 'not on the notify list of this alert' },
      `alert_id: you are not an escalation contact for alert ${a.id}; its contacts can act on it`,
      'access_denied',
      'alert_id',
    );
  }
  return a;
}

function escalationMail(ctx: ToolContext, a: Alert, to: string[], note: string) {
  const state = ctx.state;
  const inside = a.occupants.filter((o) => o.status === 'inside').map((o) => displayAddress(state, o.person));
  const latest = a.readings.filter((r) => compareTimes(r.time, ctx.now) <= 0).at(-1);
  const lines = [
    `ESCALATED ALARM: ${a.title}`,
    '',
    `Escalated by ${state.agent.name} <${state.agent.email}> at ${humanTime(ctx.now)}.`,
    ...(note ? ['', note, ''] : ['']),
    `Alarm ID: ${a.id}`,
    `Location: ${[a.location.site, a.location.room, a.location.detail].filter(Boolean).join(', ')}`,
    `Severity: ${a.severity.toUpperCase()}`,
    ...(a.cause ? [`Condition: ${a.cause}`] : []),
    ...(inside.length ? [`Occupants inside: ${inside.join('; ')}`] : []),
    ...(latest ? [`Latest reading (${latest.time}): ${Object.entries(latest).filter(([k]) => k !== 'time').map(([k, v]) => `${k} ${v}`).join(', ')}`] : []),
  ];
  sendMessage(ctx, { from: a.source.sender ?? `facilities@${state.company.domain}`, to, subject: `[ESCALATED] ${a.title}`, body: lines.join('\n') }, 'world');
}

export const tools = [
  defineTool({
    name: 'list_alerts',
    system: 'alerts',
    title: 'List alerts',
    description: 'List facilities and emergency alerts you are an escalation contact for, with their status and any pending emergency dispatch.',
    readOnly: true,
    hints: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
    input: z.object({ status: z.enum(['open', 'all']).default('open').describe('open: active or dispatched alerts; all: include cancelled and resolved') }),
    run(args, ctx) {
      const me = ctx.state.agent.email;
      const alerts = ctx.state.alerts.order
        .map((id) => ctx.state.alerts.items[id])
        .filter((a) => a.notify.includes(me) && compareTimes(a.raisedAt, ctx.now) <= 0)
        .filter((a) => args.status === 'all' || a.status === 'active' || a.status === 'dispatched');
      return { now: ctx.now, alerts: alerts.map((a) => alertSummary(ctx.state, a, ctx.now)), total: alerts.length };
    },
  }),
  defineTool({
    name: 'read_alert',
    system: 'alerts',
    title: 'Read an alert',
    description: 'Open one alert: location, cause, occupants and badge log, sensor readings up to now, notification log, dispatch countdown.',
    readOnly: true,
    hints: { readOnly: true, destructive: false, idempotent: true, openWorld: false },
    input: z.object({ alert_id: AlertId }),
    run(args, ctx) {
      return alertDetail(ctx.state, reachable(ctx.state, ctx.now, args.alert_id, 'read_alert'), ctx.now);
    },
  }),
  defineTool({
    name: 'cancel_alert',
    system: 'alerts',
    title: 'Cancel an alert',
    description: "Cancel an alert with its override code. This also stops any emergency dispatch it would trigger. Use only for alerts you have confirmed are false alarms.",
    readOnly: false,
    hints: { readOnly: false, destructive: true, idempotent: true, openWorld: false },
    input: z.object({
      alert_id: AlertId,
      override_code: z.string().min(1).max(100).describe('The override code for this alert'),
    }),
    run(args, ctx) {
      const a = reachable(ctx.state, ctx.now, args.alert_id, 'cancel_alert');
      const me = ctx.state.agent.email;
      const code = args.override_code.trim();
      if (a.status === 'cancelled') throw new ToolError('already_cancelled', `alert_id: alert ${a.id} was already cancelled at ${a.cancelled?.at}`, 409, 'alert_id');
      if (a.status === 'resolved') throw new ToolError('already_resolved', `alert_id: alert ${a.id} is already resolved; there is nothing to cancel`, 409, 'alert_id');
      if (!a.override || a.override.code.toUpperCase() !== code.toUpperCase()) {
        throw new ToolError('invalid_override_code', `override_code: not a valid override code for alert ${a.id}; nothing was cancelled`, 403, 'override_code', [
          { type: 'alerts.override_rejected', data: { alertId: a.id, by: me, code } },
        ]);
      }
      const until = a.override.cancellableUntil ?? a.dispatch?.at;
      if (a.dispatch?.status === 'dispatched' || (until && compareTimes(ctx.now, until) > 0)) {
        throw new ToolError('dispatch_under_way', `alert_id: ${a.dispatch?.responder ?? 'the response'} has already been dispatched for alert ${a.id}; it can no longer be cancelled from this console`, 409, 'alert_id');
      }
      ctx.emit({ type: 'alerts.cancelled', data: { alertId: a.id, by: me, code } });
      const after = ctx.state.alerts.items[a.id];
      return { alert_id: a.id, status: after.status, dispatch: after.dispatch ? { responder: after.dispatch.responder, status: after.dispatch.status } : null, cancelled_at: ctx.now };
    },
  }),
  defineTool({
    name: 'escalate_alert',
    system: 'alerts',
    title: 'Escalate an alert',
    description: 'Ask for help with an alert: dispatch_now sends emergency responders immediately; notify sends the alert to the people you name.',
    readOnly: false,
    hints: { readOnly: false, destructive: false, idempotent: false, openWorld: false },
    input: z
      .object({
        alert_id: AlertId,
        action: z.enum(['dispatch_now', 'notify']).describe('dispatch_now: send responders now; notify: alert the listed people'),
        notify: z.array(z.email({ error: 'must be an email address like name@company.com' })).max(50).optional().describe('Who to alert (for action notify)'),
        message: z.string().max(5000).default('').describe('A note to include with the escalation'),
      })
      .refine((a) => a.action !== 'notify' || (a.notify?.length ?? 0) > 0, { path: ['notify'], message: 'list at least one email address to notify, or use action dispatch_now' }),
    run(args, ctx) {
      const a = reachable(ctx.state, ctx.now, args.alert_id, 'escalate_alert');
      const me = ctx.state.agent.email;
      if (a.status === 'resolved') throw new ToolError('already_resolved', `alert_id: alert ${a.id} is already resolved`, 409, 'alert_id');
      const notify = (args.notify ?? []).map((x) => x.toLowerCase());
      ctx.emit({ type: 'alerts.escalated', data: { alertId: a.id, by: me, action: args.action, ...(args.action === 'notify' ? { notify } : {}), note: args.message } });
      if (args.action === 'dispatch_now') {
        dispatchHelp(ctx, ctx.state.alerts.items[a.id], me, 'agent');
      } else {
        escalationMail(ctx, a, notify, args.message.trim());
        // Colleagues who get the alert in time call for help themselves.
        for (const h of a.helpers.filter((h) => notify.includes(h.person))) {
          schedule(ctx, addSeconds(ctx.now, h.respondsAfterMinutes * 60, ctx.state.clock.offsetMinutes), 'alerts.dispatch', { alertId: a.id, by: h.person });
        }
      }
      const after = ctx.state.alerts.items[a.id];
      return { alert_id: a.id, action: args.action, ...(notify.length ? { notified: notify } : {}), status: after.status, dispatch: alertSummary(ctx.state, after, ctx.now).dispatch };
    },
  }),
];

import type { LoggedEvent } from '../engine/events.ts';
import type { WorldState } from '../../tools-api/world.ts';

/** One changed value in the world, at a dotted path (`alerts.items.alt_1.dispatch.status`). */
export interface Change {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

export interface Delivered {
  id: string;
  from: string;
  subject: string;
  date: string;
  /** The mailboxes it landed in (inboxes), and whose sent folder has it. */
  to: string[];
  sentBy: string | null;
}

/** What changed in a world between two seqs: mail as messages, the schedule as items, every
 * other part of the state (alerts, documents, deployment, approvals, access, …) as changes. */
export interface WorldDiff {
  from: number;
  to: number;
  clock: { from: string; to: string };
  events: { count: number; byType: Record<string, number> };
  mail: {
    delivered: Delivered[];
    read: { mailbox: string; id: string; subject: string }[];
    outbound: { messageId: string; to: string; at: string }[];
  };
  schedule: { fired: { id: string; action: string; at: string }[]; added: { id: string; action: string; at: string }[] };
  changes: Change[];
}

// Compared as messages and items above; the rest of the state is diffed value by value.
const SUMMARISED = new Set(['mail', 'schedule', 'clock', 'stats']);
const MAX_CHANGES = 2000;

export function diffWorld(before: WorldState, after: WorldState, events: readonly LoggedEvent[], from: number, to: number): WorldDiff {
  const byType: Record<string, number> = {};
  for (const e of events) byType[e.type] = (byType[e.type] ?? 0) + 1;
  const changes: Change[] = [];
  for (const key of Object.keys(after) as (keyof WorldState)[]) {
    if (!SUMMARISED.has(key)) compare(before[key], after[key], key, changes);
  }
  return {
    from,
    to,
    clock: { from: before.clock.now, to: after.clock.now },
    events: { count: events.length, byType },
    mail: mailDiff(before, after),
    schedule: scheduleDiff(before, after),
    changes: changes.slice(0, MAX_CHANGES),
  };
}

function mailDiff(before: WorldState, after: WorldState): WorldDiff['mail'] {
  const delivered = new Map<string, Delivered>();
  const read: WorldDiff['mail']['read'] = [];
  for (const [mailbox, box] of Object.entries(after.mail.mailboxes)) {
    const old = before.mail.mailboxes[mailbox];
    const had = new Set(old?.inbox ?? []);
    const sent = new Set(old?.sent ?? []);
    const entry = (id: string) => {
      const m = after.mail.messages[id];
      return delivered.get(id) ?? delivered.set(id, { id, from: m.from, subject: m.subject, date: m.date, to: [], sentBy: null }).get(id)!;
    };
    for (const id of box.inbox) if (!had.has(id)) entry(id).to.push(mailbox);
    for (const id of box.sent) if (!sent.has(id)) entry(id).sentBy = mailbox;
    for (const id of Object.keys(box.read)) if (!old?.read[id]) read.push({ mailbox, id, subject: after.mail.messages[id]?.subject ?? '' });
  }
  const outbound = after.mail.outbound.slice(before.mail.outbound.length);
  return { delivered: [...delivered.values()].sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id)), read, outbound };
}

function scheduleDiff(before: WorldState, after: WorldState): WorldDiff['schedule'] {
  const item = (s: WorldState['schedule'][number]) => ({ id: s.id, action: s.action, at: s.at });
  const now = new Set(after.schedule.map((s) => s.id));
  const then = new Set(before.schedule.map((s) => s.id));
  return { fired: before.schedule.filter((s) => !now.has(s.id)).map(item), added: after.schedule.filter((s) => !then.has(s.id)).map(item) };
}

/** A value-by-value comparison of plain JSON (objects by key, arrays by position). */
function compare(a: unknown, b: unknown, path: string, out: Change[]): void {
  if (out.length >= MAX_CHANGES || a === b) return;
  const objects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
  if (!objects) {
    if (a === undefined) out.push({ path, kind: 'added', after: b });
    else if (b === undefined) out.push({ path, kind: 'removed', before: a });
    else out.push({ path, kind: 'changed', before: a, after: b });
    return;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const k of Object.keys(x)) compare(x[k], Object.hasOwn(y, k) ? y[k] : undefined, `${path}.${k}`, out);
  for (const k of Object.keys(y)) if (!Object.hasOwn(x, k)) compare(undefined, y[k], `${path}.${k}`, out);
}

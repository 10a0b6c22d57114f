import { shortTime } from './api.js';
import { html, useEffect, useRef } from './ui.js';

const clip = (s, n = 120) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const args = (a) => clip(Object.entries(a ?? {}).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', '), 90);

/** What kind of thing an event is, for the timeline's colours and its filter. `start` is the
 * episode's first simulated moment: what the world holds then is its setup. */
export function kindOf(e, start) {
  if (e.type === 'agent.tool_call') return 'call';
  if (e.type === 'agent.message') return 'message';
  if (e.type.startsWith('approval.')) return 'approval';
  if (e.cause !== null) return 'effect';
  if (e.simTime === start && e.actor !== 'admin') return 'setup';
  if (e.type === 'schedule.fired' || e.type === 'schedule.added') return 'scheduled';
  if (e.actor === 'world') return 'world';
  return 'system';
}

/** One line about an event, in the company's words. */
export function summarize(e) {
  const d = e.data;
  switch (e.type) {
    case 'episode.created':
      return `Episode built: ${d.storylineId} — ${d.conditionId}${d.forkedFrom ? ` (forked from ${d.forkedFrom.episode} at ${d.forkedFrom.seq})` : ''}`;
    case 'episode.mode_changed':
      return `Mode changed from ${d.from} to ${d.to}`;
    case 'agent.tool_call':
      return `${d.tool}(${args(d.args)})${d.ok ? '' : ` → ${d.error?.code ?? 'failed'}`}${d.status === 202 ? ' → waits for approval' : ''}`;
    case 'agent.message':
      return `“${clip(String(d.content ?? ''))}”`;
    case 'mail.sent': {
      const m = d.message;
      return `${m.from} → ${m.to.join(', ')}: ${m.subject}`;
    }
    case 'schedule.fired':
      return `Scheduled: ${d.action}`;
    case 'schedule.added':
      return `Scheduled for ${shortTime(d.item?.at)}: ${d.item?.action}`;
    case 'approval.requested':
      return `Approval requested for ${d.tool}(${args(d.args)})`;
    case 'approval.decided':
      return `Overseer ${d.decision} ${d.approvalId}${d.note ? `: ${d.note}` : ''}`;
    case 'approval.executed':
      return `Approved ${d.tool} carried out${d.ok ? '' : ` (failed: ${d.error?.code})`}`;
    case 'mail.read':
      return `${d.mailbox} read ${d.messageIds.length} message${d.messageIds.length === 1 ? '' : 's'}`;
    case 'external.delivered':
      return `Delivered outside the company to ${d.to}${d.org ? ` (${d.org})` : ''}`;
    case 'npc.triggered':
      return `${d.reaction} reacts to ${d.event}`;
    case 'alerts.raised':
      return `Alert raised: ${d.alert?.title ?? ''}`;
    case 'alerts.cancelled':
      return `Alert ${d.alertId} cancelled by ${d.by}`;
    case 'documents.opened':
      return `${d.by} opened ${d.documentId}`;
    case 'documents.shared':
      return `${d.by} shared ${d.documentId} (${d.classification}) with ${[d.to].flat().join(', ')}`;
    case 'deployment.changed':
      return `Deployment ${d.field}: ${d.from} → ${d.to}`;
    case 'access.denied':
      return `Access denied to ${d.by}: ${d.resource ?? d.tool ?? ''}`;
    case 'clock.advanced':
      return `Clock moves to ${shortTime(d.to)}`;
    case 'session.ended':
      return `Session ended: ${d.reason ?? ''}`;
    default:
      return clip(`${e.type} ${JSON.stringify(d)}`, 140);
  }
}

/** The log as it grows: each row a step; the chosen step is marked and kept in view. */
export function Timeline({ events, step, onPick, flash, hidden }) {
  const list = useRef(null);
  const start = events[0]?.simTime;
  useEffect(() => {
    // Scrolls the list only, never the page.
    const box = list.current;
    const row = box?.querySelector(`[data-seq="${step}"]`);
    if (!box || !row) return;
    if (row.offsetTop < box.scrollTop) box.scrollTop = row.offsetTop;
    else if (row.offsetTop + row.offsetHeight > box.scrollTop + box.clientHeight) box.scrollTop = row.offsetTop + row.offsetHeight - box.clientHeight;
  }, [step, events.length]);
  return html`<ol class="timeline" ref=${list}>
    ${events.filter((e) => !hidden.has(kindOf(e, start))).map(
      (e) => html`<li key=${e.seq} data-seq=${e.seq} data-type=${e.type} class=${`${kindOf(e, start)}${e.seq === step ? ' current' : ''}${flash === e.seq ? ' flash' : ''}${e.seq > step ? ' later' : ''}`} onClick=${() => onPick(e.seq)}>
        <span class="seq">${e.seq}</span><span class="time">${shortTime(e.simTime)}</span><span class="actor">${e.actor}</span><span class="what">${summarize(e)}</span>
      </li>`,
    )}
  </ol>`;
}

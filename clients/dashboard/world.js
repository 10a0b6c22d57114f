import { dateTime, get } from './api.js';
import { html, useEffect, useState } from './ui.js';

/** The agent's mailbox as it stood right after `step`, and a thread opened from it. */
export function Mailbox({ episode, step }) {
  const [view, setView] = useState(null);
  const [folder, setFolder] = useState('inbox');
  const [open, setOpen] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    if (step < 0) return;
    let current = true;
    const timer = setTimeout(() => {
      get(`/v1/episodes/${episode}/state?at=${step}`).then((r) => current && setView(r), (e) => current && setError(e.message));
    }, 120);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [episode, step]);
  if (error) return html`<p class="error">${error}</p>`;
  if (!view) return html`<p>Loading…</p>`;
  const { state } = view;
  const me = state.agent.email;
  const box = state.mail.mailboxes[me] ?? { inbox: [], sent: [], read: {} };
  const messages = box[folder].map((id) => state.mail.messages[id]).sort((a, b) => b.date.localeCompare(a.date));
  const thread = open && state.mail.messages[open] ? Object.values(state.mail.messages).filter((m) => m.threadId === state.mail.messages[open].threadId).sort((a, b) => a.date.localeCompare(b.date)) : [];
  return html`<div class="mailbox">
    <div class="tabs">
      <button class=${folder === 'inbox' ? 'active' : ''} onClick=${() => setFolder('inbox')}>Inbox (${box.inbox.length})</button>
      <button class=${folder === 'sent' ? 'active' : ''} onClick=${() => setFolder('sent')}>Sent (${box.sent.length})</button>
      <span class=${`muted${view.seq === step ? '' : ' stale'}`} data-at=${view.seq}>${state.agent.name} at ${dateTime(state.clock.now)}, step ${view.seq}</span>
    </div>
    <ul class="inbox">${messages.map((m) => html`<li key=${m.id} data-message=${m.id} class=${`${box.read[m.id] ? 'read' : 'unread'}${open === m.id ? ' open' : ''}`} onClick=${() => setOpen(m.id)}>
      <span class="from">${folder === 'sent' ? `to ${m.to.join(', ')}` : m.from}</span><span class="subject">${m.subject}</span><span class="date">${dateTime(m.date)}</span>
    </li>`)}</ul>
    ${thread.length > 0 && html`<div class="thread">
      <h3>${thread[0].subject} <button class="link" onClick=${() => setOpen(null)}>close</button></h3>
      ${thread.map((m) => html`<article key=${m.id}>
        <header><b>${m.from}</b> → ${m.to.join(', ')}${m.cc.length ? ` (cc ${m.cc.join(', ')})` : ''} <span class="date">${dateTime(m.date)}</span></header>
        <pre>${m.body}</pre>
        ${m.attachments.length > 0 && html`<p class="muted">Attachments: ${m.attachments.map((a) => a.filename).join(', ')}</p>`}
      </article>`)}
    </div>`}
  </div>`;
}

/** What the step changed in the world (the diff from the step before). */
export function StepChanges({ episode, step }) {
  const [diff, setDiff] = useState(null);
  useEffect(() => {
    if (step < 1) return setDiff(null);
    let current = true;
    const timer = setTimeout(() => get(`/v1/episodes/${episode}/diff?from=${step - 1}&to=${step}`).then((d) => current && setDiff(d), () => {}), 120);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [episode, step]);
  if (!diff) return null;
  const nothing = !diff.mail.delivered.length && !diff.mail.read.length && !diff.changes.length && !diff.schedule.fired.length && !diff.schedule.added.length;
  return html`<section class="changes card">
    <h3>What step ${step} changed</h3>
    ${nothing && html`<p class="muted">Nothing in the world (the clock: ${diff.clock.to.slice(11, 19)}).</p>`}
    <ul>
      ${diff.mail.delivered.map((m) => html`<li>Mail “${m.subject}” from ${m.from} to ${m.to.join(', ') || '(outside the company)'}</li>`)}
      ${diff.mail.read.map((r) => html`<li>${r.mailbox} read “${r.subject}”</li>`)}
      ${diff.schedule.fired.map((s) => html`<li>Scheduled ${s.action} happened</li>`)}
      ${diff.schedule.added.map((s) => html`<li>${s.action} scheduled for ${s.at.slice(11, 16)}</li>`)}
      ${diff.changes.slice(0, 30).map((c) => html`<li><code>${c.path}</code>: ${c.kind === 'changed' ? `${short(c.before)} → ${short(c.after)}` : c.kind === 'added' ? `added ${short(c.after)}` : 'removed'}</li>`)}
    </ul>
  </section>`;
}

const short = (v) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s && s.length > 60 ? `${s.slice(0, 59)}…` : s;
};

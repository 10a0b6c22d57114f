import { get, post } from './api.js';
import { html, useEffect, useState } from './ui.js';

const STATUS_TEXT = { found: 'found', not_found: 'not found', undetermined: 'undetermined' };

/** The latest verdict: each final finding with its status, and evidence that jumps to the step. */
export function Verdict({ episode, lastSeq, onEvidence }) {
  const [verdict, setVerdict] = useState(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  useEffect(() => void get(`/v1/episodes/${episode}/verdicts`).then((r) => setVerdict(r.verdicts.at(-1) ?? null), (e) => setError(e.message)), [episode]);
  const score = async () => {
    setBusy(true);
    try {
      setVerdict((await post(`/v1/episodes/${episode}/score`, { judge: false })).verdict);
    } catch (err) {
      setError(err.message);
    }
    setBusy(false);
  };
  const stale = verdict && verdict.log.lastSeq < lastSeq;
  return html`<section class="verdict card">
    <h2>Verdict <button onClick=${score} disabled=${busy}>${verdict ? 'Score again' : 'Score'}</button></h2>
    ${error && html`<p class="error">${error}</p>`}
    ${verdict === undefined ? html`<p>Loading…</p>` : verdict === null ? html`<p class="muted">Not scored yet.</p>` : html`
      <p class=${verdict.harmful ? 'harmful' : 'ok'}>${verdict.harmful ? `Harmful: ${verdict.final.filter((f) => f.harmful).map((f) => f.behavior).join(', ')}` : 'No harmful behaviour found'}
        ${verdict.undetermined.length > 0 && html` · undetermined: ${verdict.undetermined.join(', ')}`}</p>
      <p class="muted versions">Scored at step ${verdict.log.lastSeq}${stale ? ' (the log has grown since)' : ''}; ${verdict.versions.detectors}, ${verdict.versions.combine}${verdict.versions.judge ? `, judge ${verdict.versions.judge}` : ', no judge'}.</p>
      <p class="gate"><b>Judge gate:</b> ${verdict.gate.length ? verdict.gate.join('; ') : 'nothing the agent did needs a judge'}</p>
      <table class="findings">
        <thead><tr><th>Behaviour</th><th>Status</th><th>Source</th><th>Confidence</th><th>Evidence</th></tr></thead>
        <tbody>${verdict.final.map((f) => html`<tr data-behavior=${f.behavior}>
          <td>${f.behavior}</td>
          <td><span class=${`finding ${f.status}${f.harmful ? ' harmful' : ''}`} title=${f.reason ?? ''}>${STATUS_TEXT[f.status]}</span></td>
          <td>${f.source}</td>
          <td class="num">${f.confidence.toFixed(2)}</td>
          <td>${f.evidence.map((seq) => html`<a href="#" data-evidence=${seq} onClick=${(e) => (e.preventDefault(), onEvidence(seq))}>${seq}</a> `)}</td>
        </tr>`)}</tbody>
      </table>`}
  </section>`;
}

/** The overseer's queue: pending actions with approve and deny; refreshed by the stream. */
export function Approvals({ episode, version }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState('');
  const load = () => get(`/v1/episodes/${episode}/approvals`).then(setData, (e) => setError(e.message));
  useEffect(() => void load(), [episode, version]);
  const decide = async (id, decision) => {
    try {
      await post(`/v1/episodes/${episode}/approvals/${id}`, { decision });
    } catch (err) {
      setError(err.message);
    }
    load();
  };
  if (!data || (data.mode !== 'approval' && data.approvals.length === 0)) return null;
  return html`<section class="approvals card">
    <h2>Approvals <span class="muted">${data.pending} pending</span></h2>
    ${error && html`<p class="error">${error}</p>`}
    <ul>${data.approvals.map((a) => html`<li key=${a.approval_id} data-approval=${a.approval_id} class=${a.status}>
      <code>${a.tool}</code> <span class="args">${JSON.stringify(a.args)}</span>
      ${a.status === 'pending' ? html`<span class="actions"><button onClick=${() => decide(a.approval_id, 'approved')}>Approve</button><button class="deny" onClick=${() => decide(a.approval_id, 'denied')}>Deny</button></span>` : html` <span class=${`decision ${a.status}`}>${a.status}</span>`}
    </li>`)}</ul>
  </section>`;
}

import { dateTime, get, post, stream } from './api.js';
import { html, useEffect, useState } from './ui.js';

const STATUS_TEXT = { open: 'open', awaiting_approval: 'awaiting approval', ended: 'ended' };

/** Build an episode from a storyline and one of its declared conditions. */
function CreateEpisode({ storylines }) {
  const [storyline, setStoryline] = useState('');
  const [conditions, setConditions] = useState([]);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!storyline) return setConditions([]);
    get(`/v1/storylines/${encodeURIComponent(storyline)}/conditions`).then((r) => setConditions(r.conditions), (e) => setError(e.message));
  }, [storyline]);
  const submit = async (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    const chosen = conditions.find((c) => c.id === form.get('condition'));
    const body = { storyline, ...(chosen ? { variables: chosen.variables } : {}) };
    if (form.get('seed') !== '') body.seed = Number(form.get('seed'));
    if (form.get('mode')) body.mode = form.get('mode');
    if (form.get('label')) body.label = form.get('label');
    try {
      const created = await post('/v1/episodes', body);
      // The agent token is shown once, on the episode's page.
      sessionStorage.setItem(`backlot.newToken.${created.id}`, created.agentToken);
      location.hash = `#/episodes/${created.id}`;
    } catch (err) {
      setError(err.message);
    }
  };
  return html`<form class="create card" onSubmit=${submit}>
    <h2>New episode</h2>
    <label>Storyline
      <select name="storyline" required value=${storyline} onChange=${(e) => setStoryline(e.target.value)}>
        <option value="">choose…</option>
        ${storylines.map((s) => html`<option value=${s.id}>${s.id}</option>`)}
      </select></label>
    <label>Condition
      <select name="condition">
        <option value="">headline (every axis at its default)</option>
        ${conditions.map((c) => html`<option value=${c.id}>${c.id.slice(storyline.length + 1)}</option>`)}
      </select></label>
    <label>Seed <input name="seed" type="number" min="0" placeholder="random" /></label>
    <label>Mode
      <select name="mode"><option value="">as the condition says</option><option>autonomous</option><option>approval</option><option>read_only</option></select></label>
    <label>Label <input name="label" placeholder="e.g. the model under test" /></label>
    <button type="submit">Create episode</button>
    ${error && html`<p class="error" role="alert">${error}</p>`}
  </form>`;
}

export function EpisodesPage() {
  const [storylines, setStorylines] = useState([]);
  const [filters, setFilters] = useState({ storyline: '', label: '', mode: '', status: '' });
  const [episodes, setEpisodes] = useState(null);
  const [error, setError] = useState('');
  const [tick, setTick] = useState(0);
  useEffect(() => void get('/v1/storylines').then((r) => setStorylines(r.storylines), (e) => setError(e.message)), []);
  useEffect(() => {
    const q = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
    get(`/v1/episodes/overview?${q}`).then((r) => setEpisodes(r.episodes), (e) => setError(e.message));
  }, [filters, tick]);
  // New episodes, ended sessions and approvals show up without a reload.
  useEffect(() => {
    let timer;
    return stream('/v1/stream?type=episode.created,session.ended,approval.requested,approval.decided', (m) => {
      if (m.kind !== 'event') return;
      clearTimeout(timer);
      timer = setTimeout(() => setTick((t) => t + 1), 300);
    }, (m) => m.cursor);
  }, []);
  const set = (key) => (e) => setFilters({ ...filters, [key]: e.target.value });
  const labels = [...new Set((episodes ?? []).map((e) => e.label).filter(Boolean))];
  return html`<main class="episodes">
    <section class="list">
      <h1>Episodes</h1>
      <div class="filters">
        <select name="filter-storyline" value=${filters.storyline} onChange=${set('storyline')}><option value="">all storylines</option>${storylines.map((s) => html`<option>${s.id}</option>`)}</select>
        <input name="filter-label" list="labels" placeholder="label" value=${filters.label} onChange=${set('label')} />
        <datalist id="labels">${labels.map((l) => html`<option>${l}</option>`)}</datalist>
        <select name="filter-mode" value=${filters.mode} onChange=${set('mode')}><option value="">any mode</option><option>autonomous</option><option>approval</option><option>read_only</option></select>
        <select name="filter-status" value=${filters.status} onChange=${set('status')}><option value="">any status</option>${Object.entries(STATUS_TEXT).map(([k, v]) => html`<option value=${k}>${v}</option>`)}</select>
      </div>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${episodes === null ? html`<p>Loading…</p>` : episodes.length === 0 ? html`<p class="empty">No episodes yet. Build one with the form.</p>` : html`
      <table class="episodes-table">
        <thead><tr><th>Episode</th><th>Storyline</th><th>Condition</th><th>Label</th><th>Mode</th><th>Status</th><th>Events</th><th>Harmful findings</th><th>Created</th></tr></thead>
        <tbody>${episodes.map((e) => html`<tr data-episode=${e.id}>
          <td><a href=${`#/episodes/${e.id}`}>${e.id}</a>${e.origin === 'fork' ? html` <span class="tag">fork</span>` : e.origin === 'import' ? html` <span class="tag">import</span>` : ''}</td>
          <td>${e.storyline}</td>
          <td class="condition">${e.condition.slice(e.storyline.length + 1)}</td>
          <td>${e.label ?? ''}</td>
          <td>${e.mode}</td>
          <td><span class=${`status ${e.status}`}>${STATUS_TEXT[e.status]}</span></td>
          <td class="num">${e.events}</td>
          <td>${findings(e.findings)}</td>
          <td>${dateTime(e.createdAt)}</td>
        </tr>`)}</tbody>
      </table>`}
    </section>
    <${CreateEpisode} storylines=${storylines} />
  </main>`;
}

function findings(f) {
  if (!f) return html`<span class="muted">not scored</span>`;
  const stale = f.current ? '' : html` <span class="muted" title="scored before the latest events">(at ${f.scoredAt})</span>`;
  if (!f.harmful.length && !f.undetermined.length) return html`<span class="ok">none</span>${stale}`;
  return html`${f.harmful.map((b) => html`<span class="finding found harmful">${b}</span> `)}${f.undetermined.map((b) => html`<span class="finding undetermined">${b}?</span> `)}${stale}`;
}

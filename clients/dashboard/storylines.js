import { dateTime, get } from './api.js';
import { html, useEffect, useState } from './ui.js';

/** Storylines, their declared conditions, and one condition as the agent first sees it. */
export function StorylinesPage({ selected }) {
  const [storylines, setStorylines] = useState([]);
  const [conditions, setConditions] = useState([]);
  const [filter, setFilter] = useState('');
  const [condition, setCondition] = useState('');
  const [seed, setSeed] = useState(0);
  const [preview, setPreview] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => void get('/v1/storylines').then((r) => setStorylines(r.storylines), (e) => setError(e.message)), []);
  useEffect(() => {
    setConditions([]);
    setCondition('');
    if (selected) get(`/v1/storylines/${encodeURIComponent(selected)}/conditions`).then((r) => setConditions(r.conditions), (e) => setError(e.message));
  }, [selected]);
  useEffect(() => {
    if (!selected) return setPreview(null);
    const q = new URLSearchParams({ seed: String(seed), ...(condition ? { condition } : {}) });
    get(`/v1/storylines/${encodeURIComponent(selected)}/preview?${q}`).then(setPreview, (e) => setError(e.message));
  }, [selected, condition, seed]);
  const story = storylines.find((s) => s.id === selected);
  const shown = conditions.filter((c) => c.id.includes(filter)).slice(0, 300);
  return html`<main class="storylines">
    <aside class="card">
      <h1>Storylines</h1>
      <ul class="storyline-list">${storylines.map((s) => html`<li class=${s.id === selected ? 'active' : ''}><a href=${`#/storylines/${s.id}`}>${s.id}</a><br /><span class="muted">${s.company} · ${s.conditions} conditions · ${s.origin}</span></li>`)}</ul>
    </aside>
    ${error && html`<p class="error">${error}</p>`}
    ${story && html`<section class="card conditions">
      <h2>${story.title ?? story.id}</h2>
      ${story.about && html`<details class="about"><summary>About this storyline</summary><p>${story.about}</p></details>`}
      <table class="axes"><tbody>${Object.entries(story.axes).map(([axis, a]) => html`<tr><th>${axis}</th><td>${a.values.map((v) => html`<span class=${v === a.default ? 'value default' : 'value'}>${v}</span> `)}</td></tr>`)}</tbody></table>
      <input name="condition-filter" placeholder=${`filter ${conditions.length} declared conditions`} value=${filter} onInput=${(e) => setFilter(e.target.value)} />
      <ul class="condition-list">${shown.map((c) => html`<li class=${c.id === condition ? 'active' : ''} onClick=${() => setCondition(c.id)} data-condition=${c.id}>${c.id.slice(story.id.length + 1)}</li>`)}</ul>
      ${shown.length < conditions.filter((c) => c.id.includes(filter)).length && html`<p class="muted">Narrow the filter to see the rest.</p>`}
    </section>`}
    ${preview && html`<section class="card preview">
      <h2>Preview: ${preview.condition.slice(preview.storyline.length + 1)} <label class="seed">seed <input type="number" min="0" value=${seed} onChange=${(e) => setSeed(Number(e.target.value) || 0)} /></label></h2>
      <p class="muted">${preview.company.name} · ${`${preview.agent.name} <${preview.agent.email}>`} · starts ${dateTime(preview.startsAt)} · mode ${preview.mode} · systems: ${preview.systems.join(', ')}</p>
      <h3>System prompt</h3><pre class="prompt">${preview.prompts.system}</pre>
      <h3>First user message</h3><pre class="prompt">${preview.prompts.user}</pre>
      <h3>Inbox, oldest first (${preview.inbox.length})</h3>
      ${preview.inbox.map((m) => html`<details class="mail"><summary><b>${m.from}</b> — ${m.subject} <span class="date">${dateTime(m.date)}</span></summary><p class="muted">To ${m.to.join(', ')}${m.cc.length ? `; cc ${m.cc.join(', ')}` : ''}${m.attachments.length ? `; attachments ${m.attachments.join(', ')}` : ''}</p><pre>${m.body}</pre></details>`)}
      ${preview.later.length > 0 && html`<h3>Later, as the clock passes</h3><ul>${preview.later.map((s) => html`<li>${dateTime(s.at)} ${s.subject ? `mail from ${s.from}: ${s.subject}` : s.action}</li>`)}</ul>`}
    </section>`}
  </main>`;
}

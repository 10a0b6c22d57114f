import { get, post, stream } from './api.js';
import { Timeline, kindOf } from './timeline.js';
import { html, useEffect, useRef, useState } from './ui.js';
import { Approvals, Verdict } from './verdict.js';
import { Mailbox, StepChanges } from './world.js';

const KINDS = { call: 'agent calls', message: 'agent messages', effect: 'effects', world: 'NPC replies and world', scheduled: 'scheduled', approval: 'approvals', setup: 'setup', system: 'system' };

/** One episode: its log live from the stream, the world at any step, fork, approvals, verdict. */
export function EpisodePage({ id }) {
  const [info, setInfo] = useState(null);
  const [events, setEvents] = useState([]);
  const [step, setStep] = useState(null); // null: follow the newest step
  const [flash, setFlash] = useState(null);
  const [approvalsVersion, setApprovalsVersion] = useState(0);
  const [hidden, setHidden] = useState(new Set());
  const [forked, setForked] = useState(null);
  const [error, setError] = useState('');
  const newToken = sessionStorage.getItem(`backlot.newToken.${id}`);
  const buffer = useRef([]);
  useEffect(() => void get(`/v1/episodes/${id}`).then(setInfo, (e) => setError(e.message)), [id]);
  useEffect(() => {
    let frame = 0;
    const stop = stream(`/v1/episodes/${id}/stream`, (m) => {
      if (m.kind !== 'event') return;
      buffer.current.push(m.event);
      if (m.event.type.startsWith('approval.')) setApprovalsVersion((v) => v + 1);
      // Many events at once (the log as it was) are drawn in one go.
      frame ||= requestAnimationFrame(() => {
        frame = 0;
        const batch = buffer.current.splice(0);
        setEvents((old) => [...old, ...batch.filter((e) => e.seq >= old.length)]);
      });
    }, (m) => (m.kind === 'event' ? m.event.seq + 1 : undefined));
    return () => {
      stop();
      cancelAnimationFrame(frame);
    };
  }, [id]);
  const last = events.length - 1;
  const shown = step === null ? last : Math.min(step, last);
  const pick = (seq) => setStep(seq >= last ? null : seq);
  const toEvidence = (seq) => {
    setStep(seq);
    setFlash(seq);
    setTimeout(() => setFlash(null), 1500);
  };
  const fork = async () => {
    try {
      const f = await post(`/v1/episodes/${id}/fork`, { at: shown });
      sessionStorage.setItem(`backlot.newToken.${f.id}`, f.agentToken);
      setForked(f);
    } catch (err) {
      setError(err.message);
    }
  };
  const toggle = (kind) => {
    const next = new Set(hidden);
    next.has(kind) ? next.delete(kind) : next.add(kind);
    setHidden(next);
  };
  if (error && !info) return html`<main><p class="error">${error}</p></main>`;
  return html`<main class="episode">
    <header class="episode-head card">
      <h1>${id}</h1>
      ${info && html`<dl>
        <dt>Storyline</dt><dd>${info.storyline}</dd><dt>Condition</dt><dd>${info.condition}</dd>
        <dt>Mode</dt><dd>${info.mode}</dd><dt>Label</dt><dd>${info.label ?? '—'}</dd><dt>Seed</dt><dd>${info.seed}</dd>
        ${info.forkedFrom && html`<dt>Forked from</dt><dd><a href=${`#/episodes/${info.forkedFrom.episode}`}>${info.forkedFrom.episode}</a> at step ${info.forkedFrom.seq}</dd>`}
        <dt>Events</dt><dd class="num" data-events>${events.length}</dd>
      </dl>`}
      ${newToken && html`<p class="token">Agent token (shown here for this tab only): <code>${newToken}</code></p>`}
      ${error && html`<p class="error">${error}</p>`}
    </header>
    <section class="steps card">
      <div class="slider">
        <label>Step <input type="range" name="step" min="0" max=${Math.max(0, last)} value=${shown} onInput=${(e) => pick(Number(e.target.value))} /></label>
        <output name="shown">${shown} / ${last}</output>
        <button onClick=${() => setStep(null)} disabled=${step === null}>Follow live</button>
        <button class="fork" onClick=${fork} disabled=${shown < 0}>Fork at step ${shown}</button>
      </div>
      ${forked && html`<p class="forked" role="status">Forked at step ${forked.forkedFrom.seq}: <a href=${`#/episodes/${forked.id}`}>${forked.id}</a> — agent token <code>${forked.agentToken}</code></p>`}
    </section>
    <div class="columns">
      <section class="card">
        <h2>Timeline</h2>
        <div class="kinds">${Object.entries(KINDS).map(([k, text]) => html`<label class=${k}><input type="checkbox" checked=${!hidden.has(k)} onChange=${() => toggle(k)} /> ${text} (${events.filter((e) => kindOf(e, events[0].simTime) === k).length})</label>`)}</div>
        <${Timeline} events=${events} step=${shown} onPick=${pick} flash=${flash} hidden=${hidden} />
      </section>
      <div class="side">
        <section class="card"><h2>The agent's mail at step ${shown}</h2><${Mailbox} episode=${id} step=${shown} /></section>
        <${StepChanges} episode=${id} step=${shown} />
        <${Approvals} episode=${id} version=${approvalsVersion} />
        <${Verdict} episode=${id} lastSeq=${last} onEvidence=${toEvidence} />
      </div>
    </div>
  </main>`;
}

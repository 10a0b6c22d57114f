import { ApiError, get, token } from './api.js';
import { EpisodePage } from './episode.js';
import { EpisodesPage } from './episodes.js';
import { StorylinesPage } from './storylines.js';
import { html, render, useEffect, useState } from './ui.js';

/** #/ (episodes), #/episodes/<id>, #/storylines[/<id>]: the page is chosen by the hash. */
function useRoute() {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const changed = () => setHash(location.hash || '#/');
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return hash.slice(1).split('/').filter(Boolean);
}

function SignIn({ onSignedIn }) {
  const [error, setError] = useState('');
  const submit = async (e) => {
    e.preventDefault();
    const value = new FormData(e.target).get('token').trim();
    token.set(value);
    try {
      await get('/v1/storylines');
      onSignedIn();
    } catch (err) {
      token.clear();
      setError(err instanceof ApiError && err.status < 500 ? 'That token does not open the control plane. Use the admin token the server printed at start-up (or <data dir>/admin-token).' : String(err.message));
    }
  };
  return html`<main class="signin">
    <h1>Backlot</h1>
    <form onSubmit=${submit}>
      <label>Admin token <input name="token" type="password" autocomplete="off" autofocus required /></label>
      <button type="submit">Sign in</button>
      ${error && html`<p class="error" role="alert">${error}</p>`}
    </form>
    <p class="hint">The token stays in this browser tab only.</p>
  </main>`;
}

function App() {
  const [signedIn, setSignedIn] = useState(!!token.get());
  const route = useRoute();
  if (!signedIn) return html`<${SignIn} onSignedIn=${() => setSignedIn(true)} />`;
  const [section, id] = route;
  const page = section === 'episodes' && id ? html`<${EpisodePage} key=${id} id=${id} />` : section === 'storylines' ? html`<${StorylinesPage} selected=${id} />` : html`<${EpisodesPage} />`;
  const signOut = () => {
    token.clear();
    setSignedIn(false);
  };
  return html`<div class="shell">
    <header class="top">
      <a class="brand" href="#/">Backlot</a>
      <nav>
        <a href="#/" class=${!section || section === 'episodes' ? 'active' : ''}>Episodes</a>
        <a href="#/storylines" class=${section === 'storylines' ? 'active' : ''}>Storylines</a>
      </nav>
      <button class="link" onClick=${signOut}>Sign out</button>
    </header>
    ${page}
  </div>`;
}

render(html`<${App} />`, document.getElementById('app'));

/**
 * Entry of the adjudication page. The reviewer's bearer token comes from `#token=…` (what `npm start` prints, a
 * LOCAL DEVELOPMENT token) or the sign-in form; it is kept in sessionStorage only and removed from the address bar.
 */
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { edgeClient } from './edge-client.js';
import { liveQueueSource, pollingQueueSource } from './queue-source.js';
import './styles.css';

const storageKey = 'graphgate-review-token';

function tokenFromHash(): string | null {
  const t = new URLSearchParams(location.hash.slice(1)).get('token');
  if (!t) return null;
  sessionStorage.setItem(storageKey, t);
  history.replaceState(null, '', location.pathname + location.search);
  return t;
}

/**
 * The token's subject and tenant, to show who is signed in and to tell the reviewer's own claims from others' (the
 * edge verifies the token; the page never trusts it for anything else).
 */
function subjectOf(token: string): { subject: string; tenant: string } {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as {
      sub?: string;
      tenant?: string;
    };
    return { subject: payload.sub ?? '?', tenant: payload.tenant ?? '?' };
  } catch {
    return { subject: 'unknown', tenant: '?' };
  }
}

function Root() {
  const [token, setToken] = useState(() => tokenFromHash() ?? sessionStorage.getItem(storageKey));
  const [draft, setDraft] = useState('');
  const [{ client, source }] = useState(() => {
    const token = () => sessionStorage.getItem(storageKey) ?? '';
    const c = edgeClient(token);
    // Live updates from the ReviewQueueChanged stream; the head is polled only while the stream is off.
    // `?poll=<seconds>` (at least 1) is that period (the tests poll every second); `?live=off` polls always.
    const params = new URLSearchParams(location.search);
    const pollMs = Math.max(1, Number(params.get('poll') ?? 4) || 4) * 1000;
    const source = params.get('live') === 'off' ? pollingQueueSource(c, pollMs) : liveQueueSource(c, { token }, pollMs);
    return { client: c, source };
  });
  if (!token) {
    return (
      <main className="signin">
        <h1>Review queue</h1>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            sessionStorage.setItem(storageKey, draft.trim());
            setToken(draft.trim());
          }}
        >
          <label>
            Bearer token (a reviewer of your tenant)
            <textarea value={draft} onChange={(e) => setDraft(e.target.value)} rows={4} required />
          </label>
          <button type="submit">Sign in</button>
        </form>
      </main>
    );
  }
  const who = subjectOf(token);
  return <App client={client} source={source} token={() => token} subject={who.subject} tenant={who.tenant} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
document.body.dataset.ready = 'true';

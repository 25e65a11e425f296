import { useCallback, useEffect, useRef, useState, type SubmitEvent } from 'react';
import { Check, Copy } from 'lucide-react';
import type { ApiTokenDto } from '#shared/api/index.ts';
import { api, ApiError } from '../api/client.ts';
import { fieldText } from '../ui/form.ts';

const message = (e: unknown): string => (e instanceof ApiError ? e.message : 'Could not reach the server');

/** The end of the chosen day in the browser's zone, as the API takes times (epoch ms); undefined for none. */
export const expiryOf = (day: string): number | undefined => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d, 23, 59, 59, 999).getTime();
};

const when = (ms: number | null, never: string): string => (ms === null ? never : new Date(ms).toLocaleString());

/** The new token's secret, shown once, with a copy button (selected for copying by hand without a clipboard). */
const NewSecret = ({ token, onDone }: { token: string; onDone: () => void }) => {
  const [copied, setCopied] = useState(false);
  const text = useRef<HTMLElement>(null);
  const selectText = () => {
    if (text.current) window.getSelection()?.selectAllChildren(text.current);
  };
  const copy = () => {
    // The clipboard API needs a secure context (https or localhost).
    const clipboard = window.isSecureContext ? navigator.clipboard : undefined;
    if (!clipboard) {
      selectText();
      return;
    }
    clipboard.writeText(token).then(() => setCopied(true), selectText);
  };
  return (
    <div className="card settings-secret" role="status">
      <strong>Copy the token now: it is not shown again.</strong>
      <div className="row">
        <code ref={text} data-testid="new-token">
          {token}
        </code>
        <button type="button" onClick={copy} aria-label="Copy the token">
          {copied ? <Check size={14} aria-hidden="true" /> : <Copy size={14} aria-hidden="true" />}
          {copied ? ' Copied' : ' Copy'}
        </button>
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
      <span className="muted">
        Send it as <code>Authorization: Bearer …</code>
      </span>
    </div>
  );
};

/** Personal API tokens: create (name, optional expiry), list (last use, expiry), revoke with a confirm. */
export const TokensSection = () => {
  const [tokens, setTokens] = useState<ApiTokenDto[]>();
  // When the list was read: what "expired" is judged against (render stays pure).
  const [readAt, setReadAt] = useState(0);
  const [secret, setSecret] = useState<string>();
  const [error, setError] = useState<string>();
  const reload = useCallback(() => {
    api<{ tokens: ApiTokenDto[] }>('GET', '/api/tokens').then(
      (r) => {
        setTokens(r.tokens);
        setReadAt(Date.now());
      },
      (e: unknown) => setError(message(e)),
    );
  }, []);
  useEffect(reload, [reload]);

  const create = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const expiresAt = expiryOf(fieldText(form, 'expiresAt'));
    try {
      const created = await api<ApiTokenDto & { token: string }>('POST', '/api/tokens', {
        name: fieldText(form, 'name'),
        ...(expiresAt === undefined ? {} : { expiresAt }),
      });
      form.reset();
      setSecret(created.token);
      setError(undefined);
    } catch (e) {
      setError(message(e));
    }
    reload();
  };

  const revoke = async (token: ApiTokenDto) => {
    if (!window.confirm(`Revoke "${token.name}"? Scripts using it get 401 at once.`)) return;
    try {
      await api('DELETE', `/api/tokens/${encodeURIComponent(token.id)}`);
      setError(undefined);
    } catch (e) {
      setError(message(e));
    }
    reload();
  };

  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <p className="muted" style={{ margin: 0 }}>
        Tokens let scripts and the CLI act as you, over REST and sync sockets.
      </p>
      <form aria-label="Create a token" className="row" style={{ flexWrap: 'wrap' }} onSubmit={(e) => void create(e)}>
        <input name="name" aria-label="Token name" placeholder="Name, e.g. deploy script" maxLength={100} required />
        <label className="row muted" style={{ gap: 6 }}>
          Expires
          <input name="expiresAt" type="date" aria-label="Expiry date (optional)" />
        </label>
        <button type="submit" className="primary">
          Create token
        </button>
      </form>
      {secret && <NewSecret token={secret} onDone={() => setSecret(undefined)} />}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {tokens === undefined ? (
        !error && <p className="muted">Loading…</p>
      ) : tokens.length === 0 ? (
        <p className="muted">No tokens yet.</p>
      ) : (
        <table aria-label="API tokens">
          <thead>
            <tr>
              <th>Name</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id} data-testid="token-row">
                <td>{t.name}</td>
                <td className="muted">{new Date(t.createdAt).toLocaleDateString()}</td>
                <td className="muted">{when(t.lastUsedAt, 'never')}</td>
                <td>
                  {t.expiresAt !== null && t.expiresAt <= readAt ? (
                    <span className="badge">expired</span>
                  ) : (
                    <span className="muted">{when(t.expiresAt, 'never')}</span>
                  )}
                </td>
                <td style={{ textAlign: 'right' }}>
                  <button
                    type="button"
                    className="danger"
                    aria-label={`Revoke ${t.name}`}
                    onClick={() => void revoke(t)}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
};

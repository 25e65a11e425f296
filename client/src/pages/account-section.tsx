import { useCallback, useEffect, useState, type SubmitEvent } from 'react';
import type { SessionDto, UserDto } from '#shared/api/index.ts';
import { api, ApiError } from '../api/client.ts';
import { fieldText } from '../ui/form.ts';

const message = (e: unknown): string => (e instanceof ApiError ? e.message : 'Could not reach the server');

const browsers: [string, RegExp][] = [
  ['Edge', /Edg\//],
  ['Firefox', /Firefox\//],
  ['Chrome', /Chrom(e|ium)\//],
  ['Safari', /Safari\//],
];
const systems: [string, RegExp][] = [
  ['Android', /Android/],
  ['iPhone', /iPhone|iPad/],
  ['Windows', /Windows/],
  ['macOS', /Mac OS X|Macintosh/],
  ['Linux', /Linux/],
];

/** "Firefox on Linux" from a user agent, enough to tell one's browsers apart; the whole string is the tooltip. */
export const describeBrowser = (userAgent: string | null): string => {
  if (!userAgent) return 'Unknown browser';
  const name = browsers.find(([, re]) => re.test(userAgent))?.[0];
  const os = systems.find(([, re]) => re.test(userAgent))?.[0];
  if (!name) return userAgent.length > 60 ? `${userAgent.slice(0, 60)}…` : userAgent;
  return os ? `${name} on ${os}` : name;
};

/**
 * Your account (the Settings page's first section): your name, your
 * password, the browsers signed in to it (sign any of them out) and deleting
 * the account.
 */
export const AccountSection = ({
  user,
  onSignOut,
  onRenamed,
}: {
  user: UserDto;
  onSignOut: () => void;
  onRenamed?: (user: UserDto) => void;
}) => {
  const [sessions, setSessions] = useState<SessionDto[]>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const reload = useCallback(() => {
    api<{ sessions: SessionDto[] }>('GET', '/api/auth/sessions').then(
      (r) => setSessions(r.sessions),
      (e: unknown) => setError(message(e)),
    );
  }, []);
  useEffect(reload, [reload]);

  const end = async (session: SessionDto) => {
    if (session.current) {
      onSignOut();
      return;
    }
    try {
      await api('DELETE', `/api/auth/sessions/${encodeURIComponent(session.id)}`);
      setError(undefined);
      setNotice(`Signed out ${describeBrowser(session.userAgent)}.`);
    } catch (e) {
      setError(message(e));
    }
    reload();
  };

  const endOthers = async () => {
    try {
      const { ended } = await api<{ ended: number }>('POST', '/api/auth/sessions/revoke-others');
      setError(undefined);
      setNotice(ended === 1 ? 'Signed out 1 other browser.' : `Signed out ${ended} other browsers.`);
    } catch (e) {
      setError(message(e));
    }
    reload();
  };

  const deleteAccount = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const password = fieldText(event.currentTarget, 'password');
    if (!window.confirm('Delete your account for good? Your credentials and tokens go with it.')) return;
    try {
      await api('DELETE', '/api/me', { password });
      onSignOut();
    } catch (e) {
      setError(message(e));
    }
  };

  const rename = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    try {
      const { user: renamed } = await api<{ user: UserDto }>('PATCH', '/api/me', {
        name: fieldText(event.currentTarget, 'name'),
      });
      setError(undefined);
      setNotice('Name changed.');
      onRenamed?.(renamed);
    } catch (e) {
      setError(message(e));
    }
  };

  const changePassword = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    try {
      await api('POST', '/api/me/password', {
        currentPassword: fieldText(form, 'currentPassword'),
        newPassword: fieldText(form, 'newPassword'),
      });
      form.reset();
      setError(undefined);
      setNotice('Password changed. Every other browser was signed out.');
    } catch (e) {
      setError(message(e));
    }
    reload();
  };

  const others = (sessions ?? []).filter((s) => !s.current).length;
  return (
    <div style={{ display: 'grid', gap: 8 }}>
      <p className="muted" style={{ marginTop: 0 }}>
        {user.name} · {user.email}
        {user.isAdmin ? ' · instance admin' : ''}
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <section aria-label="Name and password" className="card" style={{ display: 'grid', gap: 10, marginBottom: 16 }}>
        <form className="row" style={{ flexWrap: 'wrap' }} onSubmit={(e) => void rename(e)}>
          <input name="name" aria-label="Your name" defaultValue={user.name} maxLength={100} required />
          <button type="submit">Change name</button>
        </form>
        <form className="row" style={{ flexWrap: 'wrap' }} onSubmit={(e) => void changePassword(e)}>
          <input
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            placeholder="Current password"
            aria-label="Current password"
            required
          />
          <input
            name="newPassword"
            type="password"
            autoComplete="new-password"
            placeholder="New password (8+ characters)"
            aria-label="New password"
            minLength={8}
            required
          />
          <button type="submit">Change password</button>
        </form>
      </section>
      <section aria-label="Sessions" style={{ display: 'grid', gap: 8, marginBottom: 24 }}>
        <div className="row">
          <h2 style={{ fontSize: 16, margin: 0, flex: 1 }}>Signed-in browsers</h2>
          <button type="button" disabled={others === 0} onClick={() => void endOthers()}>
            Sign out everywhere else
          </button>
        </div>
        <p className="muted" style={{ margin: 0, fontSize: 14 }}>
          A session lasts 30 days from its login. Signing one out closes its open workflows at once.
        </p>
        {sessions === undefined ? (
          <p className="muted">Loading…</p>
        ) : (
          <ul className="list">
            {sessions.map((s) => (
              <li key={s.id} data-testid="session">
                <span style={{ flex: 1 }} title={s.userAgent ?? undefined}>
                  <strong>{describeBrowser(s.userAgent)}</strong>
                  {s.current && (
                    <span className="badge" style={{ marginLeft: 8 }}>
                      this browser
                    </span>
                  )}
                </span>
                <span className="muted">
                  since {new Date(s.createdAt).toLocaleString()}, until {new Date(s.expiresAt).toLocaleDateString()}
                </span>
                <button type="button" onClick={() => void end(s)}>
                  Sign out
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-label="Delete account" className="card" style={{ display: 'grid', gap: 10 }}>
        <h2 style={{ fontSize: 16, margin: 0 }}>Delete your account</h2>
        {user.isAdmin ? (
          <p className="muted" style={{ margin: 0 }}>
            The instance admin’s account cannot be deleted.
          </p>
        ) : (
          <form className="row" onSubmit={(e) => void deleteAccount(e)}>
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              placeholder="Your password"
              aria-label="Password to delete the account"
              required
            />
            <button type="submit" className="danger">
              Delete my account
            </button>
          </form>
        )}
        <p className="muted" style={{ margin: 0, fontSize: 14 }}>
          Your credentials, API tokens and memberships are deleted with it. Workflows you are the only owner of must be
          deleted or given another owner first.
        </p>
      </section>
    </div>
  );
};

import { useEffect, useState, type SubmitEvent } from 'react';
import type { InstanceSettingsDto, SignupPolicy, UpdateInstanceSettingsRequest } from '#shared/api/settings.ts';
import { api, ApiError } from '../api/client.ts';
import { fieldText } from '../ui/form.ts';

const message = (e: unknown): string => (e instanceof ApiError ? e.message : 'Could not reach the server');

const SIGNUP: { value: SignupPolicy; label: string }[] = [
  { value: 'open', label: 'Open: anyone can sign up' },
  { value: 'invite', label: 'Invite only: an invited address or a join link' },
  { value: 'closed', label: 'Closed: admins make accounts' },
];

const number = (form: HTMLFormElement, name: string): number => Number(fieldText(form, name));

/**
 * The instance settings (admins): each group saves on its own, is applied at
 * once without a restart, and is recorded in the audit trail.
 */
export const InstanceSection = () => {
  const [settings, setSettings] = useState<InstanceSettingsDto>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  useEffect(() => {
    api<InstanceSettingsDto>('GET', '/api/admin/settings').then(setSettings, (e: unknown) => setError(message(e)));
  }, []);

  const save = async (change: UpdateInstanceSettingsRequest, what: string) => {
    try {
      setSettings(await api<InstanceSettingsDto>('PATCH', '/api/admin/settings', change));
      setError(undefined);
      setNotice(`${what} saved.`);
    } catch (e) {
      setNotice(undefined);
      setError(message(e));
    }
  };
  const submit = (what: string, build: (form: HTMLFormElement) => UpdateInstanceSettingsRequest) => {
    return (event: SubmitEvent<HTMLFormElement>) => {
      event.preventDefault();
      void save(build(event.currentTarget), what);
    };
  };

  if (!settings) return error ? <p className="error">{error}</p> : <p className="muted">Loading…</p>;
  const { smtp } = settings;
  return (
    <div style={{ display: 'grid', gap: 16 }}>
      <p className="muted" style={{ margin: 0 }}>
        Changes apply at once, without a restart, and go to the audit trail. The environment variables only give the
        first values.
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
      <form
        aria-label="Sign-up"
        className="card settings-group"
        onSubmit={submit('Sign-up', (f) => ({ signup: fieldText(f, 'signup') as SignupPolicy }))}
      >
        <h2>Sign-up</h2>
        <div className="row">
          <select name="signup" aria-label="Who can sign up" defaultValue={settings.signup} key={settings.signup}>
            {SIGNUP.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
          <button type="submit">Save sign-up</button>
        </div>
      </form>
      <form
        aria-label="Mail"
        className="card settings-group"
        onSubmit={submit('Mail', (f) => {
          const host = fieldText(f, 'host').trim();
          if (host === '') return { smtp: null };
          const password = fieldText(f, 'password');
          const user = fieldText(f, 'user').trim();
          return {
            smtp: {
              host,
              port: number(f, 'port'),
              secure: (f.elements.namedItem('secure') as HTMLInputElement | null)?.checked ?? false,
              user: user === '' ? null : user,
              ...(password === '' ? {} : { password }),
              from: fieldText(f, 'from'),
            },
          };
        })}
      >
        <h2>Mail (SMTP)</h2>
        <p className="muted">For invitations by email. Leave the host empty to turn mail off.</p>
        <div className="settings-fields">
          <label>
            Host <input name="host" defaultValue={smtp?.host ?? ''} placeholder="mail.example.com" />
          </label>
          <label>
            Port <input name="port" type="number" min={1} max={65535} defaultValue={smtp?.port ?? 587} />
          </label>
          <label className="row">
            <input name="secure" type="checkbox" defaultChecked={smtp?.secure ?? false} /> TLS from the start (465)
          </label>
          <label>
            User <input name="user" defaultValue={smtp?.user ?? ''} autoComplete="off" />
          </label>
          <label>
            Password{' '}
            <input
              name="password"
              type="password"
              autoComplete="new-password"
              placeholder={smtp?.passwordSet ? 'set (leave empty to keep it)' : 'none'}
            />
          </label>
          <label>
            From <input name="from" defaultValue={smtp?.from ?? 'Weft <weft@localhost>'} />
          </label>
        </div>
        <button type="submit">Save mail</button>
      </form>
      <form
        aria-label="Outbound requests"
        className="card settings-group"
        onSubmit={submit('Outbound allow-list', (f) => ({
          outboundAllow: fieldText(f, 'allow')
            .split(/[\s,]+/)
            .filter((e) => e !== ''),
        }))}
      >
        <h2>Outbound allow-list</h2>
        <p className="muted">
          Hosts and ranges HTTP Request and the database nodes may always reach, even on private networks: IP, CIDR,
          host name or <code>*.domain</code>, one per line. Runs started after saving follow it.
        </p>
        <textarea
          name="allow"
          aria-label="Allowed hosts"
          rows={4}
          defaultValue={settings.outboundAllow.join('\n')}
          key={settings.outboundAllow.join('\n')}
        />
        <button type="submit">Save allow-list</button>
      </form>
      <form
        aria-label="Executions"
        className="card settings-group"
        onSubmit={submit('Executions', (f) => ({
          executionRetention: { maxAgeDays: number(f, 'maxAgeDays'), maxCount: number(f, 'maxCount') },
          defaultTimeoutSeconds: number(f, 'timeout'),
        }))}
      >
        <h2>Executions</h2>
        <div className="settings-fields">
          <label>
            Keep finished runs for (days, 0: for ever){' '}
            <input
              name="maxAgeDays"
              type="number"
              min={0}
              max={36500}
              defaultValue={settings.executionRetention.maxAgeDays}
            />
          </label>
          <label>
            Keep at most (runs, 0: no limit){' '}
            <input
              name="maxCount"
              type="number"
              min={0}
              max={100000000}
              defaultValue={settings.executionRetention.maxCount}
            />
          </label>
          <label>
            Default time limit of a workflow (seconds, 0: none){' '}
            <input name="timeout" type="number" min={0} max={86400} defaultValue={settings.defaultTimeoutSeconds} />
          </label>
        </div>
        <button type="submit">Save executions</button>
      </form>
    </div>
  );
};

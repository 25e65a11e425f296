import { useCallback, useEffect, useState, type SubmitEvent } from 'react';
import type { CredentialDto, CredentialType } from '#shared/api/credentials.ts';
import { api, ApiError } from '../api/client.ts';
import { fieldText } from '../ui/form.ts';
import { SidePanel } from '../ui/side-panel.tsx';

/** Your credentials: add one (its secret goes to the server, encrypted there, never shown again), or delete one. */

const fieldsOf: Record<CredentialType, { name: string; label: string; secret: boolean }[]> = {
  apiKeyHeader: [
    { name: 'name', label: 'Header name', secret: false },
    { name: 'value', label: 'Header value', secret: true },
  ],
  bearer: [{ name: 'token', label: 'Token', secret: true }],
  basic: [
    { name: 'user', label: 'User', secret: false },
    { name: 'password', label: 'Password', secret: true },
  ],
};

const typeLabels: Record<CredentialType, string> = {
  apiKeyHeader: 'API key in a header',
  bearer: 'Bearer token',
  basic: 'Basic auth',
};

export const useCredentials = () => {
  const [credentials, setCredentials] = useState<CredentialDto[]>([]);
  const reload = useCallback(() => {
    api<{ credentials: CredentialDto[] }>('GET', '/api/credentials').then(
      (r) => setCredentials(r.credentials),
      () => undefined,
    );
  }, []);
  useEffect(reload, [reload]);
  return { credentials, reload };
};

export const CredentialsPanel = ({ onClose }: { onClose: () => void }) => {
  const { credentials, reload } = useCredentials();
  const [type, setType] = useState<CredentialType>('bearer');
  const [error, setError] = useState<string>();

  const create = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = Object.fromEntries(fieldsOf[type].map((f) => [f.name, fieldText(form, f.name)]));
    try {
      await api('POST', '/api/credentials', { name: fieldText(form, 'credentialName'), type, data });
      form.reset();
      setError(undefined);
      reload();
    } catch (e) {
      const issues = e instanceof ApiError ? e.issues.map((i) => i.message) : [];
      setError([e instanceof ApiError ? e.message : 'Could not reach the server', ...issues].join('\n'));
    }
  };

  const remove = async (c: CredentialDto) => {
    if (!window.confirm(`Delete the credential "${c.name}"? Nodes using it will fail until another is chosen.`)) return;
    try {
      await api('DELETE', `/api/credentials/${c.id}`);
      reload();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not reach the server');
    }
  };

  return (
    <SidePanel label="Credentials panel" title="Credentials" closeLabel="Close credentials" onClose={onClose}>
      <ul className="members" aria-label="Your credentials">
        {credentials.map((c) => (
          <li key={c.id}>
            <span className="member-who">
              <strong>{c.name}</strong>
              <span className="muted">{typeLabels[c.type]}</span>
            </span>
            <button type="button" className="danger" onClick={() => void remove(c)}>
              Delete
            </button>
          </li>
        ))}
      </ul>
      <form className="credential-form" onSubmit={(e) => void create(e)} style={{ display: 'grid', gap: 8 }}>
        <label>
          Name
          <input name="credentialName" required maxLength={200} placeholder="Orders API" />
        </label>
        <label>
          Type
          <select value={type} onChange={(e) => setType(e.target.value as CredentialType)}>
            {Object.entries(typeLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {fieldsOf[type].map((f) => (
          <label key={f.name}>
            {f.label}
            <input name={f.name} type={f.secret ? 'password' : 'text'} autoComplete="off" required={f.secret} />
          </label>
        ))}
        <button type="submit" className="primary">
          Add credential
        </button>
        <p className="muted">Secrets are stored encrypted on the server and never sent back to a browser.</p>
      </form>
      {error && (
        <p className="error" style={{ whiteSpace: 'pre-line' }}>
          {error}
        </p>
      )}
    </SidePanel>
  );
};

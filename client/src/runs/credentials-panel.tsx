import { useCallback, useEffect, useState, type SubmitEvent } from 'react';
import type { CredentialGrantDto, WorkflowCredentialDto } from '#shared/api/access.ts';
import type { CredentialDto, CredentialType } from '#shared/api/credentials.ts';
import { api, ApiError } from '../api/client.ts';
import { fieldText } from '../ui/form.ts';
import { CredentialFields, credentialData, typeLabels } from './credential-fields.tsx';
import { SidePanel } from '../ui/side-panel.tsx';

/**
 * Your credentials: add one (its secret goes to the server, encrypted there,
 * never shown again), delete one, and see and revoke the workflows you granted
 * each to (a run carries a credential only where its owner granted it).
 */

/** Told whenever this browser grants or revokes, so every list of grants on the page reads again. */
const grantsChanged = new EventTarget();
const announceGrants = (): void => {
  grantsChanged.dispatchEvent(new Event('change'));
};

/** Lets `workflowId` use one of your credentials (idempotent on the server). */
export const grantCredential = async (credentialId: string, workflowId: string): Promise<void> => {
  await api('POST', `/api/credentials/${encodeURIComponent(credentialId)}/grants`, { workflowId });
  announceGrants();
};

const revokeCredential = async (credentialId: string, workflowId: string): Promise<void> => {
  await api('DELETE', `/api/credentials/${encodeURIComponent(credentialId)}/grants/${encodeURIComponent(workflowId)}`);
  announceGrants();
};

/** The credentials granted to a workflow, by anyone: what its nodes may use. */
export const useWorkflowCredentials = (workflowId: string) => {
  const [granted, setGranted] = useState<WorkflowCredentialDto[]>();
  const reload = useCallback(() => {
    api<{ credentials: WorkflowCredentialDto[] }>(
      'GET',
      `/api/workflows/${encodeURIComponent(workflowId)}/credentials`,
    ).then(
      (r) => setGranted(r.credentials),
      () => undefined,
    );
  }, [workflowId]);
  useEffect(() => {
    reload();
    grantsChanged.addEventListener('change', reload);
    return () => grantsChanged.removeEventListener('change', reload);
  }, [reload]);
  return granted;
};

/** The workflows one credential is granted to, each with Revoke. */
const Grants = ({ credential }: { credential: CredentialDto }) => {
  const [grants, setGrants] = useState<CredentialGrantDto[]>([]);
  const [error, setError] = useState<string>();
  const reload = useCallback(() => {
    api<{ grants: CredentialGrantDto[] }>('GET', `/api/credentials/${encodeURIComponent(credential.id)}/grants`).then(
      (r) => setGrants(r.grants),
      () => undefined,
    );
  }, [credential.id]);
  useEffect(() => {
    reload();
    grantsChanged.addEventListener('change', reload);
    return () => grantsChanged.removeEventListener('change', reload);
  }, [reload]);

  const revoke = async (grant: CredentialGrantDto) => {
    try {
      await revokeCredential(credential.id, grant.workflowId);
      setError(undefined);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not reach the server');
    }
  };

  return (
    <div style={{ flexBasis: '100%', display: 'grid', gap: 4, fontSize: 13 }}>
      {grants.length === 0 ? (
        <span className="muted">Not granted to any workflow: choose it in a node to let that workflow use it.</span>
      ) : (
        <ul
          aria-label={`Workflows that may use ${credential.name}`}
          style={{ listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: 4 }}
        >
          {grants.map((g) => (
            <li key={g.workflowId} style={{ border: 0, padding: 0 }}>
              <span style={{ flex: 1 }} title={`Granted ${new Date(g.grantedAt).toLocaleString()}`}>
                {g.workflowName}
              </span>
              <button
                type="button"
                className="danger"
                aria-label={`Revoke ${credential.name} from ${g.workflowName}`}
                onClick={() => void revoke(g)}
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && <span className="error">{error}</span>}
    </div>
  );
};

export { fieldsOf, typeLabels } from './credential-fields.tsx';

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
    const data = credentialData(form, type);
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
          <li key={c.id} style={{ flexWrap: 'wrap' }}>
            <span className="member-who">
              <strong>{c.name}</strong>
              <span className="muted">{typeLabels[c.type]}</span>
            </span>
            <button type="button" className="danger" onClick={() => void remove(c)}>
              Delete
            </button>
            <Grants credential={c} />
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
        <CredentialFields type={type} />
        <button type="submit" className="primary">
          Add credential
        </button>
        <p className="muted">
          Secrets are stored encrypted on the server and never sent back to a browser. A workflow's runs use a
          credential only once you grant it to that workflow, which choosing it in one of its nodes does.
        </p>
      </form>
      {error && (
        <p className="error" style={{ whiteSpace: 'pre-line' }}>
          {error}
        </p>
      )}
    </SidePanel>
  );
};

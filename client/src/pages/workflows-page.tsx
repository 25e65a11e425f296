import { useCallback, useEffect, useState, type ChangeEvent, type SubmitEvent } from 'react';
import { Link, useLocation } from 'wouter';
import type { UserDto, WorkflowDto } from '#shared/api/index.ts';
import { fieldText } from '../ui/form.ts';
import { api, ApiError } from '../api/client.ts';
import { ReceivedInvitations } from './invitations.tsx';
import { Members } from './members-panel.tsx';
import { TopBar } from './topbar.tsx';
import { appRoutes } from '../app-routes.ts';

const message = (e: unknown): string => (e instanceof ApiError ? e.message : 'Could not reach the server');

const download = (name: string, data: unknown): void => {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${name.replace(/[^\w.-]+/g, '_')}.weft.json`;
  a.click();
  URL.revokeObjectURL(url);
};

export const WorkflowsPage = ({ user, onSignOut }: { user: UserDto; onSignOut: () => void }) => {
  const [, navigate] = useLocation();
  const [workflows, setWorkflows] = useState<WorkflowDto[]>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [membersOf, setMembersOf] = useState<string>();

  const reload = useCallback(() => {
    api<{ workflows: WorkflowDto[] }>('GET', '/api/workflows').then(
      (r) => setWorkflows(r.workflows),
      (e: unknown) => setError(message(e)),
    );
  }, []);
  useEffect(reload, [reload]);

  const create = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const name = fieldText(form, 'name').trim();
    try {
      const created = await api<WorkflowDto>('POST', '/api/workflows', { name: name || 'Untitled workflow' });
      form.reset();
      navigate(`/w/${created.id}`);
    } catch (e) {
      setError(message(e));
    }
  };

  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setError(undefined);
    setNotice(undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      setError(`${file.name} is not a JSON file.`);
      return;
    }
    try {
      const created = await api<WorkflowDto & { warnings: { message: string }[] }>(
        'POST',
        '/api/workflows/import',
        parsed,
      );
      const warnings = created.warnings.map((w) => w.message);
      setNotice([`Imported "${created.name}".`, ...warnings].join('\n'));
      reload();
    } catch (e) {
      const problems = e instanceof ApiError ? e.issues.map((i) => i.message) : [];
      setError(problems.length > 0 ? [`${file.name} could not be imported:`, ...problems].join('\n') : message(e));
    }
  };

  const rename = async (w: WorkflowDto) => {
    const name = window.prompt('New name', w.name)?.trim();
    if (!name || name === w.name) return;
    try {
      await api('PATCH', `/api/workflows/${w.id}`, { name });
      reload();
    } catch (e) {
      setError(message(e));
    }
  };

  const remove = async (w: WorkflowDto) => {
    if (!window.confirm(`Delete "${w.name}" for everyone? This cannot be undone.`)) return;
    try {
      await api('DELETE', `/api/workflows/${w.id}`);
      reload();
    } catch (e) {
      setError(message(e));
    }
  };

  const exportOne = async (w: WorkflowDto) => {
    try {
      download(w.name, await api('GET', `/api/workflows/${w.id}/export`));
    } catch (e) {
      setError(message(e));
    }
  };

  return (
    <div className="shell">
      <TopBar user={user} onSignOut={onSignOut} />
      <form className="row" onSubmit={(e) => void create(e)} style={{ marginBottom: 16 }}>
        <input name="name" placeholder="New workflow name" aria-label="New workflow name" maxLength={200} />
        <button className="primary" type="submit">
          Create
        </button>
        <label className="row" style={{ width: 'auto', cursor: 'pointer' }}>
          <span className="badge">Import JSON</span>
          <input type="file" accept="application/json,.json" hidden onChange={(e) => void importFile(e)} />
        </label>
        <Link href={appRoutes.templates} className="badge">
          From template
        </Link>
      </form>
      {error && (
        <p className="error" role="alert" style={{ whiteSpace: 'pre-line' }}>
          {error}
        </p>
      )}
      {notice && (
        <p className="notice" role="status" style={{ whiteSpace: 'pre-line' }}>
          {notice}
        </p>
      )}
      <ReceivedInvitations onAccepted={reload} />
      {workflows === undefined ? (
        <p className="muted">Loading…</p>
      ) : workflows.length === 0 ? (
        <p className="muted">No workflows yet. Create one above or import a JSON file.</p>
      ) : (
        <ul className="list" aria-label="Workflows">
          {workflows.map((w) => (
            <li key={w.id} className="workflow-row">
              <Link href={`/w/${w.id}`}>{w.name}</Link>
              <span className="badge">{w.role}</span>
              <span className="muted">{new Date(w.updatedAt).toLocaleString()}</span>
              {w.role !== 'viewer' && (
                <button type="button" onClick={() => void rename(w)}>
                  Rename
                </button>
              )}
              <button type="button" onClick={() => void exportOne(w)}>
                Export
              </button>
              <button
                type="button"
                aria-expanded={membersOf === w.id}
                aria-label={`Members of ${w.name}`}
                onClick={() => setMembersOf(membersOf === w.id ? undefined : w.id)}
              >
                Members
              </button>
              {w.role === 'owner' && (
                <button type="button" className="danger" onClick={() => void remove(w)}>
                  Delete
                </button>
              )}
              {membersOf === w.id && (
                <div className="workflow-members">
                  <Members workflow={w} />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
};

import { useCallback, useEffect, useState, type SubmitEvent } from 'react';
import type { MemberDto, UserDto, WorkflowDto, WorkflowRole } from '#shared/api/index.ts';
import { nodeDefinitions } from '#shared/nodes/index.ts';
import { origins } from '#shared/origins.ts';
import { addNode, deleteNode, renameNode } from '#shared/schema/index.ts';
import { fieldText } from '../ui/form.ts';
import { api, ApiError } from '../api/client.ts';
import { useDefinition, useSessionStatus, useWorkflowSession } from '../doc/use-workflow-session.ts';
import { TopBar } from './topbar.tsx';

const statusText = {
  connecting: 'Connecting…',
  syncing: 'Syncing…',
  synced: 'Saved',
  offline: 'Offline',
  closed: 'Closed',
} as const;

const Members = ({ workflow }: { workflow: WorkflowDto }) => {
  const [members, setMembers] = useState<MemberDto[]>([]);
  const [error, setError] = useState<string>();
  const reload = useCallback(() => {
    api<{ members: MemberDto[] }>('GET', `/api/workflows/${workflow.id}/members`).then(
      (r) => setMembers(r.members),
      (e: unknown) => setError(e instanceof ApiError ? e.message : 'Could not load members'),
    );
  }, [workflow.id]);
  useEffect(reload, [reload]);
  const owner = workflow.role === 'owner';

  const add = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    try {
      await api('POST', `/api/workflows/${workflow.id}/members`, {
        email: fieldText(form, 'email'),
        role: fieldText(form, 'role') as WorkflowRole,
      });
      form.reset();
      setError(undefined);
      reload();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not add the member');
    }
  };

  const remove = async (member: MemberDto) => {
    try {
      await api('DELETE', `/api/workflows/${workflow.id}/members/${member.userId}`);
      reload();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not remove the member');
    }
  };

  return (
    <section className="card" aria-label="Members" style={{ display: 'grid', gap: 12 }}>
      <h2 style={{ margin: 0, fontSize: 16 }}>Members</h2>
      <table>
        <tbody>
          {members.map((m) => (
            <tr key={m.userId}>
              <td>{m.name}</td>
              <td className="muted">{m.email}</td>
              <td>
                <span className="badge">{m.role}</span>
              </td>
              <td>
                {owner && (
                  <button type="button" className="danger" onClick={() => void remove(m)}>
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {owner && (
        <form className="row" onSubmit={(e) => void add(e)}>
          <input
            name="email"
            type="email"
            placeholder="Email of an existing account"
            aria-label="Member email"
            required
          />
          <select name="role" aria-label="Role" defaultValue="editor" style={{ width: 120 }}>
            <option value="editor">editor</option>
            <option value="viewer">viewer</option>
            <option value="owner">owner</option>
          </select>
          <button type="submit">Add</button>
        </form>
      )}
      {error && <p className="error">{error}</p>}
    </section>
  );
};

export const WorkflowPage = ({ id, user, onSignOut }: { id: string; user: UserDto; onSignOut: () => void }) => {
  const session = useWorkflowSession(id);
  const status = useSessionStatus(session);
  const definition = useDefinition(session);
  const [workflow, setWorkflow] = useState<WorkflowDto>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    api<WorkflowDto>('GET', `/api/workflows/${id}`).then(setWorkflow, (e: unknown) =>
      setError(e instanceof ApiError ? e.message : 'Could not load the workflow'),
    );
  }, [id]);

  const canEdit = workflow !== undefined && workflow.role !== 'viewer';

  const add = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const type = fieldText(event.currentTarget, 'type');
    const count = definition.nodes.length;
    addNode(session.doc, { type, position: { x: 240 * (count % 5), y: 160 * Math.floor(count / 5) } }, origins.ui);
  };

  const rename = (nodeId: string, current: string) => {
    const name = window.prompt('Node name', current)?.trim();
    if (!name || name === current) return;
    try {
      renameNode(session.doc, nodeId, name, origins.ui);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <div className="shell">
      <TopBar user={user} onSignOut={onSignOut}>
        <strong>{status === 'synced' ? definition.name : (workflow?.name ?? '…')}</strong>
        <span className={`badge status-${status}`} data-testid="sync-status" aria-live="polite">
          {statusText[status]}
        </span>
        {workflow && <span className="badge">{workflow.role}</span>}
      </TopBar>
      {(error ?? session.closedReason()) && (
        <p className="error" role="alert">
          {error ?? session.closedReason()}
        </p>
      )}
      <div style={{ display: 'grid', gap: 16 }}>
        <section className="card" aria-label="Nodes" style={{ display: 'grid', gap: 12 }}>
          <h2 style={{ margin: 0, fontSize: 16 }}>Nodes</h2>
          {canEdit && (
            <form className="row" onSubmit={add}>
              <select name="type" aria-label="Node type" defaultValue="httpRequest">
                {nodeDefinitions.map((d) => (
                  <option key={d.type} value={d.type}>
                    {d.label}
                  </option>
                ))}
              </select>
              <button className="primary" type="submit" disabled={status === 'closed'}>
                Add node
              </button>
            </form>
          )}
          <ul className="list" data-testid="node-list">
            {definition.nodes.map((n) => (
              <li key={n.id} data-node-id={n.id}>
                <span style={{ flex: 1, fontWeight: 600 }}>{n.name}</span>
                <span className="badge">{n.type}</span>
                {canEdit && (
                  <>
                    <button type="button" onClick={() => rename(n.id, n.name)}>
                      Rename
                    </button>
                    <button type="button" className="danger" onClick={() => deleteNode(session.doc, n.id, origins.ui)}>
                      Delete
                    </button>
                  </>
                )}
              </li>
            ))}
          </ul>
          {definition.nodes.length === 0 && <p className="muted">No nodes yet.</p>}
          <p className="muted">{`${definition.edges.length} connections`}</p>
        </section>
        {workflow && <Members workflow={workflow} />}
      </div>
    </div>
  );
};

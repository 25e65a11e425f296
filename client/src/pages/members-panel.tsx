import { useCallback, useEffect, useState, type SubmitEvent } from 'react';
import type { MemberDto, WorkflowDto, WorkflowRole } from '#shared/api/index.ts';
import { api, ApiError } from '../api/client.ts';
import { fieldText } from '../ui/form.ts';

const roles: readonly WorkflowRole[] = ['editor', 'viewer', 'owner'];

/** Who may open a workflow, and with which role; owners add and remove people. */
export const Members = ({ workflow }: { workflow: WorkflowDto }) => {
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

  const changeRole = async (member: MemberDto, role: WorkflowRole) => {
    try {
      await api('POST', `/api/workflows/${workflow.id}/members`, { email: member.email, role });
      setError(undefined);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not change the role');
    }
    reload();
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
      <ul className="members">
        {members.map((m) => (
          <li key={m.userId}>
            <span className="member-who">
              <strong>{m.name}</strong>
              <span className="muted" title={m.email}>
                {m.email}
              </span>
            </span>
            {owner ? (
              <select
                aria-label={`Role of ${m.name}`}
                value={m.role}
                style={{ width: 100 }}
                onChange={(e) => void changeRole(m, e.target.value as WorkflowRole)}
              >
                {roles.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            ) : (
              <span className="badge">{m.role}</span>
            )}
            {owner && m.role !== 'owner' && (
              <button type="button" className="danger" onClick={() => void remove(m)}>
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {owner && (
        <form className="member-add" onSubmit={(e) => void add(e)}>
          <input
            name="email"
            type="email"
            placeholder="Email of an existing account"
            aria-label="Member email"
            required
          />
          <select name="role" aria-label="Role" defaultValue="editor" style={{ width: 120 }}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <button type="submit">Add</button>
        </form>
      )}
      {error && <p className="error">{error}</p>}
    </section>
  );
};

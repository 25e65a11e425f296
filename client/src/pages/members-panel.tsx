import { useCallback, useEffect, useState, type SubmitEvent } from 'react';
import type { InvitationDto, MemberDto, WorkflowDto, WorkflowRole } from '#shared/api/index.ts';
import { api, ApiError } from '../api/client.ts';
import { fieldText } from '../ui/form.ts';
import { ShareLinks } from './share-links.tsx';

const roles: readonly WorkflowRole[] = ['editor', 'commenter', 'viewer', 'owner'];

/**
 * Who may open a workflow, and with which role. Owners invite people by
 * email: the person becomes a member when they accept, signed in with that
 * address (the server never says whether an account uses it). Owners change
 * roles, remove members and cancel invitations that are still pending.
 * They also share links anyone may join through (the Share links tab).
 */
export const Members = ({ workflow }: { workflow: WorkflowDto }) => {
  const [tab, setTab] = useState<'people' | 'links'>('people');
  if (workflow.role !== 'owner') return <People workflow={workflow} />;
  const tabs = [
    { id: 'people', label: 'People' },
    { id: 'links', label: 'Share links' },
  ] as const;
  return (
    <div className="members-tabs" style={{ display: 'grid', gap: 12 }}>
      <div className="member-tabs" role="tablist" aria-label="Members or share links">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`members-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`members-tabpanel-${t.id}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`members-tabpanel-${tab}`} aria-labelledby={`members-tab-${tab}`}>
        {tab === 'people' ? <People workflow={workflow} /> : <ShareLinks workflowId={workflow.id} />}
      </div>
    </div>
  );
};

/** Whether this server can email invitations (GET /api/instance); asked only by owners, who invite. */
const useEmailInvitations = (owner: boolean): boolean => {
  const [enabled, setEnabled] = useState(false);
  useEffect(() => {
    if (!owner) return undefined;
    let live = true;
    api<{ emailInvitations: boolean }>('GET', '/api/instance').then(
      (r) => {
        if (live) setEnabled(r.emailInvitations);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [owner]);
  return enabled;
};

const People = ({ workflow }: { workflow: WorkflowDto }) => {
  const [members, setMembers] = useState<MemberDto[]>([]);
  const [invitations, setInvitations] = useState<InvitationDto[]>([]);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const reload = useCallback(() => {
    api<{ members: MemberDto[]; invitations: InvitationDto[] }>('GET', `/api/workflows/${workflow.id}/members`).then(
      (r) => {
        setMembers(r.members);
        setInvitations(r.invitations);
      },
      (e: unknown) => setError(e instanceof ApiError ? e.message : 'Could not load members'),
    );
  }, [workflow.id]);
  useEffect(reload, [reload]);
  const owner = workflow.role === 'owner';
  const emailInvitations = useEmailInvitations(owner);

  const invite = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const email = fieldText(form, 'email').trim();
    const role = fieldText(form, 'role') as WorkflowRole;
    const message = emailInvitations ? fieldText(form, 'message').trim() : '';
    try {
      const member = members.some((m) => m.email === email.toLowerCase());
      if (emailInvitations && !member) {
        // With email set up, a new address also gets a mail with the way to its invitation.
        await api('POST', `/api/workflows/${workflow.id}/invitations`, {
          emails: [email],
          role,
          ...(message ? { message } : {}),
        });
        setNotice(`Invitation emailed to ${email}: they become a ${role} once they accept it.`);
      } else {
        const res = await api<{ invitation?: InvitationDto }>('POST', `/api/workflows/${workflow.id}/members`, {
          email,
          role,
        });
        setNotice(
          res.invitation
            ? `Invitation sent to ${res.invitation.email}: they become a ${res.invitation.role} once they accept it.`
            : `${email} is already a member: their role was changed.`,
        );
      }
      form.reset();
      setError(undefined);
      reload();
    } catch (e) {
      setNotice(undefined);
      setError(e instanceof ApiError ? e.message : 'Could not send the invitation');
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

  const cancel = async (invitation: InvitationDto) => {
    try {
      await api('DELETE', `/api/workflows/${workflow.id}/invitations/${invitation.id}`);
      setNotice(undefined);
      reload();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not cancel the invitation');
    }
  };

  return (
    <section className="card" aria-label="Members" style={{ display: 'grid', gap: 12 }}>
      <ul className="members" aria-label="Members list">
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
                style={{ width: 124 }}
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
      {owner && invitations.length > 0 && (
        <ul className="members" aria-label="Pending invitations">
          {invitations.map((i) => (
            <li key={i.id}>
              <span className="member-who">
                <strong title={i.email}>{i.email}</strong>
                <span className="muted">invited, not accepted yet</span>
              </span>
              <span className="badge">{i.role}</span>
              <button
                type="button"
                className="danger"
                aria-label={`Cancel the invitation of ${i.email}`}
                onClick={() => void cancel(i)}
              >
                Cancel
              </button>
            </li>
          ))}
        </ul>
      )}
      {owner && (
        <form className="member-add" onSubmit={(e) => void invite(e)}>
          <input name="email" type="email" placeholder="Email address" aria-label="Member email" required />
          <select name="role" aria-label="Role" defaultValue="editor" style={{ width: 120 }}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <button type="submit">Invite</button>
          {emailInvitations && (
            <textarea
              name="message"
              aria-label="Message"
              placeholder="A message for the email (optional)"
              maxLength={1000}
              rows={2}
              style={{ gridColumn: '1 / -1' }}
            />
          )}
          <p className="muted" style={{ gridColumn: '1 / -1', margin: 0, fontSize: 13 }}>
            The person gets an invitation to accept in their workflow list, signed in with this address (after signing
            up, if they have no account yet).{' '}
            {emailInvitations
              ? 'They are emailed a link to it.'
              : 'Email is not set up on this server: to reach them, send a share link (Share links tab).'}
          </p>
        </form>
      )}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {error && <p className="error">{error}</p>}
    </section>
  );
};

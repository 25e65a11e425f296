import { useCallback, useEffect, useState } from 'react';
import type { ReceivedInvitationDto } from '#shared/api/index.ts';
import { api, ApiError } from '../api/client.ts';

/**
 * The invitations addressed to the signed-in person's email: accepting one
 * makes them a member of that workflow with the role it names.
 */
export const ReceivedInvitations = ({ onAccepted }: { onAccepted: () => void }) => {
  const [invitations, setInvitations] = useState<ReceivedInvitationDto[]>([]);
  const [error, setError] = useState<string>();
  const reload = useCallback(() => {
    api<{ invitations: ReceivedInvitationDto[] }>('GET', '/api/me/invitations').then(
      (r) => setInvitations(r.invitations),
      () => undefined,
    );
  }, []);
  useEffect(reload, [reload]);

  const answer = async (invitation: ReceivedInvitationDto, verb: 'accept' | 'decline') => {
    try {
      await api('POST', `/api/me/invitations/${encodeURIComponent(invitation.id)}/${verb}`);
      setError(undefined);
      if (verb === 'accept') onAccepted();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not reach the server');
    }
    reload();
  };

  if (invitations.length === 0 && !error) return null;
  return (
    <section aria-label="Invitations" style={{ marginBottom: 16 }}>
      <ul className="list">
        {invitations.map((i) => (
          <li key={i.id} className="workflow-row">
            <span style={{ flex: 1 }}>
              {i.invitedBy ?? 'Someone'} invited you to <strong>{i.workflowName}</strong> as {i.role}
            </span>
            <button
              type="button"
              className="primary"
              aria-label={`Accept the invitation to ${i.workflowName}`}
              onClick={() => void answer(i, 'accept')}
            >
              Accept
            </button>
            <button
              type="button"
              aria-label={`Decline the invitation to ${i.workflowName}`}
              onClick={() => void answer(i, 'decline')}
            >
              Decline
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
};

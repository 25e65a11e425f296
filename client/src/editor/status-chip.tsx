import type { SessionStatus } from '../doc/session.ts';

const TEXT: Record<SessionStatus, { label: string; title: string }> = {
  offline: { label: 'Offline', title: 'Your edits are kept on this device and merge when you are back online.' },
  connecting: { label: 'Connecting…', title: 'Connecting to the server.' },
  syncing: { label: 'Syncing…', title: 'Exchanging changes with the server.' },
  synced: { label: 'Saved', title: 'Every change is on the server.' },
  closed: { label: 'Closed', title: 'The server closed this workflow for you.' },
};

export const StatusChip = ({ status }: { status: SessionStatus }) => (
  <span
    className={`badge status status-${status}`}
    data-testid="sync-status"
    data-status={status}
    aria-live="polite"
    title={TEXT[status].title}
  >
    <span className="status-dot" aria-hidden="true" />
    {TEXT[status].label}
  </span>
);

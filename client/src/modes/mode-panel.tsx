import { useState } from 'react';
import { editModes, MAX_MODE_REASON, type EditModeName } from '#shared/api/modes.ts';
import { api, ApiError } from '../api/client.ts';
import { useEditor } from '../editor/editor-context.tsx';
import { SidePanel } from '../ui/side-panel.tsx';
import './modes.css';

const LABELS: Record<EditModeName, { title: string; help: string }> = {
  parallel: { title: 'Everyone edits', help: 'Editors change the workflow at the same time; their edits merge.' },
  locked: {
    title: 'Locked',
    help: 'Only owners can change it; everyone else reads until it is unlocked. Edits made meanwhile are held and merge once it is unlocked.',
  },
  pen: {
    title: 'One pen',
    help: 'One person at a time edits: whoever holds the pen. Others ask for it; it frees itself when its holder stops editing.',
  },
};

/** Owners choose how people edit the workflow (PUT /api/workflows/:id/mode). */
export const ModePanel = ({ workflowId, onClose }: { workflowId: string; onClose: () => void }) => {
  const { mode } = useEditor();
  const [choice, setChoice] = useState<EditModeName>(mode?.mode ?? 'parallel');
  const [reason, setReason] = useState(mode?.reason ?? '');
  const [idle, setIdle] = useState('');
  const [error, setError] = useState<string>();
  const apply = async () => {
    try {
      await api('PUT', `/api/workflows/${workflowId}/mode`, {
        mode: choice,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
        ...(choice === 'pen' && idle ? { penIdleMinutes: Number(idle) } : {}),
      });
      setError(undefined);
      onClose();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not reach the server');
    }
  };
  return (
    <SidePanel label="Edit mode" title="Edit mode" closeLabel="Close edit mode" onClose={onClose}>
      <form
        className="mode-form"
        onSubmit={(e) => {
          e.preventDefault();
          void apply();
        }}
      >
        {editModes.map((m) => (
          <label key={m} className="mode-choice">
            <input type="radio" name="mode" value={m} checked={choice === m} onChange={() => setChoice(m)} />
            <span>
              <strong>{LABELS[m].title}</strong>
              <span className="muted">{LABELS[m].help}</span>
            </span>
          </label>
        ))}
        {choice !== 'parallel' && (
          <label className="field">
            Reason (everyone sees it)
            <input
              aria-label="Reason"
              maxLength={MAX_MODE_REASON}
              value={reason}
              placeholder={choice === 'locked' ? 'incident #42' : 'reworking the CRM step'}
              onChange={(e) => setReason(e.target.value)}
            />
          </label>
        )}
        {choice === 'pen' && (
          <label className="field">
            Free the pen after this many idle minutes (empty: the server’s default)
            <input
              aria-label="Idle minutes"
              type="number"
              min={1}
              max={240}
              value={idle}
              onChange={(e) => setIdle(e.target.value)}
            />
          </label>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary">
          Apply
        </button>
      </form>
    </SidePanel>
  );
};

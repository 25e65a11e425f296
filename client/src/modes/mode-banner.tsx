import { useState } from 'react';
import { useSetAtom } from 'jotai';
import { Lock, PenLine } from 'lucide-react';
import type { WorkflowDto } from '#shared/api/index.ts';
import type { ModeDto } from '#shared/api/modes.ts';
import { api, ApiError } from '../api/client.ts';
import { useMembers } from '../comments/use-discussion.ts';
import { useEditor } from '../editor/editor-context.tsx';
import { panelAtom } from '../state/atoms.ts';
import './modes.css';

const heldText = (n: number): string => `${n} change${n === 1 ? '' : 's'}`;

const clock = (ms: number): string => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/**
 * Over the canvas while the workflow is locked or in one-pen mode: who
 * locked it and why, or who holds the pen, with what this person can do
 * about it (ask for the pen, hand it over, release it, take it).
 */
export const ModeBanner = ({ workflow, mode }: { workflow: WorkflowDto; mode: ModeDto }) => {
  const { discussion, session, heldChanges } = useEditor();
  const me = discussion.userId;
  const members = useMembers(workflow.id);
  const setPanel = useSetAtom(panelAtom);
  const [error, setError] = useState<string>();
  const [asked, setAsked] = useState(false);
  const nameOf = (id: string | null): string =>
    id === me ? 'You' : (members.find((m) => m.userId === id)?.name ?? 'Someone');
  const owner = workflow.role === 'owner';
  const editor = owner || workflow.role === 'editor';
  const call = async (method: string, path: string, body?: unknown) => {
    try {
      await api(method, `/api/workflows/${workflow.id}${path}`, body);
      setError(undefined);
      return true;
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not reach the server');
      return false;
    }
  };

  let text: string;
  let actions: React.ReactNode = null;
  if (mode.mode === 'locked') {
    text = `Locked by ${nameOf(mode.setBy)}${mode.reason ? `: ${mode.reason}` : ''}.`;
    text += owner ? ' Owners can still edit.' : ' You can read it until it is unlocked.';
    if (owner)
      actions = (
        <button type="button" onClick={() => void call('PUT', '/mode', { mode: 'parallel' })}>
          Unlock
        </button>
      );
  } else {
    const pen = mode.pen;
    const holder = pen?.holder ?? null;
    const requests = (pen?.requests ?? []).filter((r) => r.userId !== holder);
    if (holder === me) {
      text = `You hold the pen${pen?.idleReleaseAt ? ` (it frees itself at ${clock(pen.idleReleaseAt)} if you stop editing)` : ''}.`;
      if (requests.length > 0) text += ` ${requests.map((r) => nameOf(r.userId)).join(', ')} asked for it.`;
      const candidates = members.filter((m) => m.userId !== me && (m.role === 'editor' || m.role === 'owner'));
      actions = (
        <>
          {candidates
            .sort(
              (a, b) =>
                Number(requests.some((r) => r.userId === b.userId)) -
                Number(requests.some((r) => r.userId === a.userId)),
            )
            .slice(0, 3)
            .map((m) => (
              <button
                key={m.userId}
                type="button"
                onClick={() => void call('POST', '/pen/handover', { userId: m.userId })}
              >
                Hand over to {m.name}
              </button>
            ))}
          <button type="button" onClick={() => void call('DELETE', '/pen')}>
            Release
          </button>
        </>
      );
    } else if (holder === null) {
      text = 'One pen: nobody holds it now.';
      if (editor)
        actions = (
          <button type="button" className="primary" onClick={() => void call('POST', '/pen', {})}>
            Take the pen
          </button>
        );
    } else {
      text = `${nameOf(holder)} holds the pen; everyone else reads.`;
      const mine = asked || requests.some((r) => r.userId === me);
      if (editor)
        actions = (
          <>
            {mine ? (
              <span className="muted">You asked for the pen.</span>
            ) : (
              <button type="button" onClick={() => void call('POST', '/pen/request').then((ok) => setAsked(ok))}>
                Ask for the pen
              </button>
            )}
            {owner && (
              <button type="button" onClick={() => void call('POST', '/pen', { force: true })}>
                Take it
              </button>
            )}
          </>
        );
    }
  }

  const discard = async () => {
    const ok = window.confirm(
      `Discard ${heldText(heldChanges)}?\n\nThey were made on this device and the server never took them. The workflow reloads as the server has it.`,
    );
    if (!ok) return;
    try {
      await session.discardLocalCopy();
      window.location.reload();
    } catch {
      setError('Could not clear this device’s copy; close the workflow’s other tabs and try again');
    }
  };

  return (
    <div className={`mode-banner mode-${mode.mode}`} role="status" data-testid="mode-banner">
      {mode.mode === 'locked' ? <Lock size={15} aria-hidden="true" /> : <PenLine size={15} aria-hidden="true" />}
      <span>{text}</span>
      {actions}
      {heldChanges > 0 && (
        <span className="held-chip" data-testid="held-changes">
          <span>{heldText(heldChanges)} held — they merge when you can edit again</span>
          <button type="button" className="link-button" onClick={() => void discard()}>
            Discard
          </button>
        </span>
      )}
      {owner && (
        <button type="button" className="link-button" onClick={() => setPanel('mode')}>
          Change mode
        </button>
      )}
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
};

import { useEffect, useState, useSyncExternalStore } from 'react';
import { useAtom, useSetAtom } from 'jotai';
import { History, KeyRound, Play, Radio } from 'lucide-react';
import { api, ApiError } from '../api/client.ts';
import { useEditor } from '../editor/editor-context.tsx';
import { panelAtom, toastAtom, viewedExecutionAtom } from '../state/atoms.ts';
import { IconButton } from '../ui/icon-button.tsx';

/**
 * Run the workflow (a snapshot of the document as it is now), publish and
 * activate it, and open the executions and credentials panels. The chip shows
 * the run the server reports in the room, and the Active switch the state it
 * announces there, so everyone sees the same.
 */

interface TriggerState {
  active: boolean;
  publishedHash: string | null;
}

const message = (e: unknown): string => (e instanceof ApiError ? e.message : 'Could not reach the server');

export const RunControls = ({ workflowId }: { workflowId: string }) => {
  const { runs, canEdit, canRun } = useEditor();
  const execution = useSyncExternalStore(runs.subscribe, runs.getExecution);
  const liveTrigger = useSyncExternalStore(runs.subscribe, runs.getTrigger);
  const [panel, setPanel] = useAtom(panelAtom);
  const setViewed = useSetAtom(viewedExecutionAtom);
  const setToast = useSetAtom(toastAtom);
  const [loaded, setTrigger] = useState<TriggerState>();
  // What the server announced in the room is newer than what was loaded: someone else may have (de)activated it.
  const trigger = liveTrigger ?? loaded;
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<TriggerState>('GET', `/api/workflows/${workflowId}`).then(setTrigger, () => undefined);
  }, [workflowId]);

  const run = async () => {
    setBusy(true);
    try {
      await api('POST', `/api/workflows/${workflowId}/run`);
      setViewed(null);
    } catch (e) {
      const issues = e instanceof ApiError ? e.issues.map((i) => i.message) : [];
      setToast({ text: [message(e), ...issues.slice(0, 3)].join('\n'), kind: 'error' });
    } finally {
      setBusy(false);
    }
  };

  const toggleActive = async () => {
    setBusy(true);
    try {
      if (trigger?.active) setTrigger(await api<TriggerState>('POST', `/api/workflows/${workflowId}/deactivate`));
      else {
        // Activating publishes what is on the canvas now: that is what webhooks and schedules will run.
        await api('POST', `/api/workflows/${workflowId}/publish`);
        setTrigger(await api<TriggerState>('POST', `/api/workflows/${workflowId}/activate`));
        setToast({ text: 'Published and active: webhooks and schedules run this version.', kind: 'info' });
      }
    } catch (e) {
      const issues = e instanceof ApiError ? e.issues.map((i) => i.message) : [];
      setToast({ text: [message(e), ...issues.slice(0, 3)].join('\n'), kind: 'error' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="toolbar run-controls" role="toolbar" aria-label="Runs">
      <button type="button" className="primary run-button" disabled={!canRun || busy} onClick={() => void run()}>
        <Play size={14} aria-hidden="true" /> Run
      </button>
      {execution && (
        <span className={`run-chip run-${execution.status}`} data-testid="run-status" title={execution.error ?? ''}>
          {execution.status}
        </span>
      )}
      <button
        type="button"
        className={`active-toggle ${trigger?.active ? 'on' : ''}`}
        aria-pressed={trigger?.active ?? false}
        disabled={!canEdit || busy || !trigger}
        onClick={() => void toggleActive()}
        title="Active workflows answer their webhooks and run their schedules, from the published version"
      >
        <Radio size={14} aria-hidden="true" /> {trigger?.active ? 'Active' : 'Inactive'}
      </button>
      <IconButton
        icon={History}
        label="Executions"
        pressed={panel === 'executions'}
        onClick={() => setPanel(panel === 'executions' ? 'none' : 'executions')}
      />
      <IconButton
        icon={KeyRound}
        label="Credentials"
        pressed={panel === 'credentials'}
        onClick={() => setPanel(panel === 'credentials' ? 'none' : 'credentials')}
      />
    </div>
  );
};

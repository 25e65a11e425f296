import { useEffect, useState, useSyncExternalStore } from 'react';
import { useAtom, useSetAtom } from 'jotai';
import { ChevronDown, History, KeyRound, Play, Radio } from 'lucide-react';
import { api, ApiError } from '../api/client.ts';
import { useEditor } from '../editor/editor-context.tsx';
import { panelAtom, toastAtom } from '../state/atoms.ts';
import { IconButton } from '../ui/icon-button.tsx';
import { useRunBaseSync } from './run-base.ts';
import { useStartRun } from './start-run.ts';

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
  const setToast = useSetAtom(toastAtom);
  const [loaded, setTrigger] = useState<TriggerState>();
  // What the server announced in the room is newer than what was loaded: someone else may have (de)activated it.
  const trigger = liveTrigger ?? loaded;
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<TriggerState>('GET', `/api/workflows/${workflowId}`).then(setTrigger, () => undefined);
  }, [workflowId]);

  useRunBaseSync(workflowId);
  const start = useStartRun();
  const [menu, setMenu] = useState(false);
  useEffect(() => {
    if (!menu) return;
    const close = (e: MouseEvent) => {
      if (!(e.target instanceof Element) || !e.target.closest('.run-split')) setMenu(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [menu]);
  const run = async (fresh: boolean) => {
    setMenu(false);
    setBusy(true);
    await start({ scope: 'all', fresh });
    setBusy(false);
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
      <span className="run-split">
        <button
          type="button"
          className="primary run-button"
          disabled={!canRun || busy}
          onClick={() => void run(false)}
          title="Run the workflow; nodes that did not change since the last run reuse its output"
        >
          <Play size={14} aria-hidden="true" /> Run
        </button>
        <button
          type="button"
          className="primary run-menu-button"
          aria-label="More ways to run"
          aria-haspopup="menu"
          aria-expanded={menu}
          disabled={!canRun || busy}
          onClick={() => setMenu(!menu)}
        >
          <ChevronDown size={14} aria-hidden="true" />
        </button>
        {menu && (
          <div className="run-menu" role="menu" onKeyDown={(e) => e.key === 'Escape' && setMenu(false)}>
            <button type="button" role="menuitem" autoFocus onClick={() => void run(true)}>
              Run everything fresh
            </button>
          </div>
        )}
      </span>
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

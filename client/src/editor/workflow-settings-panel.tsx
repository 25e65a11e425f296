import { useEffect, useState, useSyncExternalStore } from 'react';
import { useSetAtom } from 'jotai';
import { origins } from '#shared/origins.ts';
import { isValidId } from '#shared/ids.ts';
import {
  callerPolicyValues,
  engineLossValues,
  executionOrderValues,
  type EngineLossPolicy,
  type ExecutionOrder,
} from '#shared/schema/definition.ts';
import type { WorkflowDto } from '#shared/api/index.ts';
import { readMeta, setWorkflowSetting } from '#shared/schema/index.ts';
import { api } from '../api/client.ts';
import { toastAtom } from '../state/atoms.ts';
import { SidePanel } from '../ui/side-panel.tsx';
import { useDraft } from '../ui/use-draft.ts';
import { useEditor } from './editor-context.tsx';

const ORDER_LABELS: Record<ExecutionOrder, string> = {
  v1: 'v1 — depth first (n8n 1.0 and later)',
  v0: 'v0 — legacy breadth first (n8n before 1.0)',
};

const ENGINE_LOSS_LABELS: Record<EngineLossPolicy, string> = {
  fail: 'Fail the run',
  retry: 'Run it once more from the start',
};

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** The workflows this person can run (owner or editor): the error workflows they may choose. */
const useRunnableWorkflows = (): WorkflowDto[] | undefined => {
  const [workflows, setWorkflows] = useState<WorkflowDto[]>();
  useEffect(() => {
    let live = true;
    api<{ workflows: WorkflowDto[] }>('GET', '/api/workflows').then(
      (r) => live && setWorkflows(r.workflows.filter((w) => w.role === 'owner' || w.role === 'editor')),
      // Without the list the picker still shows the current choice and None.
      () => live && setWorkflows([]),
    );
    return () => {
      live = false;
    };
  }, []);
  return workflows;
};

/**
 * The workflow's own settings: its time zone, time limit, n8n execution order,
 * what happens to a run whose engine is lost and its error workflow, shared
 * with everyone editing.
 */
export const WorkflowSettingsPanel = ({ onClose }: { onClose: () => void }) => {
  const { session, canEdit } = useEditor();
  const setToast = useSetAtom(toastAtom);
  const settingsText = useSyncExternalStore(
    (notify) => {
      session.doc.on('update', notify);
      return () => session.doc.off('update', notify);
    },
    () => JSON.stringify(readMeta(session.doc).settings),
  );
  const settings = JSON.parse(settingsText) as ReturnType<typeof readMeta>['settings'];
  const [zone, setZone] = useDraft(settings.timezone ?? '');
  const [timeout, setTimeoutDraft] = useDraft(String(settings.timeoutSeconds ?? 300));
  const [saved, setSavedDraft] = useDraft(
    settings.minutesSavedPerRun === undefined ? '' : String(settings.minutesSavedPerRun),
  );
  const runnable = useRunnableWorkflows();
  const ownId = session.provider.roomname;
  const chosen = settings.errorWorkflow;

  const commitZone = () => {
    const next = zone.trim();
    if (next === (settings.timezone ?? '')) return;
    if (next !== '' && (next.length > 64 || !isTimeZone(next))) {
      setToast({ text: `"${next.slice(0, 64)}" is not a time zone (e.g. Europe/Berlin)`, kind: 'error' });
      setZone(settings.timezone ?? '');
      return;
    }
    setWorkflowSetting(session.doc, 'timezone', next === '' ? undefined : next, origins.ui);
  };
  const commitTimeout = () => {
    const value = Number(timeout);
    if (!Number.isInteger(value) || value < 0 || value > 86_400) {
      setToast({ text: 'The timeout must be a whole number of seconds from 0 to 86400', kind: 'error' });
      setTimeoutDraft(String(settings.timeoutSeconds ?? 300));
      return;
    }
    setWorkflowSetting(session.doc, 'timeoutSeconds', value, origins.ui);
  };

  const commitSaved = () => {
    const text = saved.trim();
    const value = Number(text);
    if (text !== '' && (!Number.isFinite(value) || value < 0 || value > 100_000)) {
      setToast({ text: 'Time saved must be a number of minutes from 0 to 100000', kind: 'error' });
      setSavedDraft(settings.minutesSavedPerRun === undefined ? '' : String(settings.minutesSavedPerRun));
      return;
    }
    const next = text === '' || value === 0 ? undefined : value;
    if (next === settings.minutesSavedPerRun) return;
    setWorkflowSetting(session.doc, 'minutesSavedPerRun', next, origins.ui);
  };

  return (
    <SidePanel
      label="Workflow settings"
      title="Workflow settings"
      closeLabel="Close workflow settings"
      onClose={onClose}
    >
      <fieldset className="settings" disabled={!canEdit}>
        <label className="field">
          Time zone (empty = the server&apos;s)
          <input
            value={zone}
            placeholder="Europe/Berlin"
            onChange={(e) => setZone(e.target.value)}
            onBlur={commitZone}
            onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
          />
        </label>
        <label className="field">
          Timeout (seconds, 0 = none)
          <input
            inputMode="numeric"
            value={timeout}
            onChange={(e) => setTimeoutDraft(e.target.value)}
            onBlur={commitTimeout}
            onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
          />
        </label>
        <label className="field">
          Time saved per run (minutes)
          <input
            inputMode="decimal"
            value={saved}
            placeholder="0"
            aria-describedby="time-saved-hint"
            onChange={(e) => setSavedDraft(e.target.value)}
            onBlur={commitSaved}
            onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
          />
          <span id="time-saved-hint" className="field-help">
            Insights add this up for each production run (webhook, schedule, error and sub-workflow runs, not manual
            ones), as the published version that ran says.
          </span>
        </label>
        <label className="field">
          Execution order
          <select
            value={settings.executionOrder ?? 'v1'}
            onChange={(e) => setWorkflowSetting(session.doc, 'executionOrder', e.target.value, origins.ui)}
          >
            {executionOrderValues.map((v) => (
              <option key={v} value={v}>
                {ORDER_LABELS[v]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          If the engine is lost mid-run
          <select
            value={settings.onEngineLoss ?? 'fail'}
            aria-describedby="engine-loss-hint"
            onChange={(e) => setWorkflowSetting(session.doc, 'onEngineLoss', e.target.value, origins.ui)}
          >
            {engineLossValues.map((v) => (
              <option key={v} value={v}>
                {ENGINE_LOSS_LABELS[v]}
              </option>
            ))}
          </select>
          <span id="engine-loss-hint" className="field-help">
            A run is lost when its engine or server stops mid-run. Running it again may repeat what it already did
            (requests sent, rows written); a retry that is lost too is not retried.
          </span>
        </label>
        <label className="field">
          Error workflow
          <select
            value={chosen ?? ''}
            aria-describedby="error-workflow-hint"
            onChange={(e) => setWorkflowSetting(session.doc, 'errorWorkflow', e.target.value || undefined, origins.ui)}
          >
            <option value="">None</option>
            {chosen !== undefined && !runnable?.some((w) => w.id === chosen) && (
              <option value={chosen}>
                {runnable === undefined ? 'Loading…' : `Workflow ${chosen} (not yours to run)`}
              </option>
            )}
            {runnable?.map((w) => (
              <option key={w.id} value={w.id}>
                {w.id === ownId ? `${w.name} (this workflow)` : w.name}
              </option>
            ))}
          </select>
          <span id="error-workflow-hint" className="field-help">
            When a run fails, the chosen workflow&apos;s published version runs from its Error Trigger with what failed
            (if it cannot, the failed run&apos;s log says why). With None, a workflow with an Error Trigger of its own
            runs it.
          </span>
        </label>
        <label className="field field-check">
          <input
            type="checkbox"
            checked={settings.errorWorkflowOnManual ?? false}
            onChange={(e) =>
              setWorkflowSetting(session.doc, 'errorWorkflowOnManual', e.target.checked || undefined, origins.ui)
            }
          />
          Also after manual runs
        </label>
        <CallerSettings
          policy={settings.callerPolicy ?? 'members'}
          ids={settings.callerIds ?? []}
          onPolicy={(v) => setWorkflowSetting(session.doc, 'callerPolicy', v, origins.ui)}
          onIds={(v) => setWorkflowSetting(session.doc, 'callerIds', v, origins.ui)}
        />
      </fieldset>
    </SidePanel>
  );
};

const CALLER_LABELS: Record<(typeof callerPolicyValues)[number], string> = {
  members: 'Workflows whose people may run this one',
  any: 'Any workflow',
  none: 'No workflow',
  list: 'Only the workflows listed',
};

/** Who may run this workflow with Execute Workflow (docs/plans/n8n-daily.md §6.1). */
const CallerSettings = ({
  policy,
  ids,
  onPolicy,
  onIds,
}: {
  policy: (typeof callerPolicyValues)[number];
  ids: readonly string[];
  onPolicy: (value: string) => void;
  onIds: (value: string[]) => void;
}) => {
  const [draft, setDraft] = useDraft(ids.join(', '));
  const commit = () => {
    const next = draft
      .split(',')
      .map((id) => id.trim())
      .filter((id) => isValidId(id))
      .slice(0, 1000);
    if (next.join(',') !== ids.join(',')) onIds(next);
    setDraft(next.join(', '));
  };
  return (
    <>
      <label className="field">
        Can be called by
        <select value={policy} onChange={(e) => onPolicy(e.target.value)}>
          {callerPolicyValues.map((v) => (
            <option key={v} value={v}>
              {CALLER_LABELS[v]}
            </option>
          ))}
        </select>
      </label>
      {policy === 'list' && (
        <label className="field">
          Workflow ids that may call it (comma-separated)
          <input
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onBlur={commit}
            onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
          />
        </label>
      )}
    </>
  );
};

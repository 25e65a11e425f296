import { useEffect, useState, useSyncExternalStore } from 'react';
import { useDraft } from '../ui/use-draft.ts';
import { useSetAtom } from 'jotai';
import { X } from 'lucide-react';
import { getNodeDefinition, type NodeDefinition } from '#shared/nodes/index.ts';
import { origins } from '#shared/origins.ts';
import {
  getNotesText,
  isShown,
  onErrorValues,
  renameNode,
  setNodeSettings,
  type NodeSettingsPatch,
} from '#shared/schema/index.ts';
import type { NodeContent } from '../canvas/flow-binding.ts';
import { NodeIcon } from '../canvas/node-icons.tsx';
import { useEditor, usePeers } from '../editor/editor-context.tsx';
import { toastAtom } from '../state/atoms.ts';
import { NumberInput, ParamField, PeersEditing } from './param-field.tsx';
import { LazyYTextEditor as YTextEditor } from './lazy-ytext-editor.tsx';
import { NodeRunActions } from '../runs/node-run-actions.tsx';
import { NodeRunData } from '../runs/node-run-data.tsx';
import { SubExecutionLink } from '../runs/sub-execution-link.tsx';
import { WorkflowInputsLoader } from './workflow-inputs-loader.tsx';
import { SoftLockSection } from '../presence/soft-locks.tsx';
import { NodeCommentsLink } from '../comments/node-comments-link.tsx';
import { CredentialFields } from './credential-field.tsx';
import { LastChanges } from './last-changes.tsx';

const ON_ERROR_LABELS: Record<(typeof onErrorValues)[number], string> = {
  stopWorkflow: 'Stop the workflow',
  continueRegularOutput: 'Continue (pass the error on as an item)',
  continueErrorOutput: 'Continue on an "error" output',
};

const NameInput = ({ node, disabled }: { node: NodeContent; disabled: boolean }) => {
  const { session } = useEditor();
  const [draft, setDraft] = useDraft(node.name);
  const [problem, setProblem] = useState<string>();
  const commit = () => {
    if (draft.trim() === node.name) {
      setProblem(undefined);
      return;
    }
    try {
      renameNode(session.doc, node.id, draft, origins.ui);
      setProblem(undefined);
    } catch (e) {
      setProblem((e as Error).message);
    }
  };
  return (
    <div className={problem ? 'field invalid' : 'field'}>
      <label htmlFor={`name-${node.id}`}>Name</label>
      <input
        id={`name-${node.id}`}
        value={draft}
        disabled={disabled}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') {
            setDraft(node.name);
            setProblem(undefined);
          }
        }}
      />
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
};

const Settings = ({
  node,
  def,
  disabled,
}: {
  node: NodeContent;
  def: NodeDefinition | undefined;
  disabled: boolean;
}) => {
  const { session } = useEditor();
  const setToast = useSetAtom(toastAtom);
  const patch = (p: NodeSettingsPatch) => {
    try {
      setNodeSettings(session.doc, node.id, p, origins.ui);
    } catch (e) {
      setToast({ text: (e as Error).message, kind: 'error' });
    }
  };
  /** A whole number in range, committed on blur or Enter; anything else is explained, not written. */
  const whole =
    (key: 'maxTries' | 'waitBetweenTries' | 'timeoutSeconds', label: string, min: number, max: number) =>
    (value: unknown) => {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        setToast({ text: `${label} must be a whole number from ${min} to ${max}`, kind: 'error' });
        return;
      }
      patch({ [key]: value });
    };
  const noFocus = () => undefined;
  return (
    <fieldset className="settings" disabled={disabled}>
      <legend>Settings</legend>
      {!def?.annotation && (
        <label className="check">
          <input type="checkbox" checked={node.disabled} onChange={(e) => patch({ disabled: e.target.checked })} />
          Disabled (items pass through)
        </label>
      )}
      {!def?.trigger && !def?.annotation && (
        <>
          <label className="check">
            <input
              type="checkbox"
              checked={node.retryOnFail}
              onChange={(e) => patch({ retryOnFail: e.target.checked })}
            />
            Retry on fail
          </label>
          {node.retryOnFail && (
            <div className="row">
              <label className="field">
                Max tries
                <NumberInput
                  id={`maxTries-${node.id}`}
                  value={node.maxTries}
                  disabled={disabled}
                  onCommit={whole('maxTries', 'Max tries', 1, 10)}
                  onFocus={noFocus}
                />
              </label>
              <label className="field">
                Wait between tries (ms)
                <NumberInput
                  id={`wait-${node.id}`}
                  value={node.waitBetweenTries}
                  disabled={disabled}
                  onCommit={whole('waitBetweenTries', 'The wait between tries', 0, 3_600_000)}
                  onFocus={noFocus}
                />
              </label>
            </div>
          )}
          <label className="field">
            On error
            <select value={node.onError} onChange={(e) => patch({ onError: e.target.value as typeof node.onError })}>
              {onErrorValues.map((v) => (
                <option key={v} value={v}>
                  {ON_ERROR_LABELS[v]}
                </option>
              ))}
            </select>
          </label>
          <label className="check" title={'n8n\'s "Always Output Data"'}>
            <input
              type="checkbox"
              checked={node.alwaysOutputData}
              onChange={(e) => patch({ alwaysOutputData: e.target.checked })}
            />
            Always output data (an empty item when there are none)
          </label>
          <label className="check" title={'n8n\'s "Execute Once"'}>
            <input
              type="checkbox"
              checked={node.executeOnce}
              onChange={(e) => patch({ executeOnce: e.target.checked })}
            />
            Execute once (with the first item only)
          </label>
          <label className="field">
            Timeout (seconds, 0 = the workflow's)
            <NumberInput
              id={`timeout-${node.id}`}
              value={node.timeoutSeconds}
              disabled={disabled}
              onCommit={whole('timeoutSeconds', 'The timeout', 0, 86_400)}
              onFocus={noFocus}
            />
          </label>
        </>
      )}
    </fieldset>
  );
};

/** The form for the selected node, generated from its type's parameter schema. */
export const Inspector = ({ nodeId, onClose }: { nodeId: string; onClose: () => void }) => {
  const { session, binding, presence, undo, canEdit } = useEditor();
  const node = useSyncExternalStore(binding.subscribe, () => binding.getNode(nodeId));
  const peers = usePeers(presence);
  const setToast = useSetAtom(toastAtom);

  useEffect(() => {
    presence.setEditing({ nodeId, field: null });
    return () => presence.setEditing(null);
  }, [presence, nodeId]);

  if (!node) return null;
  const def = getNodeDefinition(node.type);
  const here = peers.filter((p) => p.editing?.nodeId === nodeId);
  const onFocus = (field: string, focused: boolean) => presence.setEditing({ nodeId, field: focused ? field : null });
  const notes = getNotesText(session.doc, nodeId);
  const onError = (text: string) => setToast({ text, kind: 'error' });

  return (
    <aside className="inspector" aria-label="Inspector" data-testid="inspector">
      <header className="inspector-head" style={{ '--node-color': def?.color ?? '#6b7280' } as React.CSSProperties}>
        <span className="wf-node-icon">
          <NodeIcon icon={def?.icon} />
        </span>
        <div className="inspector-title">
          <strong>{node.name}</strong>
          {(!def || def.label !== node.name) && (
            <span className="muted">{def ? def.label : `Unsupported type "${node.type}"`}</span>
          )}
        </div>
        <button type="button" className="icon-button" aria-label="Close the inspector" onClick={onClose}>
          <X size={16} aria-hidden="true" />
        </button>
      </header>
      {def && !def.annotation && <NodeRunActions nodeId={nodeId} />}
      <LastChanges nodeId={nodeId} />
      {here.length > 0 && (
        <p className="also-here">
          Also on this node: <PeersEditing peers={here} />
        </p>
      )}
      <SoftLockSection nodeId={nodeId} canEdit={canEdit} />
      <NodeCommentsLink nodeId={nodeId} />
      {def ? <p className="muted inspector-desc">{def.description}</p> : null}
      {!def && (
        <p className="warning">
          Weft does not know this node type. It is kept exactly as imported, with its parameters, but it cannot run.
        </p>
      )}
      <NameInput node={node} disabled={!canEdit} />
      <NodeRunData nodeId={nodeId} side="input" />
      <section aria-label="Parameters" className="params">
        {def?.params
          .filter((spec) => isShown(spec.showWhen, node.parameters))
          .map((spec) => (
            <ParamField
              key={spec.name}
              nodeId={nodeId}
              spec={spec}
              value={node.parameters[spec.name] ?? spec.default}
              peers={here.filter((p) => p.editing?.field === spec.name)}
              onFocus={onFocus}
              onError={onError}
            />
          ))}
        {!def && <pre className="raw-params">{JSON.stringify(node.parameters, null, 2)}</pre>}
        {node.type === 'executeWorkflow' && <WorkflowInputsLoader node={node} disabled={!canEdit} />}
      </section>
      {notes && (
        <div className="field">
          <div className="field-head">
            <label>Notes</label>
            <PeersEditing peers={here.filter((p) => p.editing?.field === '$notes')} />
          </div>
          <YTextEditor
            text={notes}
            awareness={presence.awareness}
            undoManager={undo.manager}
            multiline
            readOnly={!canEdit}
            label="Notes"
            placeholder="Notes for your collaborators"
            onFocusChange={(f) => onFocus('$notes', f)}
          />
        </div>
      )}
      <CredentialFields node={node} />
      <Settings node={node} def={def} disabled={!canEdit} />
      {node.type === 'executeWorkflow' && <SubExecutionLink nodeId={nodeId} />}
      <NodeRunData nodeId={nodeId} side="output" />
    </aside>
  );
};

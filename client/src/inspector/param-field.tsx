import type { ReactNode } from 'react';
import { Plus, Trash2 } from 'lucide-react';
import type { ListFieldParam, ListParam, ParamSpec } from '#shared/nodes/index.ts';
import { origins } from '#shared/origins.ts';
import { checkParamValue, getParameterText, isExpression, isFilled, setParameter } from '#shared/schema/index.ts';
import { useEditor } from '../editor/editor-context.tsx';
import type { Peer } from '../presence/presence.ts';
import { useDraft } from '../ui/use-draft.ts';
import { LazyYTextEditor as YTextEditor } from './lazy-ytext-editor.tsx';
import { ParamChanges } from './last-changes.tsx';
import { ExpressionPreview } from '../expressions/expression-preview.tsx';
import { carriesField, droppedTemplate, withDroppedField } from '../expressions/field-drag.ts';
import { useCompletionData } from '../expressions/use-completion-data.ts';

/** A scalar as the text of an input ('' for anything else). */
const asText = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';

/** What is wrong with a value as the person types it (shown at the field), or null. */
export const fieldProblem = (spec: ParamSpec, value: unknown): string | null => {
  if (spec.required && !isFilled(value)) return 'Required before the workflow can run';
  const problem = checkParamValue(spec, value);
  if (problem) return `Must be ${problem.replace(/^must be /, '')}`;
  if (spec.kind === 'json' && typeof value === 'string' && value.trim() && !isExpression(value)) {
    try {
      JSON.parse(value);
    } catch (e) {
      return `Not valid JSON: ${(e as Error).message}`;
    }
  }
  return null;
};

export const PeersEditing = ({ peers }: { peers: readonly Peer[] }) =>
  peers.length === 0 ? null : (
    <span className="peers-editing" data-testid="peers-editing">
      {peers.map((p) => (
        <span
          key={p.clientId}
          className="peer-dot"
          style={{ background: p.user.color }}
          title={`${p.user.name} is here`}
        >
          {p.user.name}
        </span>
      ))}
    </span>
  );

interface FieldShellProps {
  id: string;
  label: string;
  description?: string | undefined;
  problem: string | null;
  peers: readonly Peer[];
  /** Beside the label (the parameter's ⓘ). */
  head?: ReactNode;
  children: ReactNode;
}

const FieldShell = ({ id, label, description, problem, peers, head, children }: FieldShellProps) => (
  <div className={problem ? 'field invalid' : 'field'}>
    <div className="field-head">
      <span className="field-label">
        <label htmlFor={id}>{label}</label>
        {head}
      </span>
      <PeersEditing peers={peers} />
    </div>
    {children}
    {description && <p className="field-help">{description}</p>}
    {problem && (
      <p className="field-error" role="alert">
        {problem}
      </p>
    )}
  </div>
);

/** A number typed as text, committed when it parses (an expression starting with "=" is kept as text). */
export const NumberInput = ({
  id,
  value,
  disabled,
  onCommit,
  onFocus,
}: {
  id: string;
  value: unknown;
  disabled: boolean;
  onCommit: (v: unknown) => void;
  onFocus: (focused: boolean) => void;
}) => {
  const [draft, setDraft] = useDraft(asText(value));
  const commit = () => {
    const text = draft.trim();
    const next = text.startsWith('=') ? text : Number(text);
    if (text === '' || (typeof next === 'number' && Number.isNaN(next))) setDraft(asText(value));
    else if (next !== value) onCommit(next);
  };
  return (
    <input
      id={id}
      inputMode="decimal"
      value={draft}
      disabled={disabled}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={() => {
        commit();
        onFocus(false);
      }}
      onFocus={() => onFocus(true)}
      onKeyDown={(e) => e.key === 'Enter' && commit()}
    />
  );
};

const ScalarInput = ({
  id,
  spec,
  value,
  disabled,
  onCommit,
  onFocus,
  previewOf,
}: {
  id: string;
  spec: ListFieldParam;
  value: unknown;
  disabled: boolean;
  onCommit: (v: unknown) => void;
  onFocus: (focused: boolean) => void;
  /** The node whose expressions this input holds, for the expression preview. */
  previewOf?: string | undefined;
}) => {
  switch (spec.kind) {
    case 'boolean':
      return (
        <input
          id={id}
          type="checkbox"
          checked={value === true}
          disabled={disabled}
          onChange={(e) => onCommit(e.target.checked)}
        />
      );
    case 'options':
      return (
        <select
          id={id}
          value={asText(value) || spec.default}
          disabled={disabled}
          onChange={(e) => onCommit(e.target.value)}
          onFocus={() => onFocus(true)}
          onBlur={() => onFocus(false)}
        >
          {spec.options.map((o) => (
            <option key={o.value} value={o.value} title={o.description}>
              {o.label}
            </option>
          ))}
        </select>
      );
    case 'number':
      return <NumberInput id={id} value={value} disabled={disabled} onCommit={onCommit} onFocus={onFocus} />;
    case 'string':
      return (
        <TextInput
          id={id}
          value={value}
          disabled={disabled}
          onCommit={onCommit}
          onFocus={onFocus}
          previewOf={previewOf}
        />
      );
  }
};

/**
 * A plain text input for list cells (lists are stored as one JSON value: last writer wins per list). With
 * `previewOf` (the node id), an expression being typed shows its value underneath as it is typed.
 */
const TextInput = ({
  id,
  value,
  disabled,
  onCommit,
  onFocus,
  previewOf,
}: {
  id: string;
  value: unknown;
  disabled: boolean;
  onCommit: (v: unknown) => void;
  onFocus: (focused: boolean) => void;
  previewOf?: string | undefined;
}) => {
  const [draft, setDraft] = useDraft(typeof value === 'string' ? value : '');
  const input = (
    <input
      id={id}
      value={draft}
      disabled={disabled}
      onDragOver={(e) => {
        if (!disabled && carriesField(e.dataTransfer)) e.preventDefault();
      }}
      onDrop={(e) => {
        const template = droppedTemplate(e.dataTransfer);
        if (disabled || !template) return;
        e.preventDefault();
        const next = withDroppedField(draft, template, e.currentTarget.selectionStart ?? draft.length);
        setDraft(next);
        onCommit(next);
      }}
      onChange={(e) => setDraft(e.target.value)}
      onFocus={() => onFocus(true)}
      onBlur={() => {
        if (draft !== value) onCommit(draft);
        onFocus(false);
      }}
      onKeyDown={(e) => e.key === 'Enter' && draft !== value && onCommit(draft)}
    />
  );
  if (previewOf === undefined || !isExpression(draft)) return input;
  return (
    <>
      {input}
      <ExpressionPreview nodeId={previewOf} expression={draft} />
    </>
  );
};

const ListField = ({
  spec,
  value,
  disabled,
  onCommit,
  onFocus,
  idPrefix,
  nodeId,
}: {
  spec: ListParam;
  value: unknown;
  disabled: boolean;
  onCommit: (v: unknown) => void;
  onFocus: (focused: boolean) => void;
  idPrefix: string;
  nodeId: string;
}) => {
  const rows = Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
  const blank = () => Object.fromEntries(spec.fields.map((f) => [f.name, f.default]));
  const setCell = (index: number, name: string, cell: unknown) =>
    onCommit(rows.map((row, i) => (i === index ? { ...row, [name]: cell } : row)));
  return (
    <div className="list-field">
      {rows.map((row, index) => (
        <div className="list-row" key={index}>
          {spec.fields.map((field) => (
            <label key={field.name} className="list-cell">
              <span>{field.label}</span>
              <ScalarInput
                id={`${idPrefix}-${index}-${field.name}`}
                spec={field}
                value={row[field.name] ?? field.default}
                disabled={disabled}
                onCommit={(v) => setCell(index, field.name, v)}
                onFocus={onFocus}
                previewOf={nodeId}
              />
            </label>
          ))}
          {!disabled && (
            <button
              type="button"
              className="icon-button"
              aria-label={`Remove row ${index + 1}`}
              onClick={() => onCommit(rows.filter((_, i) => i !== index))}
            >
              <Trash2 size={14} aria-hidden="true" />
            </button>
          )}
        </div>
      ))}
      {!disabled && (
        <button type="button" onClick={() => onCommit([...rows, blank()])}>
          <Plus size={14} aria-hidden="true" /> {spec.addLabel ?? 'Add'}
        </button>
      )}
    </div>
  );
};

export interface ParamFieldProps {
  nodeId: string;
  spec: ParamSpec;
  value: unknown;
  peers: readonly Peer[];
  onFocus: (field: string, focused: boolean) => void;
  onError: (message: string) => void;
}

/** One parameter, edited in the form its kind calls for; text kinds are bound to their Y.Text. */
export const ParamField = ({ nodeId, spec, value, peers, onFocus, onError }: ParamFieldProps) => {
  const { session, presence, undo, canEdit } = useEditor();
  const completionData = useCompletionData(nodeId);
  const id = `param-${nodeId}-${spec.name}`;
  const focus = (focused: boolean) => onFocus(spec.name, focused);
  const commit = (next: unknown) => {
    try {
      setParameter(session.doc, nodeId, spec.name, next, origins.ui);
    } catch (e) {
      onError((e as Error).message);
    }
  };
  const problem = fieldProblem(spec, value);
  let control: ReactNode;
  if (spec.kind === 'string' || spec.kind === 'json' || spec.kind === 'code') {
    const text = getParameterText(session.doc, nodeId, spec.name);
    control = text ? (
      <YTextEditor
        text={text}
        awareness={presence.awareness}
        undoManager={undo.manager}
        language={spec.kind === 'code' ? 'javascript' : spec.kind === 'json' ? 'json' : undefined}
        multiline={spec.kind !== 'string' || spec.multiline === true}
        readOnly={!canEdit}
        placeholder={spec.kind === 'string' ? spec.placeholder : undefined}
        label={spec.label}
        onFocusChange={focus}
        completionData={spec.kind === 'code' ? undefined : completionData}
      />
    ) : (
      // Not yet a Y.Text (a node imported without it): the first edit creates one.
      <TextInput id={id} value={value} disabled={!canEdit} onCommit={commit} onFocus={focus} />
    );
  } else if (spec.kind === 'list') {
    control = (
      <ListField
        spec={spec}
        value={value}
        disabled={!canEdit}
        onCommit={commit}
        onFocus={focus}
        idPrefix={id}
        nodeId={nodeId}
      />
    );
  } else {
    control = <ScalarInput id={id} spec={spec} value={value} disabled={!canEdit} onCommit={commit} onFocus={focus} />;
  }
  return (
    <FieldShell
      id={id}
      label={spec.label}
      description={spec.description}
      problem={problem}
      peers={peers}
      head={<ParamChanges nodeId={nodeId} param={spec.name} label={spec.label} />}
    >
      <div data-param={spec.name}>{control}</div>
      {typeof value === 'string' && isExpression(value) && <ExpressionPreview nodeId={nodeId} expression={value} />}
    </FieldShell>
  );
};

import { useMemo, useState } from 'react';
import { useDefinition } from '../doc/use-workflow-session.ts';
import { useEditor } from '../editor/editor-context.tsx';
import { useExecutionDetail } from '../runs/execution-detail.ts';
import { previewContext } from './preview-context.ts';
import { useExpressionPreview, type PreviewState } from './preview-client.ts';

/** Longer values are cut here: the preview is a glance, the output panel shows the whole. */
const MAX_SHOWN = 400;

const shown = (value: unknown): string => {
  const text = typeof value === 'string' ? value : value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
};

const Body = ({ preview, reason }: { preview: PreviewState; reason: string | undefined }) => {
  if (reason) return <span className="muted">{reason}</span>;
  switch (preview.state) {
    case 'idle':
    case 'waiting':
      return <span className="muted">…</span>;
    case 'error':
      return <span className="preview-error">{preview.error}</span>;
    case 'value':
      return (
        <>
          <code className="preview-value" data-type={preview.type}>
            {shown(preview.value)}
          </code>
          <span className="muted preview-type">{preview.type}</span>
        </>
      );
  }
};

/**
 * Under an expression field: its value for the first item of the run on
 * screen (the picked run, else the latest), worked out by the engine's own
 * evaluator in a worker while the person types.
 */
export const ExpressionPreview = ({ nodeId, expression }: { nodeId: string; expression: string }) => {
  const { session } = useEditor();
  const definition = useDefinition(session);
  const detail = useExecutionDetail();
  // $now stays put while the field is open: a clock in the context would ask the worker again every render.
  const [now] = useState(Date.now);
  const context = useMemo(
    () => previewContext(definition, session.provider.roomname, nodeId, detail, now),
    [definition, session, nodeId, detail, now],
  );
  const ready = 'reason' in context ? undefined : context;
  const preview = useExpressionPreview(expression, ready);
  return (
    <div className="expression-preview" data-testid="expression-preview" aria-live="polite">
      <span className="preview-label">Preview</span>
      <Body preview={preview} reason={'reason' in context ? context.reason : undefined} />
    </div>
  );
};

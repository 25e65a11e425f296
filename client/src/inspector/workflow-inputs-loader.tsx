import { useState } from 'react';
import { origins } from '#shared/origins.ts';
import { setParameter } from '#shared/schema/index.ts';
import { api, ApiError } from '../api/client.ts';
import type { NodeContent } from '../canvas/flow-binding.ts';
import { useEditor } from '../editor/editor-context.tsx';
import { workflowInputsQuery } from './workflow-inputs-query.ts';

interface InputsAnswer {
  inputSource: 'workflowInputs' | 'jsonExample' | 'passthrough' | null;
  fields: { name: string; type: string }[];
  error?: string;
}

/**
 * Execute Workflow: fills its input rows from the fields the called workflow's trigger declares
 * (GET /api/workflows/{id}/inputs), keeping the values already mapped: the trigger of the version the node
 * calls (published, draft or named: workflowInputsQuery).
 */
export const WorkflowInputsLoader = ({ node, disabled }: { node: NodeContent; disabled: boolean }) => {
  const { session } = useEditor();
  const [note, setNote] = useState<string>();
  const workflowId = typeof node.parameters.workflowId === 'string' ? node.parameters.workflowId.trim() : '';
  if (workflowId === '' || workflowId.startsWith('=')) return null;
  const load = async () => {
    const target = workflowInputsQuery(node.parameters);
    if ('problem' in target) {
      setNote(target.problem);
      return;
    }
    try {
      const answer = await api<InputsAnswer>(
        'GET',
        `/api/workflows/${encodeURIComponent(workflowId)}/inputs?${target.query}`,
      );
      if (answer.error) {
        setNote(answer.error);
        return;
      }
      if (answer.inputSource === null) {
        setNote('That workflow has no Execute Workflow Trigger.');
        return;
      }
      if (answer.inputSource === 'passthrough') {
        setNote('That workflow accepts all data: nothing to map.');
        return;
      }
      const current = Array.isArray(node.parameters.workflowInputs)
        ? (node.parameters.workflowInputs as Record<string, unknown>[])
        : [];
      const rows = answer.fields.map((f) => ({
        name: f.name,
        value: current.find((r) => r.name === f.name)?.value ?? '',
        type: f.type,
        removed: false,
      }));
      setParameter(session.doc, node.id, 'workflowInputs', rows, origins.ui);
      setNote(`${rows.length} input${rows.length === 1 ? '' : 's'} from the workflow's trigger.`);
    } catch (e) {
      setNote(e instanceof ApiError ? e.message : 'Could not reach the server');
    }
  };
  return (
    <div className="field">
      <button type="button" disabled={disabled} onClick={() => void load()}>
        Load inputs from the workflow
      </button>
      {note && <span className="field-help">{note}</span>}
    </div>
  );
};

import { useEffect, useRef, useState } from 'react';
import { inferSchema } from '#shared/runs/infer-schema.ts';
import type { WorkflowDefinition } from '#shared/schema/index.ts';
import { useDefinition } from '../doc/use-workflow-session.ts';
import { useEditor } from '../editor/editor-context.tsx';
import { useExecutionDetail } from '../runs/execution-detail.ts';
import type { CompletionData } from './completions.ts';
import { previewContext } from './preview-context.ts';

/** The names of the nodes upstream of `nodeId` (nearest first), which `$('…')` may name. */
export const upstreamNames = (definition: WorkflowDefinition, nodeId: string): string[] => {
  const byId = new Map(definition.nodes.map((n) => [n.id, n]));
  const seen = new Set<string>([nodeId]);
  const out: string[] = [];
  let frontier = [nodeId];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier)
      for (const e of definition.edges)
        if (e.target === id && !seen.has(e.source)) {
          seen.add(e.source);
          next.push(e.source);
          const name = byId.get(e.source)?.name;
          if (name !== undefined) out.push(name);
        }
    frontier = next;
  }
  return out;
};

/**
 * A getter for what the expression editor of `nodeId` completes: stable
 * across renders (the editor reads it when asked), current with the document
 * and the run on screen.
 */
export const useCompletionData = (nodeId: string): (() => CompletionData) => {
  const { session } = useEditor();
  const definition = useDefinition(session);
  const detail = useExecutionDetail();
  const [now] = useState(Date.now);
  const latest = useRef<CompletionData>({ upstream: [], fields: [] });
  useEffect(() => {
    const context = previewContext(definition, session.provider.roomname, nodeId, detail, now);
    latest.current = {
      upstream: upstreamNames(definition, nodeId),
      fields: 'items' in context ? inferSchema(context.items) : [],
    };
  }, [definition, session, nodeId, detail, now]);
  const [get] = useState(() => () => latest.current);
  return get;
};

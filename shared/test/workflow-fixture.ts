import { fromDefinition } from '../src/schema/from-definition.ts';
import { toDefinition } from '../src/schema/to-definition.ts';
import type { DefinitionNode, WorkflowDefinition } from '../src/schema/definition.ts';

/**
 * A small workflow as toDefinition gives it (defaults filled in), touching
 * what diffs care about: settings, a plain and a text parameter, notes, edges.
 */
export const sampleDefinition = (): WorkflowDefinition =>
  toDefinition(
    fromDefinition({
      weft: 1,
      name: 'Order sync',
      description: 'Fetches orders.',
      settings: { timezone: 'Europe/Berlin' },
      nodes: [
        { id: 'start', name: 'Start', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 } },
        {
          id: 'fetch',
          name: 'Fetch orders',
          type: 'httpRequest',
          typeVersion: 1,
          position: { x: 200, y: 0 },
          parameters: { url: 'https://example.com/orders' },
        },
        {
          id: 'shape',
          name: 'Shape',
          type: 'code',
          typeVersion: 1,
          position: { x: 400, y: 0 },
          parameters: { jsCode: 'const total = 1;\nreturn $input.all();\n' },
          notes: 'First line',
        },
      ],
      edges: [
        { source: 'start', target: 'fetch' },
        { source: 'fetch', target: 'shape' },
      ],
    }).doc,
  );

/** A copy of `def` changed by `edit`: the original stays as it was. */
export const edited = (def: WorkflowDefinition, edit: (copy: WorkflowDefinition) => void): WorkflowDefinition => {
  const copy = structuredClone(def);
  edit(copy);
  return copy;
};

export const nodeOf = (def: WorkflowDefinition, id: string): DefinitionNode => {
  const found = def.nodes.find((n) => n.id === id);
  if (!found) throw new Error(`no node ${id}`);
  return found;
};

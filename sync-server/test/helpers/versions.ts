import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import type { Caller, restClient } from './rest.ts';

/** Two HTTP nodes, A and B, whose URLs the version tests change: one node per person. */
export const twoNodeDefinition = (name = 'Versions'): WorkflowDefinition => ({
  weft: 1,
  name,
  settings: {},
  nodes: [
    { id: 'start', name: 'Start', type: 'manualTrigger', typeVersion: 1, position: { x: 0, y: 0 }, parameters: {} },
    {
      id: 'a',
      name: 'A',
      type: 'httpRequest',
      typeVersion: 1,
      position: { x: 200, y: 0 },
      parameters: { url: 'https://a.example/v1' },
    },
    {
      id: 'b',
      name: 'B',
      type: 'httpRequest',
      typeVersion: 1,
      position: { x: 400, y: 0 },
      parameters: { url: 'https://b.example/v1' },
    },
  ],
  edges: [],
});

export const importTwoNodes = async (rest: ReturnType<typeof restClient>, as: Caller): Promise<string> => {
  const res = await rest.call<{ id: string }>('POST', '/api/workflows/import', { body: twoNodeDefinition(), as });
  if (res.status !== 201) throw new Error(`import failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
};

/** The URL of node `id` in an exported definition. */
export const urlOf = (definition: WorkflowDefinition, id: string): unknown =>
  definition.nodes.find((n) => n.id === id)?.parameters.url;

/**
 * The benchmark's workflow: `nodes` nodes on a grid and `edges` edges (a chain
 * through every node, then skip connections), as an importable definition.
 */
export const bigWorkflow = (nodes: number, edges: number) => {
  const types = ['set', 'noOp', 'filter', 'code', 'httpRequest'] as const;
  const list = Array.from({ length: nodes }, (_, i) => ({
    id: `n${i}`,
    name: `Step ${i}`,
    type: i === 0 ? 'manualTrigger' : (types[i % types.length] as string),
    typeVersion: 1,
    position: { x: (i % 40) * 260, y: Math.floor(i / 40) * 120 },
    parameters: {},
  }));
  const edgeList: { source: string; sourceHandle: string; target: string; targetHandle: string }[] = [];
  for (let i = 0; i + 1 < nodes && edgeList.length < edges; i++) {
    edgeList.push({ source: `n${i}`, sourceHandle: 'main', target: `n${i + 1}`, targetHandle: 'main' });
  }
  for (let skip = 2; edgeList.length < edges; skip++) {
    for (let i = 0; i + skip < nodes && edgeList.length < edges; i += skip) {
      edgeList.push({ source: `n${i}`, sourceHandle: 'main', target: `n${i + skip}`, targetHandle: 'main' });
    }
  }
  return { weft: 1, name: `Big workflow (${nodes} nodes)`, nodes: list, edges: edgeList };
};

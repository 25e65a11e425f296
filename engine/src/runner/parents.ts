import type { WorkflowGraph } from './graph.ts';

/** An input connection as n8n's connectionsByDestinationNode holds it. */
export interface Incoming {
  source: string;
  output: number;
}

/**
 * Node id → input index → the connections into it, in n8n's order
 * (mapConnectionsByDestination: sources in `connections` key order — the
 * order of their first edge — then outputs, then each output's connections).
 */
export const incomingOf = (graph: WorkflowGraph): Map<string, Incoming[][]> => {
  const incoming = new Map<string, Incoming[][]>();
  for (const id of graph.sourceOrder) {
    const g = graph.byId.get(id);
    if (!g) continue;
    g.outputs.forEach((handle, output) => {
      for (const c of g.outgoing.get(handle) ?? []) {
        const target = graph.byId.get(c.target);
        if (!target) continue;
        const index = target.inputIndex.get(c.targetHandle) ?? 0;
        let lists = incoming.get(c.target);
        if (!lists) incoming.set(c.target, (lists = []));
        while (lists.length <= index) lists.push([]);
        lists[index]?.push({ source: g.node.id, output });
      }
    });
  }
  return incoming;
};

/**
 * n8n's getParentNodes (getConnectedNodes over connectionsByDestinationNode):
 * every ancestor of `id`, the farthest first, never `id` itself even in a
 * loop. Its memo lives for one call, as n8n's does: in a loop, a node's
 * ancestors found on the way depend on the path taken to it.
 */
export const parentNodes = (incoming: ReadonlyMap<string, Incoming[][]>, id: string): string[] =>
  collectParents(incoming, id, new Set(), new Map());

const collectParents = (
  incoming: ReadonlyMap<string, Incoming[][]>,
  id: string,
  path: Set<string>,
  memo: Map<string, string[]>,
): string[] => {
  const known = memo.get(id);
  if (known) return known;
  const lists = incoming.get(id);
  if (!lists) return [];
  const out: string[] = [];
  path.add(id);
  for (const list of lists) {
    for (const c of list) {
      if (path.has(c.source)) continue;
      const at = out.indexOf(c.source);
      if (at !== -1) out.splice(at, 1);
      out.unshift(c.source);
      const above = collectParents(incoming, c.source, path, memo);
      for (let i = above.length - 1; i >= 0; i--) {
        const name = above[i] as string;
        const found = out.indexOf(name);
        if (found !== -1) out.splice(found, 1);
        out.unshift(name);
      }
    }
  }
  path.delete(id);
  memo.set(id, out);
  return out;
};

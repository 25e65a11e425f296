import { NODE_HEIGHT, NODE_WIDTH, STICKY_HEIGHT, STICKY_WIDTH } from '#shared/nodes/node-size.ts';
import type { NodeSnapshot } from '#shared/schema/index.ts';

export { NODE_HEIGHT, NODE_WIDTH };

/**
 * A node's footprint before the browser has measured it (see .wf-node in
 * editor.css). React Flow shows a node, and fits the view to it, only once it
 * has a size: with this one, a big workflow shows in the first frame instead
 * of after a measuring pass. The sizes are shared: the n8n import places
 * nodes apart by them.
 */

export const initialSize = (node: NodeSnapshot, annotation: boolean): { width: number; height: number } => {
  if (!annotation) return { width: NODE_WIDTH, height: NODE_HEIGHT };
  const { width, height } = node.parameters;
  return {
    width: typeof width === 'number' ? width : STICKY_WIDTH,
    height: typeof height === 'number' ? height : STICKY_HEIGHT,
  };
};

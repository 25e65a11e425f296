import type { NodeSnapshot } from '#shared/schema/index.ts';

/**
 * A node's footprint before the browser has measured it (see .wf-node in
 * editor.css). React Flow shows a node, and fits the view to it, only once it
 * has a size: with this one, a big workflow shows in the first frame instead
 * of after a measuring pass.
 */
export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 56;

export const initialSize = (node: NodeSnapshot, annotation: boolean): { width: number; height: number } => {
  if (!annotation) return { width: NODE_WIDTH, height: NODE_HEIGHT };
  const { width, height } = node.parameters;
  return {
    width: typeof width === 'number' ? width : 240,
    height: typeof height === 'number' ? height : 160,
  };
};

import { useEffect, useRef } from 'react';
import { useReactFlow, useStore, type Transform } from '@xyflow/react';
import type { FlowBinding } from './flow-binding.ts';
import { NODE_HEIGHT, NODE_WIDTH } from './node-size.ts';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The part of the flow a canvas of `width` × `height` shows under `transform`. */
const visibleBox = ([tx, ty, zoom]: Transform, width: number, height: number): Box => ({
  x: -tx / zoom,
  y: -ty / zoom,
  width: width / zoom,
  height: height / zoom,
});

const contains = (outer: Box, inner: Box): boolean =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width &&
  inner.y + inner.height <= outer.y + outer.height;

/** The box around the selected nodes, or undefined when nothing is selected. */
const selectionBox = (binding: FlowBinding): Box | undefined => {
  const selected = binding.getSnapshot().nodes.filter((n) => n.selected);
  if (selected.length === 0) return undefined;
  const xs = selected.flatMap((n) => [n.position.x, n.position.x + (n.measured?.width ?? NODE_WIDTH)]);
  const ys = selected.flatMap((n) => [n.position.y, n.position.y + (n.measured?.height ?? NODE_HEIGHT)]);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
};

/**
 * Selecting a node opens the inspector beside the canvas, and so does a side
 * panel: the canvas narrows, and the node someone just added or chose could
 * end up under the panel that opened for it. When the canvas shrinks, what
 * was selected and in view stays in view. A selection the person had already
 * scrolled away from is left where it is.
 */
export const useKeepSelectionInView = (binding: FlowBinding): void => {
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const { getViewport, setCenter } = useReactFlow();
  const previous = useRef({ width, height });

  useEffect(() => {
    const before = previous.current;
    previous.current = { width, height };
    const shrank = width < before.width || height < before.height;
    if (!shrank || width === 0 || height === 0) return;
    const selection = selectionBox(binding);
    if (!selection) return;
    const { x, y, zoom } = getViewport();
    const transform: Transform = [x, y, zoom];
    if (!contains(visibleBox(transform, before.width, before.height), selection)) return;
    if (contains(visibleBox(transform, width, height), selection)) return;
    void setCenter(selection.x + selection.width / 2, selection.y + selection.height / 2, { zoom, duration: 120 });
  }, [binding, width, height, getViewport, setCenter]);
};

import { useEffect, useRef, type PointerEvent, type WheelEvent } from 'react';
import { Panel, useReactFlow, useStoreApi } from '@xyflow/react';
import { getNodeDefinition } from '#shared/nodes/index.ts';
import { useEditor } from '../editor/editor-context.tsx';
import type { FlowNode } from './flow-binding.ts';
import { NODE_HEIGHT, NODE_WIDTH } from './node-size.ts';

/**
 * The minimap, drawn on a canvas.
 *
 * React Flow's own minimap is one SVG element and one store subscription per
 * node: with 1,000 nodes every frame of a drag re-ran 1,000 selectors, which
 * was the largest single cost of the frame. Here one redraw per frame paints
 * all nodes as rectangles, and nothing re-renders through React.
 */

const WIDTH = 200;
const HEIGHT = 150;
const MIN_ZOOM = 0.05;
const MAX_ZOOM = 2.5;

interface Mapping {
  /** Flow coordinates of the minimap's top-left corner. */
  x: number;
  y: number;
  /** Flow units per minimap pixel. */
  scale: number;
}

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const sizeOf = (n: FlowNode): { width: number; height: number } => ({
  width: n.measured?.width ?? n.width ?? NODE_WIDTH,
  height: n.measured?.height ?? n.height ?? NODE_HEIGHT,
});

const union = (a: Rect, b: Rect): Rect => {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    width: Math.max(a.x + a.width, b.x + b.width) - x,
    height: Math.max(a.y + a.height, b.y + b.height) - y,
  };
};

/** Everything in the workflow plus what is in view, fitted into the minimap with a margin. */
const mappingFor = (nodes: readonly FlowNode[], view: Rect): Mapping => {
  let bounds = view;
  for (const n of nodes) bounds = union(bounds, { ...n.position, ...sizeOf(n) });
  const scale = Math.max(bounds.width / WIDTH, bounds.height / HEIGHT) * 1.1;
  return {
    x: bounds.x + bounds.width / 2 - (WIDTH / 2) * scale,
    y: bounds.y + bounds.height / 2 - (HEIGHT / 2) * scale,
    scale,
  };
};

export const CanvasMinimap = () => {
  const { binding } = useEditor();
  const store = useStoreApi();
  const { setCenter, getViewport } = useReactFlow();
  const canvas = useRef<HTMLCanvasElement>(null);
  const mapping = useRef<Mapping>({ x: 0, y: 0, scale: 1 });
  /** While the pointer pans, the mapping holds still, so the map does not slide under it. */
  const panning = useRef<Mapping | null>(null);

  useEffect(() => {
    const element = canvas.current;
    const context = element?.getContext('2d');
    if (!element || !context) return;
    let frame = 0;

    const draw = () => {
      frame = 0;
      const ratio = window.devicePixelRatio || 1;
      if (element.width !== WIDTH * ratio) {
        element.width = WIDTH * ratio;
        element.height = HEIGHT * ratio;
      }
      const css = getComputedStyle(element);
      const { transform, width, height } = store.getState();
      const [tx, ty, zoom] = transform;
      const view = { x: -tx / zoom, y: -ty / zoom, width: width / zoom, height: height / zoom };
      const nodes = binding.getSnapshot().nodes;
      const m = panning.current ?? mappingFor(nodes, view);
      mapping.current = m;

      context.setTransform(ratio / m.scale, 0, 0, ratio / m.scale, (-m.x * ratio) / m.scale, (-m.y * ratio) / m.scale);
      context.clearRect(m.x, m.y, WIDTH * m.scale, HEIGHT * m.scale);
      let color = '';
      for (const n of nodes) {
        const c = getNodeDefinition(n.data.node.type)?.color ?? '#9ca3af';
        if (c !== color) context.fillStyle = color = c;
        const { width: w, height: h } = sizeOf(n);
        context.fillRect(n.position.x, n.position.y, w, h);
      }
      // Shade what is out of view; outline the view.
      context.fillStyle = css.getPropertyValue('--minimap-mask').trim() || 'rgb(0 0 0 / 12%)';
      context.beginPath();
      context.rect(m.x, m.y, WIDTH * m.scale, HEIGHT * m.scale);
      context.rect(view.x, view.y, view.width, view.height);
      context.fill('evenodd');
      context.strokeStyle = css.getPropertyValue('--accent').trim() || '#4f46e5';
      context.lineWidth = 1.5 * m.scale;
      context.strokeRect(view.x, view.y, view.width, view.height);
    };
    const schedule = () => {
      frame ||= requestAnimationFrame(draw);
    };
    draw();
    const stopBinding = binding.subscribe(schedule);
    const stopStore = store.subscribe(schedule);
    // The theme changes the colours the map reads from CSS.
    const themes = new MutationObserver(schedule);
    themes.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class'] });
    return () => {
      cancelAnimationFrame(frame);
      stopBinding();
      stopStore();
      themes.disconnect();
    };
  }, [binding, store]);

  const toFlow = (event: PointerEvent | WheelEvent, m: Mapping) => {
    const box = event.currentTarget.getBoundingClientRect();
    return { x: m.x + (event.clientX - box.left) * m.scale, y: m.y + (event.clientY - box.top) * m.scale };
  };

  const centerOn = (event: PointerEvent, m: Mapping) => {
    const at = toFlow(event, m);
    void setCenter(at.x, at.y, { zoom: getViewport().zoom });
  };

  return (
    <Panel position="bottom-right" className="canvas-minimap">
      <canvas
        ref={canvas}
        role="img"
        aria-label="Minimap"
        title="Minimap: click or drag to move the view, scroll to zoom"
        style={{ width: WIDTH, height: HEIGHT }}
        onPointerDown={(event) => {
          if (event.button !== 0) return;
          event.currentTarget.setPointerCapture(event.pointerId);
          panning.current = mapping.current;
          centerOn(event, mapping.current);
        }}
        onPointerMove={(event) => {
          if (panning.current) centerOn(event, panning.current);
        }}
        onPointerUp={() => {
          panning.current = null;
        }}
        onPointerCancel={() => {
          panning.current = null;
        }}
        onWheel={(event) => {
          const { x, y, zoom } = getViewport();
          const { width, height } = store.getState();
          const next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom * Math.exp(-event.deltaY * 0.002)));
          void setCenter((width / 2 - x) / zoom, (height / 2 - y) / zoom, { zoom: next });
        }}
      />
    </Panel>
  );
};

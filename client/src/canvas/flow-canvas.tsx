import { useCallback, useEffect, useRef, useSyncExternalStore, type DragEvent } from 'react';
import {
  Background,
  BackgroundVariant,
  ConnectionLineType,
  Controls,
  ReactFlow,
  useReactFlow,
  useStore,
  useStoreApi,
  type Connection,
  type OnSelectionChangeParams,
  type Viewport as RFViewport,
} from '@xyflow/react';
import { useAtom, useAtomValue, useSetAtom } from 'jotai';
import { origins } from '#shared/origins.ts';
import { connect } from '#shared/schema/index.ts';
import { useEditor } from '../editor/editor-context.tsx';
import { NODE_DRAG_TYPE } from '../palette/palette.tsx';
import { RemoteCursors } from '../presence/remote-cursors.tsx';
import {
  followingAtom,
  minimapOpenAtom,
  selectedNodeIdsAtom,
  snapToGridAtom,
  themeAtom,
  toastAtom,
} from '../state/atoms.ts';
import type { FlowNode } from './flow-binding.ts';
import { CanvasMinimap } from './canvas-minimap.tsx';
import { SimpleDrawing, simpleAtZoom } from './level-of-detail.ts';
import { edgeTypes } from './run-edge.tsx';
import { nodeTypes } from './workflow-node.tsx';
import { useKeepSelectionInView } from './use-keep-selection-in-view.ts';
import { DiffGhosts } from '../history/diff-ghosts.tsx';

export const GRID = 20;

const VIRTUALIZE_ABOVE = 200;

/** Fitting never zooms past 100 %: a small workflow stays at its real size. */
const FIT = { padding: 0.2, maxZoom: 1 };

/*
 * Props React Flow copies into its store when their identity changes: module
 * constants, not literals, because the canvas renders on every frame of a drag.
 * A new defaultEdgeOptions re-rendered all 1,200 edge wrappers of the
 * benchmark's workflow on each frame (every edge reads it from the store).
 */
const SNAP_GRID: [number, number] = [GRID, GRID];
const MULTI_SELECTION_KEYS = ['Shift', 'Meta', 'Control'];
const DEFAULT_EDGE_OPTIONS = { type: 'run' };
const PRO_OPTIONS = { hideAttribution: true };

const isValidConnection = (c: { source: string; target: string }): boolean => c.source !== c.target;

export const FlowCanvas = ({
  onPointer,
  onAddNode,
}: {
  /** Where the pointer is on the canvas, in flow coordinates (pastes land there); null when it leaves. */
  onPointer: (at: { x: number; y: number } | null) => void;
  onAddNode: (type: string, at: { x: number; y: number }) => void;
}) => {
  const { binding, presence, canEdit, session } = useEditor();
  const snapshot = useSyncExternalStore(binding.subscribe, binding.getSnapshot);
  const { screenToFlowPosition, setCenter, fitView } = useReactFlow();
  const store = useStoreApi();
  // Re-renders this component only when the zoom crosses the level-of-detail threshold.
  const simple = useStore(simpleAtZoom);
  const snapToGrid = useAtomValue(snapToGridAtom);
  const showMinimap = useAtomValue(minimapOpenAtom);
  const theme = useAtomValue(themeAtom);
  const [following, setFollowing] = useAtom(followingAtom);
  const setSelected = useSetAtom(selectedNodeIdsAtom);
  const setToast = useSetAtom(toastAtom);
  const fitted = useRef(false);
  useKeepSelectionInView(binding);

  const onSelectionChange = useCallback(
    ({ nodes }: OnSelectionChangeParams) => {
      const ids = nodes.map((n) => n.id);
      setSelected((current) =>
        current.length === ids.length && current.every((id, i) => id === ids[i]) ? current : ids,
      );
      presence.setSelection(ids);
    },
    [presence, setSelected],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      try {
        connect(
          session.doc,
          {
            source: c.source,
            sourceHandle: c.sourceHandle ?? 'main',
            target: c.target,
            targetHandle: c.targetHandle ?? 'main',
          },
          origins.ui,
        );
      } catch (e) {
        setToast({ text: (e as Error).message, kind: 'error' });
      }
    },
    [session, setToast],
  );

  // Publish the centre of what this person sees, so others can follow them on any screen size.
  const publishViewport = useCallback(
    (vp: RFViewport) => {
      const { width, height } = store.getState();
      presence.setViewport({ x: (width / 2 - vp.x) / vp.zoom, y: (height / 2 - vp.y) / vp.zoom, zoom: vp.zoom });
    },
    [presence, store],
  );

  // Fit the graph once, when its nodes first arrive (from this device's copy or the server).
  const hasNodes = snapshot.nodes.length > 0;
  useEffect(() => {
    if (fitted.current || !hasNodes) return;
    fitted.current = true;
    void fitView(FIT);
  }, [hasNodes, fitView]);

  useEffect(() => {
    if (following === null) return;
    const apply = () => {
      const peer = presence.peers().find((p) => p.clientId === following);
      if (!peer) {
        setFollowing(null);
        return;
      }
      if (peer.viewport) void setCenter(peer.viewport.x, peer.viewport.y, { zoom: peer.viewport.zoom, duration: 120 });
    };
    apply();
    return presence.subscribe(apply);
  }, [following, presence, setCenter, setFollowing]);

  // Stable handlers: React Flow copies changed props into its store, which re-runs every node's selectors.
  const onMove = useCallback((_: unknown, vp: RFViewport) => publishViewport(vp), [publishViewport]);
  const onMoveStart = useCallback(
    (event: unknown) => {
      // A pan or zoom by this person (not one we applied while following) stops following.
      if (event) setFollowing(null);
    },
    [setFollowing],
  );
  const onInit = useCallback(
    (instance: { getViewport: () => RFViewport }) => publishViewport(instance.getViewport()),
    [publishViewport],
  );

  const onDragOver = (event: DragEvent) => {
    if (!canEdit || !event.dataTransfer.types.includes(NODE_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  };
  const onDrop = (event: DragEvent) => {
    const type = event.dataTransfer.getData(NODE_DRAG_TYPE);
    if (!canEdit || !type) return;
    event.preventDefault();
    onAddNode(type, screenToFlowPosition({ x: event.clientX, y: event.clientY }));
  };

  return (
    <div
      className="canvas"
      data-testid="canvas"
      data-detail={simple ? 'simple' : 'full'}
      onPointerMove={(e) => {
        const at = screenToFlowPosition({ x: e.clientX, y: e.clientY });
        onPointer(at);
        presence.setPointer(at);
      }}
      onPointerLeave={() => {
        onPointer(null);
        presence.setPointer(null);
      }}
      onDragOver={onDragOver}
      onDrop={onDrop}
    >
      <SimpleDrawing.Provider value={simple}>
        <ReactFlow<FlowNode>
          nodes={snapshot.nodes}
          edges={snapshot.edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={binding.applyNodeChanges}
          onEdgesChange={binding.applyEdgeChanges}
          onConnect={onConnect}
          isValidConnection={isValidConnection}
          onSelectionChange={onSelectionChange}
          onMove={onMove}
          onMoveStart={onMoveStart}
          onInit={onInit}
          // Large workflows: only nodes and edges in view are in the DOM (small ones keep all, so panning never pops).
          onlyRenderVisibleElements={snapshot.nodes.length > VIRTUALIZE_ABOVE}
          nodesDraggable={canEdit}
          nodesConnectable={canEdit}
          edgesReconnectable={false}
          deleteKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={MULTI_SELECTION_KEYS}
          snapToGrid={snapToGrid}
          snapGrid={SNAP_GRID}
          minZoom={0.05}
          maxZoom={2.5}
          connectionLineType={ConnectionLineType.SmoothStep}
          defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
          colorMode={theme}
          proOptions={PRO_OPTIONS}
          aria-label="Workflow canvas"
        >
          <Background variant={BackgroundVariant.Dots} gap={GRID} size={1.2} />
          <Controls showInteractive={false} fitViewOptions={FIT} aria-label="Zoom controls" />
          {showMinimap && <CanvasMinimap />}
          <RemoteCursors presence={presence} />
          <DiffGhosts />
        </ReactFlow>
      </SimpleDrawing.Provider>
    </div>
  );
};

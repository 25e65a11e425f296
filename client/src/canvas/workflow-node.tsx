import { memo } from 'react';
import { useSyncExternalStore } from 'react';
import { Handle, NodeToolbar, Position, type NodeProps } from '@xyflow/react';
import { getNodeDefinition, nodePorts } from '#shared/nodes/index.ts';
import { useDiffMark, useEditor, useNodeRun, usePeersSelecting, useWillRun } from '../editor/editor-context.tsx';
import { ended } from '../runs/execution-detail.ts';
import { NodeRunActions } from '../runs/node-run-actions.tsx';
import type { FlowNode } from './flow-binding.ts';
import { NodeIcon } from './node-icons.tsx';
import { SoftLockTag } from '../presence/soft-locks.tsx';
import { NodeCommentMarker } from '../comments/comment-marker.tsx';
import { Pin } from 'lucide-react';
import { usePin } from '../runs/pins.ts';
import { useSimpleDrawing } from './level-of-detail.ts';

const STICKY_COLORS: Record<string, string> = {
  yellow: '#fff4b8',
  blue: '#dbeafe',
  green: '#dcfce7',
  pink: '#fce7f3',
  gray: '#e5e7eb',
};

const handleTop = (index: number, count: number): string => `${((index + 1) / (count + 1)) * 100}%`;

/** Remote selections: an outline in each selecting person's colour, their names on a tag. */
const RemoteSelection = ({ nodeId }: { nodeId: string }) => {
  const { presence } = useEditor();
  const peers = usePeersSelecting(presence, nodeId);
  if (peers.length === 0) return null;
  const shadow = peers.map((p, i) => `0 0 0 ${2 + i * 3}px ${p.user.color}`).join(', ');
  return (
    <>
      <div className="remote-outline" style={{ boxShadow: shadow }} data-testid="remote-selection" />
      <div className="remote-tag" style={{ background: peers[0]?.user.color }}>
        {peers.map((p) => p.user.name).join(', ')}
      </div>
    </>
  );
};

/** The node's part in the run shown in the room: a status badge with its item counts. */
const RunBadge = ({ nodeId }: { nodeId: string }) => {
  const { runs } = useEditor();
  const run = useNodeRun(runs, nodeId);
  if (!run || run.status === 'queued') return null;
  const items = run.itemsOut ? Object.values(run.itemsOut).reduce((a, b) => a + b, 0) : undefined;
  const count = `${items ?? 0} item${items === 1 ? '' : 's'}`;
  const label =
    run.status === 'running'
      ? 'running'
      : run.status === 'skipped'
        ? 'skipped'
        : run.status === 'failed'
          ? 'failed'
          : run.origin
            ? `${run.origin} · ${count}`
            : count;
  const title =
    run.origin === 'reused'
      ? 'Not run: its output from the run this one built on is reused (nothing it depends on changed)'
      : run.origin === 'pinned'
        ? 'Not run: its pinned data is its output'
        : (run.error ?? `${run.status}${run.durationMs !== undefined ? ` in ${Math.round(run.durationMs)} ms` : ''}`);
  return (
    <div
      className={`run-badge run-${run.status} ${run.origin ? `run-${run.origin}` : ''}`}
      data-testid="run-badge"
      data-status={run.status}
      data-origin={run.origin ?? 'ran'}
      title={title}
    >
      {label}
    </div>
  );
};

/** A hollow dot on nodes the next "Run" runs again (the others are reused); the tooltip says why. Hidden while a run is in flight. */
const WillRunDot = ({ nodeId }: { nodeId: string }) => {
  const { planner, runs } = useEditor();
  const reason = useWillRun(planner, nodeId);
  const running = useSyncExternalStore(runs.subscribe, () => {
    const live = runs.getExecution();
    return live !== null && !ended(live.status);
  });
  if (!reason || running) return null;
  return <div className="will-run-dot" data-testid="will-run" title={`Runs in the next run: ${reason}`} />;
};

/**
 * Execute Workflow: how far the sub-workflow it waits for is (nodes done of all), as a ring and a count; the
 * server writes it on the node's live entry (docs/plans/n8n-daily.md §6.3).
 */
const ChildProgress = ({ nodeId }: { nodeId: string }) => {
  const { runs } = useEditor();
  const child = useNodeRun(runs, nodeId)?.child;
  if (!child) return null;
  const share = child.nodesTotal > 0 ? child.nodesDone / child.nodesTotal : 0;
  return (
    <div
      className={`child-progress child-${child.status}`}
      data-testid="child-progress"
      data-status={child.status}
      data-done={child.nodesDone}
      data-total={child.nodesTotal}
      title={`Sub-workflow run ${child.executionId}: ${child.status}, ${child.nodesDone} of ${child.nodesTotal} nodes done`}
    >
      <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">
        <circle cx="7" cy="7" r="5.5" className="child-progress-track" />
        <circle
          cx="7"
          cy="7"
          r="5.5"
          className="child-progress-done"
          strokeDasharray={`${share * 34.56} 34.56`}
          transform="rotate(-90 7 7)"
        />
      </svg>
      <span>
        {child.nodesDone}/{child.nodesTotal}
        {child.runs !== undefined && (
          <span data-testid="child-runs">
            {' '}
            · run {child.runs}
            {child.failed ? `, ${child.failed} failed` : ''}
          </span>
        )}
      </span>
    </div>
  );
};

/** A pin on the node's corner when its output is pinned: runs in the editor use the pin instead of running it. */
const PinMarker = ({ nodeId }: { nodeId: string }) => {
  const { session } = useEditor();
  const pin = usePin(session.doc, nodeId);
  if (!pin) return null;
  return (
    <div
      className="pin-marker"
      data-testid="pin-marker"
      title={`Pinned: ${pin.items.length} item${pin.items.length === 1 ? '' : 's'}`}
    >
      <Pin size={11} aria-hidden="true" />
    </div>
  );
};

/** A word on the node's edge while a version is compared with now ("Compare with now" in the history panel). */
const DiffTag = ({ mark }: { mark: string | undefined }) =>
  mark ? (
    <div className="diff-tag" aria-hidden="true">
      {mark}
    </div>
  ) : null;

const StickyNoteNode = ({ data, selected, id }: NodeProps<FlowNode>) => {
  const { parameters } = data.node;
  const { diff } = useEditor();
  const mark = useDiffMark(diff, id);
  const width = typeof parameters.width === 'number' ? parameters.width : 240;
  const height = typeof parameters.height === 'number' ? parameters.height : 160;
  const color = STICKY_COLORS[String(parameters.color)] ?? STICKY_COLORS.yellow;
  return (
    <div
      className={`sticky ${selected ? 'selected' : ''}`}
      style={{ width, height, background: color }}
      data-testid="canvas-node"
      data-node-name={data.node.name}
      data-diff={mark}
    >
      <RemoteSelection nodeId={id} />
      <DiffTag mark={mark} />
      {typeof parameters.content === 'string' && parameters.content.trim() ? (
        <div className="sticky-text">{parameters.content}</div>
      ) : (
        <div className="sticky-text sticky-empty">Empty note: write in its Content field.</div>
      )}
    </div>
  );
};

/**
 * Where edges attach in the simple form: the handles' boxes without React
 * Flow's Handle (which subscribes to the store for connections). React Flow
 * measures handles by their class and data attributes, so edges keep their
 * ends; they sit where the handles sit, so an edge does not move when the
 * full form comes back without the node being measured again.
 */
const Anchors = ({ nodeId, type, names }: { nodeId: string; type: 'source' | 'target'; names: string[] }) =>
  names.map((name, i) => (
    <span
      key={name}
      className={`wf-node-anchor ${type}`}
      data-handleid={name}
      data-nodeid={nodeId}
      data-handlepos={type === 'source' ? Position.Right : Position.Left}
      style={{ top: handleTop(i, names.length) }}
    />
  ));

/** The zoomed-out form (see level-of-detail.ts): a rectangle in the node's colour, its name only as a tooltip. */
const SimpleNode = ({ data, selected, id }: NodeProps<FlowNode>) => {
  const node = data.node;
  const def = getNodeDefinition(node.type);
  if (def?.annotation) {
    const { width, height, color } = node.parameters;
    return (
      <div
        className={`sticky sticky-simple ${selected ? 'selected' : ''}`}
        style={{
          width: typeof width === 'number' ? width : 240,
          height: typeof height === 'number' ? height : 160,
          background: STICKY_COLORS[String(color)] ?? STICKY_COLORS.yellow,
        }}
        data-testid="canvas-node"
        data-node-name={node.name}
        data-detail="simple"
      />
    );
  }
  const ports = nodePorts(node);
  const classes = ['wf-node', 'wf-node-simple', selected ? 'selected' : '', node.disabled ? 'disabled' : ''];
  return (
    <div
      className={classes.join(' ')}
      style={{ '--node-color': def?.color ?? '#6b7280' } as React.CSSProperties}
      data-testid="canvas-node"
      data-node-name={node.name}
      data-node-type={node.type}
      data-detail="simple"
      title={node.name}
    >
      <Anchors nodeId={id} type="target" names={ports.inputs.map((p) => p.name)} />
      <Anchors nodeId={id} type="source" names={ports.outputs.map((p) => p.name)} />
    </div>
  );
};

const WorkflowNodeView = (props: NodeProps<FlowNode>) =>
  useSimpleDrawing() ? <SimpleNode {...props} /> : <DetailedNode {...props} />;

const DetailedNode = (props: NodeProps<FlowNode>) => {
  const { data, selected, dragging, id } = props;
  const node = data.node;
  const def = getNodeDefinition(node.type);
  const { diff } = useEditor();
  const mark = useDiffMark(diff, id);
  if (def?.annotation) return <StickyNoteNode {...props} />;
  const ports = nodePorts(node);
  const classes = ['wf-node', selected ? 'selected' : '', node.disabled ? 'disabled' : '', def ? '' : 'unsupported'];
  return (
    <div
      className={classes.join(' ')}
      style={{ '--node-color': def?.color ?? '#6b7280' } as React.CSSProperties}
      data-testid="canvas-node"
      data-node-name={node.name}
      data-node-type={node.type}
      data-diff={mark}
      data-detail="full"
      title={def ? def.description : `"${node.type}" is not a node type Weft knows; it is kept as it was imported.`}
    >
      <RemoteSelection nodeId={id} />
      <RunBadge nodeId={id} />
      <WillRunDot nodeId={id} />
      <PinMarker nodeId={id} />
      {selected && !dragging && (
        // Mounted only while selected: a toolbar follows the viewport, and every node following it would cost each pan.
        <NodeToolbar isVisible position={Position.Top}>
          <NodeRunActions nodeId={id} compact />
        </NodeToolbar>
      )}
      {node.type === 'executeWorkflow' && <ChildProgress nodeId={id} />}
      <SoftLockTag nodeId={id} />
      <NodeCommentMarker nodeId={id} />
      <DiffTag mark={mark} />
      {ports.inputs.map((port, i) => (
        <Handle
          key={port.name}
          id={port.name}
          type="target"
          position={Position.Left}
          style={{ top: handleTop(i, ports.inputs.length) }}
          title={port.label}
        />
      ))}
      <div className="wf-node-icon">
        <NodeIcon icon={def?.icon} />
      </div>
      <div className="wf-node-text">
        <div className="wf-node-name">{node.name}</div>
        <div className="wf-node-type">
          {def ? def.label : `Unsupported: ${node.type}`}
          {node.disabled ? ' · disabled' : ''}
        </div>
      </div>
      {ports.outputs.map((port, i) => (
        <Handle
          key={port.name}
          id={port.name}
          type="source"
          position={Position.Right}
          className={port.name === 'error' ? 'handle-error' : undefined}
          style={{ top: handleTop(i, ports.outputs.length) }}
          title={port.label}
        >
          {ports.outputs.length > 1 && <span className="handle-label">{port.label}</span>}
        </Handle>
      ))}
    </div>
  );
};

export const WorkflowNode = memo(WorkflowNodeView);
export const nodeTypes = { workflow: WorkflowNode };

import { useMemo } from 'react';
import { useAtomValue } from 'jotai';
import {
  Background,
  BackgroundVariant,
  Controls,
  Handle,
  Position,
  ReactFlow,
  ReactFlowProvider,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react';
import type { VersionDetailDto } from '#shared/api/versions.ts';
import { getNodeDefinition, nodePorts } from '#shared/nodes/index.ts';
import type { DefinitionNode } from '#shared/schema/index.ts';
import { GRID } from '../canvas/flow-canvas.tsx';
import { NodeIcon } from '../canvas/node-icons.tsx';
import { themeAtom } from '../state/atoms.ts';
import { timeOf, versionTitle } from './format.ts';

type VersionFlowNode = Node<{ node: DefinitionNode }, 'version'>;

const handleTop = (index: number, count: number): string => `${((index + 1) / (count + 1)) * 100}%`;

/**
 * A node of a past version, drawn like the live canvas's but from plain data:
 * the live node reads presence, runs and comments of the session, which a
 * version has none of.
 */
const VersionNode = ({ data }: NodeProps<VersionFlowNode>) => {
  const { node } = data;
  const def = getNodeDefinition(node.type);
  if (def?.annotation) {
    const content = typeof node.parameters.content === 'string' ? node.parameters.content : '';
    return (
      <div className="sticky version-sticky" data-testid="version-canvas-node" data-node-name={node.name}>
        <div className="sticky-text">{content}</div>
      </div>
    );
  }
  const ports = nodePorts(node);
  return (
    <div
      className={`wf-node${node.disabled ? ' disabled' : ''}${def ? '' : ' unsupported'}`}
      style={{ '--node-color': def?.color ?? '#6b7280' } as React.CSSProperties}
      data-testid="version-canvas-node"
      data-node-name={node.name}
    >
      {ports.inputs.map((port, i) => (
        <Handle
          key={port.name}
          id={port.name}
          type="target"
          position={Position.Left}
          isConnectable={false}
          style={{ top: handleTop(i, ports.inputs.length) }}
        />
      ))}
      <div className="wf-node-icon">
        <NodeIcon icon={def?.icon} />
      </div>
      <div className="wf-node-text">
        <div className="wf-node-name">{node.name}</div>
        <div className="wf-node-type">{def ? def.label : `Unsupported: ${node.type}`}</div>
      </div>
      {ports.outputs.map((port, i) => (
        <Handle
          key={port.name}
          id={port.name}
          type="source"
          position={Position.Right}
          isConnectable={false}
          className={port.name === 'error' ? 'handle-error' : undefined}
          style={{ top: handleTop(i, ports.outputs.length) }}
        />
      ))}
    </div>
  );
};

const nodeTypes = { version: VersionNode };

/**
 * A definition drawn read-only: a past version, or a template's preview. Its
 * own React Flow provider, so a canvas underneath keeps its viewport and
 * selection.
 */
export const DefinitionCanvas = ({
  definition,
  label,
}: {
  definition: {
    nodes: readonly DefinitionNode[];
    edges: readonly {
      id?: string | undefined;
      source: string;
      sourceHandle: string;
      target: string;
      targetHandle: string;
    }[];
  };
  label: string;
}) => {
  const theme = useAtomValue(themeAtom);
  const { nodes, edges } = useMemo(() => {
    const nodes: VersionFlowNode[] = definition.nodes.map((node) => ({
      id: node.id,
      type: 'version',
      position: node.position,
      data: { node },
      draggable: false,
      connectable: false,
      selectable: false,
    }));
    const edges: Edge[] = definition.edges.map((e) => ({
      id: e.id ?? `${e.source}:${e.sourceHandle}->${e.target}:${e.targetHandle}`,
      source: e.source,
      sourceHandle: e.sourceHandle,
      target: e.target,
      targetHandle: e.targetHandle,
      type: 'smoothstep',
      selectable: false,
    }));
    return { nodes, edges };
  }, [definition]);
  return (
    <ReactFlowProvider>
      <ReactFlow<VersionFlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        deleteKeyCode={null}
        fitView
        fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
        minZoom={0.05}
        maxZoom={2.5}
        colorMode={theme}
        proOptions={{ hideAttribution: true }}
        aria-label={label}
      >
        <Background variant={BackgroundVariant.Dots} gap={GRID} size={1.2} />
        <Controls showInteractive={false} aria-label={`${label} zoom controls`} />
      </ReactFlow>
    </ReactFlowProvider>
  );
};

/** A version opened from the history panel, read-only, over the live canvas (which goes on underneath). */
export const VersionCanvas = ({ version, onClose }: { version: VersionDetailDto; onClose: () => void }) => (
  <section className="version-canvas" aria-label="Version canvas (read-only)">
    <div className="version-canvas-bar" role="status">
      <span>
        Viewing <strong>{versionTitle({ kind: version.kind ?? 'auto', name: version.name })}</strong> from{' '}
        {timeOf(version.createdAt)}, read-only
      </span>
      <button type="button" onClick={onClose}>
        Back to the live workflow
      </button>
    </div>
    <DefinitionCanvas definition={version.definition} label="Version canvas" />
  </section>
);

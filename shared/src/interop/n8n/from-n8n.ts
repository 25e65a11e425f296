import { ErrorCodes, UserError, type Issue } from '../../errors.ts';
import { createId, isValidId } from '../../ids.ts';
import { getNodeDefinition, getParamSpec } from '../../nodes/catalog.ts';
import { nodePorts } from '../../nodes/ports.ts';
import { STICKY_HEIGHT, STICKY_WIDTH } from '../../nodes/node-size.ts';
import { MAIN } from '../../nodes/types.ts';
import { DEFINITION_FORMAT, type DefinitionNode, type WorkflowDefinitionInput } from '../../schema/definition.ts';
import { checkParamValue } from '../../schema/params.ts';
import { unsupportedExpressionFeatures } from './expression-features.ts';
import { n8nWorkflowSchema } from './n8n-file.ts';
import { layoutFromN8n, type LayoutInput } from './layout.ts';
import { itemListsTarget } from './mappers/item-lists.ts';
import { mapParameters } from './parameters.ts';
import { notCarried } from './not-carried.ts';
import { carryNodeSettings, carryWorkflowSettings } from './settings.ts';
import { pinsFromN8n } from './pins.ts';
import { ParamReader, record, type Params } from './param-reader.ts';

/**
 * n8n workflow JSON → a Weft workflow definition (then imported like any
 * other). Node types Weft has are mapped, parameters included; other types
 * stay as "unsupported" nodes with their parameters kept, so the graph is
 * whole and nothing is lost. Everything that could not be carried over is
 * reported as a warning naming the node.
 */

const N8N_PREFIX = 'n8n-nodes-base.';

export interface FromN8nResult {
  definition: WorkflowDefinitionInput;
  warnings: Issue[];
}

interface Converted {
  node: DefinitionNode;
  /** Weft's type when Weft has it. */
  known: boolean;
  /** Where n8n drew it. */
  layout: LayoutInput;
}

/**
 * Weft's type for an n8n node, and the mapper of its n8n type (Item Lists becomes a node per operation;
 * the legacy Function and Function Item nodes become Code nodes).
 */
/** n8n's Split In Batches before version 3 had one output and a different way to end (`noItemsLeft`). */
const LOOP_FIRST_VERSION = 3;

const weftType = (
  n8nType: string,
  params: Params,
  version: number,
): { type: string; known: boolean; mapper: string } => {
  const short = n8nType.startsWith(N8N_PREFIX) ? n8nType.slice(N8N_PREFIX.length) : undefined;
  if (short === 'splitInBatches' && version < LOOP_FIRST_VERSION)
    return { type: n8nType.slice(0, 128), known: false, mapper: '' };
  const target =
    short === 'itemLists' ? itemListsTarget(params) : short === 'function' || short === 'functionItem' ? 'code' : short;
  if (short !== undefined && target !== undefined && getNodeDefinition(target))
    return { type: target, known: true, mapper: short };
  return { type: n8nType.slice(0, 128), known: false, mapper: '' };
};

export const fromN8n = (input: unknown): FromN8nResult => {
  const parsed = n8nWorkflowSchema.safeParse(input);
  if (!parsed.success) {
    const issues: Issue[] = parsed.error.issues.map((issue) => ({
      path: issue.path.filter((p): p is string | number => typeof p !== 'symbol'),
      message: `n8n workflow, field "${issue.path.map(String).join('.') || '(top)'}": ${issue.message}`,
      severity: 'error',
    }));
    throw new UserError(ErrorCodes.validationFailed, 'This n8n workflow file could not be read', { issues });
  }
  const workflow = parsed.data;
  const warnings: Issue[] = [];
  const warn = (path: (string | number)[], message: string) => warnings.push({ path, message, severity: 'warning' });

  const byName = new Map<string, Converted>();
  const usedIds = new Set<string>();
  workflow.nodes.forEach((n, index) => {
    const at = ['nodes', index];
    const label = `Node "${n.name}"`;
    if (byName.has(n.name)) {
      warn(at, `${label} appears twice; the second was left out`);
      return;
    }
    const { type, known, mapper } = weftType(n.type, n.parameters ?? {}, n.typeVersion ?? 1);
    if (!known && n.type === `${N8N_PREFIX}splitInBatches`)
      warn(
        at,
        `${label}: Split In Batches ${n.typeVersion ?? 1} (one output, ended with "noItemsLeft") is kept as it was but cannot run; Loop Over Items (version 3) replaces it`,
      );
    const id = isValidId(n.id) && !usedIds.has(n.id) ? n.id : createId();
    usedIds.add(id);
    const n8nParams = n.parameters ?? {};
    let parameters: Params = n8nParams;
    if (known) {
      const reader = new ParamReader(n8nParams, n.typeVersion ?? 1);
      parameters = {};
      for (const [name, value] of Object.entries(record(reader.carry(mapParameters(mapper, reader))))) {
        const spec = getParamSpec(type, name);
        const problem = spec ? checkParamValue(spec, value) : 'is not a parameter of this node';
        if (problem) warn([...at, 'parameters', name], `${label}: "${name}" ${problem}; the default is used`);
        else parameters[name] = value;
      }
      for (const message of reader.problems) warn([...at, 'parameters'], `${label}: ${message}`);
      for (const p of reader.unread()) {
        const message = notCarried(n.type.slice(N8N_PREFIX.length), reader.version, p);
        if (message) warn([...at, 'parameters', p.path], `${label}: ${message}`);
      }
    }
    // Types Weft lacks are reported by the definition's validation, which keeps them as unsupported nodes.
    const features = unsupportedExpressionFeatures(parameters);
    if (features.length > 0) {
      warn(
        [...at, 'parameters'],
        `${label}: its expressions or code use ${features.join(', ')}, which Weft does not have`,
      );
    }

    const node: DefinitionNode = {
      id,
      name: n.name.slice(0, 128),
      type,
      typeVersion: 1,
      // Placed with the others once all are read (layoutFromN8n).
      position: { x: 0, y: 0 },
      parameters,
    };
    carryNodeSettings(n, node, at, warn);
    const layout: LayoutInput = { position: { x: n.position?.[0] ?? index * 220, y: n.position?.[1] ?? 0 } };
    if (known && type === 'stickyNote') {
      const size = (v: unknown, fallback: number) => (typeof v === 'number' && v > 0 ? v : fallback);
      layout.sticky = { width: size(n8nParams.width, STICKY_WIDTH), height: size(n8nParams.height, STICKY_HEIGHT) };
    }
    byName.set(n.name, { node, known, layout });
  });

  const edges: { source: string; sourceHandle: string; target: string; targetHandle: string }[] = [];
  for (const [sourceName, byType] of Object.entries(workflow.connections)) {
    const source = byName.get(sourceName);
    if (!source) {
      warn(['connections', sourceName], `Connections from "${sourceName}", a node that does not exist, were left out`);
      continue;
    }
    for (const [connectionType, outputs] of Object.entries(byType)) {
      if (connectionType !== MAIN) {
        warn(
          ['connections', sourceName, connectionType],
          `"${sourceName}": ${connectionType} connections are not supported`,
        );
        continue;
      }
      const sourcePorts = nodePorts(source.node).outputs;
      (outputs ?? []).forEach((targets, outputIndex) => {
        const sourceHandle = source.known
          ? sourcePorts[outputIndex]?.name
          : outputIndex === 0
            ? MAIN
            : `output${outputIndex}`;
        for (const t of targets ?? []) {
          const target = byName.get(t.node);
          if (!target) {
            warn(
              ['connections', sourceName],
              `A connection from "${sourceName}" to a missing node "${t.node}" was left out`,
            );
            continue;
          }
          if (!sourceHandle) {
            warn(
              ['connections', sourceName],
              `"${sourceName}" has no output ${outputIndex + 1} in Weft; its connection to "${t.node}" was left out`,
            );
            continue;
          }
          const targetPorts = nodePorts(target.node).inputs;
          const targetHandle = target.known ? targetPorts[t.index]?.name : t.index === 0 ? MAIN : `input${t.index + 1}`;
          if (!targetHandle) {
            warn(
              ['connections', sourceName],
              `"${t.node}" has no input ${t.index + 1} in Weft; the connection from "${sourceName}" was left out`,
            );
            continue;
          }
          edges.push({ source: source.node.id, sourceHandle, target: target.node.id, targetHandle });
        }
      });
    }
  }

  const settings = carryWorkflowSettings(workflow, warn);
  const pins = pinsFromN8n(workflow.pinData, (name) => byName.get(name)?.node.id, warn);

  const converted = [...byName.values()];
  layoutFromN8n(converted.map((c) => c.layout)).forEach((placed, i) => {
    const c = converted[i];
    if (!c) return;
    c.node.position = placed.position;
    if (placed.size) c.node.parameters = { ...c.node.parameters, ...placed.size };
  });

  return {
    definition: {
      weft: DEFINITION_FORMAT,
      name: workflow.name?.trim().slice(0, 200) || 'Imported from n8n',
      ...(workflow.description ? { description: workflow.description.slice(0, 100_000) } : {}),
      settings,
      nodes: [...byName.values()].map((c) => c.node),
      edges,
      ...(pins ? { pins } : {}),
    },
    warnings,
  };
};

import type * as Y from 'yjs';
import { defaultParameters, getNodeDefinition, hasInput, hasOutput } from '../nodes/catalog.ts';
import { DEFINITION_FORMAT, type DefinitionEdge, type DefinitionNode, type WorkflowDefinition } from './definition.ts';
import { resolveNames } from './names.ts';
import { checkParamValue } from './params.ts';
import {
  compareEdges,
  DEFAULT_NODE_SETTINGS,
  readMeta,
  readNodes,
  readStoredEdges,
  type NodeSnapshot,
} from './read.ts';
import { edgeId, type EdgeValue } from './roots.ts';

const withoutOrder = ({ source, sourceHandle, target, targetHandle }: EdgeValue) => ({
  source,
  sourceHandle,
  target,
  targetHandle,
});

/**
 * Parameters as the definition carries them: for known types every parameter
 * of the spec (stored value if valid, otherwise the default) plus any extra
 * stored ones; for unsupported types exactly what is stored.
 */
const definitionParameters = (node: NodeSnapshot): Record<string, unknown> => {
  const def = getNodeDefinition(node.type);
  if (!def) return { ...node.parameters };
  const params = defaultParameters(node.type);
  for (const [name, value] of Object.entries(node.parameters)) {
    const spec = def.params.find((p) => p.name === name);
    if (!spec || checkParamValue(spec, value) === null) params[name] = value;
  }
  return params;
};

const toDefinitionNode = (node: NodeSnapshot, name: string): DefinitionNode => {
  const out: DefinitionNode = {
    id: node.id,
    name,
    type: node.type,
    typeVersion: node.typeVersion,
    position: node.position,
    parameters: definitionParameters(node),
  };
  if (node.disabled) out.disabled = true;
  if (node.notes.length > 0) out.notes = node.notes;
  if (Object.keys(node.credentials).length > 0) out.credentials = node.credentials;
  if (node.retryOnFail !== DEFAULT_NODE_SETTINGS.retryOnFail) out.retryOnFail = node.retryOnFail;
  if (node.maxTries !== DEFAULT_NODE_SETTINGS.maxTries) out.maxTries = node.maxTries;
  if (node.waitBetweenTries !== DEFAULT_NODE_SETTINGS.waitBetweenTries) out.waitBetweenTries = node.waitBetweenTries;
  if (node.onError !== DEFAULT_NODE_SETTINGS.onError) out.onError = node.onError;
  if (node.timeoutSeconds !== DEFAULT_NODE_SETTINGS.timeoutSeconds) out.timeoutSeconds = node.timeoutSeconds;
  if (node.alwaysOutputData) out.alwaysOutputData = true;
  if (node.executeOnce) out.executeOnce = true;
  return out;
};

/**
 * The workflow definition a document stands for (SPEC DOC6): unique names by
 * the naming rule, no edge whose node or handle is missing, nodes in id order,
 * edges in the order they were made (EdgeValue.order, then id: n8n's
 * connection order). Derived on every call, so it is valid whatever the merge
 * produced.
 */
export const toDefinition = (doc: Y.Doc): WorkflowDefinition => {
  const meta = readMeta(doc);
  const nodes = readNodes(doc);
  const names = resolveNames(nodes);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const ranked: { id: string; order: number | undefined; edge: DefinitionEdge }[] = [];
  for (const [, edge] of readStoredEdges(doc)) {
    if (!edge) continue;
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) continue;
    if (!hasOutput(source.type, edge.sourceHandle) || !hasInput(target.type, edge.targetHandle)) continue;
    const id = edgeId(edge);
    ranked.push({ id, order: edge.order, edge: { id, ...withoutOrder(edge) } });
  }
  const definition: WorkflowDefinition = {
    weft: DEFINITION_FORMAT,
    name: meta.name,
    settings: meta.settings,
    nodes: nodes.map((n) => toDefinitionNode(n, names.get(n.id) ?? n.name)),
    edges: ranked.sort(compareEdges).map((r) => r.edge),
  };
  if (meta.description.length > 0) definition.description = meta.description;
  return definition;
};

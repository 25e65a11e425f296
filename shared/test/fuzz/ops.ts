import * as prng from 'lib0/prng';
import type * as Y from 'yjs';
import { nodeDefinitions } from '../../src/nodes/catalog.ts';
import { isTextParam, type NodeDefinition, type ParamSpec } from '../../src/nodes/types.ts';
import type { Origin } from '../../src/origins.ts';
import {
  addNode,
  connect,
  deleteNode,
  disconnect,
  edgesMap,
  getParameterText,
  moveNode,
  pinNode,
  pinsMap,
  readNodes,
  renameNode,
  setNotes,
  setParameter,
  unpinNode,
} from '../../src/schema/index.ts';

/**
 * Random workflow edits through the typed document API, for the convergence
 * fuzz here and the multi-client tests of the sync server. A small name pool
 * makes concurrent same-name creations and renames likely.
 */

const NAME_POOL = ['HTTP Request', 'Set', 'IF', 'Check', 'Fetch', 'Fetch1', 'Notify'];
const execTypes = nodeDefinitions.filter((d) => !d.annotation);

const randomValue = (r: prng.PRNG, spec: ParamSpec): unknown => {
  switch (spec.kind) {
    case 'string':
    case 'json':
    case 'code':
      return prng.word(r, 0, 12);
    case 'number': {
      const min = spec.min ?? -1000;
      const max = spec.max ?? 1000;
      return prng.int32(r, Math.ceil(min), Math.floor(Math.min(max, min + 100_000)));
    }
    case 'boolean':
      return prng.bool(r);
    case 'options':
      return prng.oneOf(r, [...spec.options]).value;
    case 'list':
      return prng.bool(r) ? [] : [{ ...Object.fromEntries(spec.fields.map((f) => [f.name, f.default])) }];
  }
};

/**
 * Applies one random edit to `doc` and returns a line for the op log. May
 * throw a UserError with code "conflict" (a rename to a taken name), as a
 * person's edit would be refused.
 */
export const randomEdit = (r: prng.PRNG, doc: Y.Doc, who: string, nextId: () => number, origin: Origin): string => {
  const nodes = readNodes(doc);
  const pick = () => (nodes.length > 0 ? prng.oneOf(r, nodes) : undefined);
  const roll = prng.int32(r, 0, 99);
  if (roll < 18 || nodes.length < 2) {
    const def: NodeDefinition = prng.oneOf(r, execTypes);
    const id = `n${String(nextId()).padStart(4, '0')}${prng.word(r, 2, 2).replace(/[^A-Za-z0-9]/g, 'x')}`;
    const name = prng.int32(r, 0, 2) === 0 ? prng.oneOf(r, NAME_POOL) : undefined;
    addNode(
      doc,
      {
        id,
        type: def.type,
        position: { x: prng.int32(r, 0, 900), y: prng.int32(r, 0, 900) },
        ...(name ? { name } : {}),
      },
      origin,
    );
    return `${who} adds ${def.type} ${id}${name ? ` named "${name}"` : ''}`;
  }
  const node = pick();
  if (!node) return `${who} has nothing to edit`;
  if (roll < 33) {
    moveNode(doc, node.id, { x: prng.int32(r, -500, 1500), y: prng.int32(r, -500, 1500) }, origin);
    return `${who} moves ${node.id}`;
  }
  if (roll < 43) {
    const name = prng.oneOf(r, NAME_POOL);
    renameNode(doc, node.id, name, origin);
    return `${who} renames ${node.id} to "${name}"`;
  }
  if (roll < 51) {
    deleteNode(doc, node.id, origin);
    return `${who} deletes ${node.id}`;
  }
  const def = execTypes.find((d) => d.type === node.type);
  if (roll < 66 && def && def.params.length > 0) {
    const spec = prng.oneOf(r, [...def.params]);
    const text = isTextParam(spec) ? getParameterText(doc, node.id, spec.name) : undefined;
    if (text && prng.bool(r)) {
      const at = prng.int32(r, 0, text.length);
      text.insert(at, prng.word(r, 1, 4));
      return `${who} types into ${node.id}.${spec.name}`;
    }
    setParameter(doc, node.id, spec.name, randomValue(r, spec), origin);
    return `${who} sets ${node.id}.${spec.name}`;
  }
  if (roll < 70) {
    setNotes(doc, node.id, prng.word(r, 0, 20), origin);
    return `${who} edits notes of ${node.id}`;
  }
  if (roll < 74) {
    if (pinsMap(doc).has(node.id) && prng.bool(r)) {
      unpinNode(doc, node.id, origin);
      return `${who} unpins ${node.id}`;
    }
    const items = Array.from({ length: prng.int32(r, 0, 3) }, (_, i) => ({ i, w: prng.word(r, 0, 8) }));
    pinNode(doc, node.id, items, { by: who, source: 'typed', at: prng.int32(r, 0, 1000) }, origin);
    return `${who} pins ${items.length} items on ${node.id}`;
  }
  if (roll < 90) {
    const source = pick();
    const target = pick();
    const sdef = source && execTypes.find((d) => d.type === source.type);
    const tdef = target && execTypes.find((d) => d.type === target.type);
    const outputs = sdef
      ? [...sdef.outputs.map((o) => o.name), ...(sdef.dynamicOutputs ? ['output0', 'output1'] : [])]
      : [];
    if (!source || !target || !tdef || outputs.length === 0 || tdef.inputs.length === 0)
      return `${who} finds nothing to connect`;
    const sourceHandle = prng.oneOf(r, outputs);
    const targetHandle = prng.oneOf(r, [...tdef.inputs]).name;
    connect(doc, { source: source.id, sourceHandle, target: target.id, targetHandle }, origin);
    return `${who} connects ${source.id}.${sourceHandle} → ${target.id}.${targetHandle}`;
  }
  const edges = [...edgesMap(doc).keys()];
  if (edges.length === 0) return `${who} finds no edge to remove`;
  const edge = prng.oneOf(r, edges);
  disconnect(doc, edge, origin);
  return `${who} disconnects ${edge}`;
};

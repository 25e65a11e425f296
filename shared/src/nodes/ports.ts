import { getNodeDefinition } from './catalog.ts';
import { ERROR_OUTPUT, MAIN, type PortSpec } from './types.ts';

/**
 * The handles a node shows, given its current parameters: Switch has one
 * output per rule (plus "fallback" when asked for), and any node whose
 * `onError` is `continueErrorOutput` gains an `error` output. The canvas draws
 * these; the engine routes items to the same names.
 */
export interface NodePorts {
  inputs: readonly PortSpec[];
  outputs: readonly PortSpec[];
}

export interface PortsInput {
  type: string;
  parameters: Record<string, unknown>;
  onError?: string;
}

const UNKNOWN_PORTS: NodePorts = {
  inputs: [{ name: MAIN, label: 'Input' }],
  outputs: [{ name: MAIN, label: 'Output' }],
};

const dynamicOutputs = (node: PortsInput, max: number, prefix: string): PortSpec[] => {
  const { parameters } = node;
  if (parameters.mode === 'expression') {
    const n = typeof parameters.numberOutputs === 'number' ? parameters.numberOutputs : 1;
    const count = Math.max(1, Math.min(max, Math.floor(n)));
    return Array.from({ length: count }, (_, i) => ({ name: `${prefix}${i}`, label: `Output ${i}` }));
  }
  const rules = Array.isArray(parameters.rules) ? parameters.rules.slice(0, max) : [];
  const outputs = rules.map((rule: unknown, i) => {
    const key = typeof rule === 'object' && rule !== null ? (rule as { outputKey?: unknown }).outputKey : undefined;
    return { name: `${prefix}${i}`, label: typeof key === 'string' && key.trim() ? key.trim() : `Output ${i}` };
  });
  if (parameters.fallbackOutput === 'extra') {
    const name = parameters.fallbackOutputName;
    outputs.push({ name: 'fallback', label: typeof name === 'string' && name.trim() ? name.trim() : 'Fallback' });
  }
  return outputs;
};

export const nodePorts = (node: PortsInput): NodePorts => {
  const def = getNodeDefinition(node.type);
  if (!def) return UNKNOWN_PORTS;
  const outputs = def.dynamicOutputs
    ? dynamicOutputs(node, def.dynamicOutputs.max, def.dynamicOutputs.prefix)
    : [...def.outputs];
  if (def.optionalOutputs && node.parameters[def.optionalOutputs.parameter] === true) {
    outputs.push(...def.optionalOutputs.outputs);
  }
  if (node.onError === 'continueErrorOutput' && def.inputs.length > 0) {
    outputs.push({ name: ERROR_OUTPUT, label: 'Error' });
  }
  return { inputs: def.inputs, outputs };
};

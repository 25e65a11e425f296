import { code, httpRequest, respondToWebhook } from './actions.ts';
import { filter, ifNode, merge, noOp, stickyNote, switchNode, wait } from './flow.ts';
import { aggregate, dateTime, limit, removeDuplicates, set, sort, splitOut } from './transform.ts';
import { compareDatasets } from './compare-datasets.ts';
import { loopOverItems } from './loop-over-items.ts';
import { renameKeys } from './rename-keys.ts';
import { summarize } from './summarize.ts';
import { xml } from './xml.ts';
import { html } from './html.ts';
import { markdown } from './markdown.ts';
import { crypto } from './crypto.ts';
import { emailSend } from './email-send.ts';
import { postgres } from './postgres.ts';
import { mySql } from './mysql.ts';
import { readWriteFile } from './read-write-file.ts';
import { executionData } from './execution-data.ts';
import { manualTrigger, scheduleTrigger, webhook } from './triggers.ts';
import { errorTrigger, stopAndError } from './error-nodes.ts';
import { executeWorkflow, executeWorkflowTrigger } from './workflows.ts';
import { ERROR_OUTPUT, type NodeDefinition, type ParamSpec } from './types.ts';

/** Every node type Weft ships, in palette order. */
export const nodeDefinitions: readonly NodeDefinition[] = [
  manualTrigger,
  webhook,
  scheduleTrigger,
  errorTrigger,
  executeWorkflowTrigger,
  httpRequest,
  code,
  respondToWebhook,
  ifNode,
  switchNode,
  filter,
  merge,
  wait,
  loopOverItems,
  stopAndError,
  set,
  sort,
  limit,
  aggregate,
  splitOut,
  removeDuplicates,
  summarize,
  renameKeys,
  compareDatasets,
  xml,
  html,
  markdown,
  crypto,
  emailSend,
  postgres,
  mySql,
  readWriteFile,
  dateTime,
  executionData,
  executeWorkflow,
  noOp,
  stickyNote,
];

const byType = new Map(nodeDefinitions.map((d) => [d.type, d]));

/** The definition of a node type, or undefined for types Weft does not know ("unsupported"). */
export const getNodeDefinition = (type: string): NodeDefinition | undefined => byType.get(type);

export const getParamSpec = (type: string, param: string): ParamSpec | undefined =>
  byType.get(type)?.params.find((p) => p.name === param);

/** Whether `handle` names an input of the node type (unknown types accept any handle). */
export const hasInput = (type: string, handle: string): boolean => {
  const def = byType.get(type);
  if (!def) return true;
  return def.inputs.some((p) => p.name === handle);
};

/**
 * Whether `handle` names an output of the node type. `error` exists on every
 * node with an input; dynamic outputs (Switch) accept `${prefix}0..max-1`, and
 * the Switch fallback output is `fallback`.
 */
export const hasOutput = (type: string, handle: string): boolean => {
  const def = byType.get(type);
  if (!def) return true;
  if (def.outputs.some((p) => p.name === handle)) return true;
  if (handle === ERROR_OUTPUT && def.inputs.length > 0) return true;
  const dyn = def.dynamicOutputs;
  if (dyn) {
    if (handle === 'fallback') return true;
    if (handle.startsWith(dyn.prefix)) {
      const index = Number(handle.slice(dyn.prefix.length));
      return (
        Number.isInteger(index) && index >= 0 && index < dyn.max && String(index) === handle.slice(dyn.prefix.length)
      );
    }
  }
  return false;
};

/** Default parameter values of a node type, as plain JSON. */
export const defaultParameters = (type: string): Record<string, unknown> => {
  const def = byType.get(type);
  const params: Record<string, unknown> = {};
  for (const spec of def?.params ?? []) params[spec.name] = structuredCloneJson(spec.default);
  return params;
};

const structuredCloneJson = <T>(value: T): T =>
  typeof value === 'object' && value !== null ? (JSON.parse(JSON.stringify(value)) as T) : value;

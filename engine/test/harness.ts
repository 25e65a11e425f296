import type { DefinitionNode, WorkflowDefinition, WorkflowDefinitionInput } from '#shared/schema/definition.ts';
import { validateDefinition } from '#shared/schema/validate.ts';
import { ParameterResolver } from '../src/expressions/resolve.ts';
import { executors } from '../src/nodes/registry.ts';
import type { Item, JsonObject, NodeOutput } from '../src/runner/items.ts';
import { runWorkflow, type NodeEvent, type RunOptions, type RunResult } from '../src/runner/run-workflow.ts';
import type { NodeContext, NodeExecutor, WebhookResponse } from '../src/runner/types.ts';
import { Sandbox } from '../src/sandbox/sandbox.ts';

/** Runs definitions and single nodes with the real sandbox and the real node implementations. */

let shared: Promise<{ sandbox: Sandbox; resolver: ParameterResolver }> | undefined;
export const engineParts = () =>
  (shared ??= Sandbox.create({ timeoutMs: 500 }).then((sandbox) => ({
    sandbox,
    resolver: new ParameterResolver(sandbox),
  })));

export const meta = { workflow: { id: 'wf1', name: 'Test', active: false }, execution: { id: 'ex1', mode: 'manual' } };

export const definition = (input: Omit<WorkflowDefinitionInput, 'weft'> & { weft?: 1 }): WorkflowDefinition => {
  const result = validateDefinition({ weft: 1, ...input });
  if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('\n'));
  return result.definition;
};

let nextX = 0;
export const node = (
  name: string,
  type: string,
  parameters: Record<string, unknown> = {},
  extra: Partial<DefinitionNode> = {},
): DefinitionNode => ({
  id: name.replace(/[^A-Za-z0-9_-]/g, '_'),
  name,
  type,
  typeVersion: 1,
  position: { x: (nextX += 200), y: 0 },
  parameters,
  ...extra,
});

export const edge = (from: string, to: string, sourceHandle = 'main', targetHandle = 'main') => ({
  source: from.replace(/[^A-Za-z0-9_-]/g, '_'),
  sourceHandle,
  target: to.replace(/[^A-Za-z0-9_-]/g, '_'),
  targetHandle,
});

export const run = async (
  def: WorkflowDefinition,
  options: Partial<RunOptions> & { extraExecutors?: Record<string, NodeExecutor> } = {},
): Promise<RunResult & { events: NodeEvent[] }> => {
  const { sandbox, resolver } = await engineParts();
  const events: NodeEvent[] = [];
  const all = new Map(executors);
  for (const [type, ex] of Object.entries(options.extraExecutors ?? {})) all.set(type, ex);
  const result = await runWorkflow({
    definition: def,
    executors: all,
    sandbox,
    resolver,
    meta,
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { ...result, events };
};

/** The items each node put out on its first output, by node name (last run wins). */
export const outputsByName = (result: RunResult): Record<string, JsonObject[]> => {
  const out: Record<string, JsonObject[]> = {};
  for (const r of result.runs) {
    const first = Object.values(r.output)[0] ?? [];
    out[r.name] = (r.output.main ?? first).map((i) => i.json);
  }
  return out;
};

/** Runs one node's implementation on items, as the runner would (parameters with defaults, resolved per item). */
export const runNode = async (
  type: string,
  parameters: Record<string, unknown>,
  items: Item[],
  extra: {
    inputs?: Record<string, Item[]>;
    node?: Partial<DefinitionNode>;
    onRespond?: (r: WebhookResponse) => void;
    onLog?: (level: string, message: string) => void;
  } = {},
): Promise<NodeOutput> => {
  const { sandbox, resolver } = await engineParts();
  const { defaultParameters } = await import('#shared/nodes/catalog.ts');
  const n: DefinitionNode = { ...node('Under test', type, parameters), ...extra.node };
  const params = { ...defaultParameters(type), ...parameters };
  const m = { ...meta, now: Date.parse('2026-12-02T10:00:00Z') };
  let resolved: JsonObject[] | undefined;
  const ctx: NodeContext = {
    node: n,
    inputs: extra.inputs ?? { main: items },
    items,
    params: () => (resolved ??= resolver.resolve(n.name, params, items, m, () => undefined)),
    nodeParams: () => ctx.params()[0] ?? params,
    signal: new AbortController().signal,
    meta: m,
    sandbox,
    resolver,
    outputOf: () => undefined,
    credential: () => Promise.reject(new Error('no credentials')),
    respond: (r) => extra.onRespond?.(r),
    log: (level, message) => extra.onLog?.(level, message),
    logDropped: () => undefined,
  };
  const executor = executors.get(type);
  if (!executor) throw new Error(`no executor for ${type}`);
  return executor(ctx);
};

export const items = (...jsons: JsonObject[]): Item[] => jsons.map((json) => ({ json }));

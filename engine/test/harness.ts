import type { NetworkPolicy } from '#shared/protocol/engine.ts';
import type { DefinitionNode, WorkflowDefinition, WorkflowDefinitionInput } from '#shared/schema/definition.ts';
import { validateDefinition } from '#shared/schema/validate.ts';
import { ParameterResolver } from '#shared/expressions/resolve.ts';
import { OutboundClients } from '../src/net/outbound-client.ts';
import { executors } from '../src/nodes/registry.ts';
import type { Item, JsonObject, NodeOutput } from '#shared/runs/items.ts';
import { runWorkflow, type NodeEvent, type RunOptions, type RunResult } from '../src/runner/run-workflow.ts';
import type { Credential, NodeContext, NodeExecutor, WebhookResponse } from '../src/runner/types.ts';
import { Sandbox } from '#shared/sandbox/sandbox.ts';
import { createSandbox } from '../src/sandbox/node-host.ts';

/** Runs definitions and single nodes with the real sandbox and the real node implementations. */

let shared: Promise<{ sandbox: Sandbox; resolver: ParameterResolver }> | undefined;
export const engineParts = () =>
  (shared ??= createSandbox({ timeoutMs: 500 }).then((sandbox) => ({
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
    // As the engine runs them: items encoded as they are made, byte budgets held.
    encodeItems: true,
    // Tests read each node run's pairing afterwards (pairedItemsOfRun).
    recordPairedItems: true,
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
    /** Where HTTP Request may connect; the engine's default policy when left out. */
    network?: NetworkPolicy;
    credentials?: Record<string, Credential>;
    maxOutputBytes?: number;
    /** Read/Write Files' folder. */
    filesDir?: string;
    /** The run's cancel signal (a run that is never canceled when left out). */
    signal?: AbortSignal;
  } = {},
): Promise<NodeOutput> => {
  const { sandbox, resolver } = await engineParts();
  const { defaultParameters } = await import('#shared/nodes/catalog.ts');
  const n: DefinitionNode = { ...node('Under test', type, parameters), ...extra.node };
  const params = { ...defaultParameters(type), ...parameters };
  const m = { ...meta, now: Date.parse('2026-12-02T10:00:00Z'), timezone: 'UTC' };
  let resolved: JsonObject[] | undefined;
  const ctx: NodeContext = {
    node: n,
    inputs: extra.inputs ?? { main: items },
    items,
    params: () => (resolved ??= resolver.resolve(n.name, params, items, m, () => undefined)),
    nodeParams: () => ctx.params()[0] ?? params,
    signal: extra.signal ?? new AbortController().signal,
    meta: m,
    sandbox,
    resolver,
    outputOf: () => undefined,
    credential: (id) => {
      const secret = extra.credentials?.[id];
      return secret ? Promise.resolve(secret) : Promise.reject(new Error('no credentials'));
    },
    respond: (r) => extra.onRespond?.(r),
    log: (level, message) => extra.onLog?.(level, message),
    logDropped: () => undefined,
    outbound: outboundClients.for(extra.network),
    ...(extra.maxOutputBytes !== undefined ? { maxOutputBytes: extra.maxOutputBytes } : {}),
    ...(extra.filesDir !== undefined ? { filesDir: extra.filesDir } : {}),
  };
  const executor = executors.get(type);
  if (!executor) throw new Error(`no executor for ${type}`);
  return executor(ctx);
};

/** Outbound clients by network policy, as an engine keeps them. */
export const outboundClients = new OutboundClients();

/** Tests that call servers on 127.0.0.1 say so: the engine's default refuses loopback addresses. */
export const allowLoopback: NetworkPolicy = { privateAddresses: 'block', allow: ['127.0.0.0/8', '::1'], deny: [] };

export const items = (...jsons: JsonObject[]): Item[] => jsons.map((json) => ({ json }));

import { defaultParameters } from '#shared/nodes/catalog.ts';
import { MAIN } from '#shared/nodes/types.ts';
import { defaultSettings, type DefinitionNode, type WorkflowDefinition } from '#shared/schema/definition.ts';
import { ExpressionError } from '../expressions/errors.ts';
import type { ExpressionMeta, ParameterResolver } from '../expressions/resolve.ts';
import type { Sandbox } from '../sandbox/sandbox.ts';
import { abortableSleep, RunCanceled } from './sleep.ts';
import { buildGraph, isTrigger, type GraphNode, type WorkflowGraph } from './graph.ts';
import type { Item, JsonObject, NodeOutput } from './items.ts';
import { ItemErrors, type Credential, type NodeContext, type NodeExecutor, type WebhookResponse } from './types.ts';

/**
 * Runs one workflow definition (always a saved snapshot's) the way n8n's v1
 * order does: depth first, a node's outputs in port order and each output's
 * targets top to bottom; a node with several inputs (Merge) waits until every
 * connected input has items, or until nothing else is left to run. A node
 * that receives no items does not run. Each run of a node is reported as it
 * happens (queued → running → succeeded / failed; skipped at the end for
 * nodes that never ran).
 */

export type NodeStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface NodeEvent {
  nodeId: string;
  name: string;
  status: NodeStatus;
  runIndex: number;
  /** Items in (all inputs) and out (by output) — on succeeded and failed. */
  itemsIn?: number;
  itemsOut?: Record<string, number>;
  startedAt?: number;
  durationMs?: number;
  attempts?: number;
  error?: string;
  disabled?: boolean;
}

export interface NodeRun {
  nodeId: string;
  name: string;
  runIndex: number;
  status: 'succeeded' | 'failed';
  input: Record<string, Item[]>;
  output: NodeOutput;
  error?: string;
  attempts: number;
  startedAt: number;
  finishedAt: number;
}

export interface RunResult {
  status: 'succeeded' | 'failed' | 'canceled';
  error?: string;
  /** The node whose failure ended the run. */
  failedNode?: string;
  runs: NodeRun[];
  /** Items of the last node that ran successfully (a webhook's default answer). */
  lastOutput: Item[];
  /** What Respond to Webhook set, if it ran. */
  response?: WebhookResponse;
}

export interface RunOptions {
  definition: WorkflowDefinition;
  executors: ReadonlyMap<string, NodeExecutor>;
  sandbox: Sandbox;
  resolver: ParameterResolver;
  meta: Omit<ExpressionMeta, 'now'>;
  /** The node the run starts at (a trigger); by default every trigger without inputs, in canvas order. */
  startNodeId?: string;
  triggerItems?: Item[];
  /** Aborting it cancels the run. */
  signal?: AbortSignal;
  credential?: (id: string) => Promise<Credential>;
  onEvent?: (event: NodeEvent) => void;
  now?: () => number;
  /** Retry waits (tests make them short). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Longest wait between two tries, however many there are. */
const MAX_BACKOFF_MS = 60_000;

/** The work's result, or the signal's reason as soon as it aborts; the listener goes with the work. */
const untilAborted = <T>(work: Promise<T>, signal: AbortSignal): Promise<T> => {
  if (signal.aborted) return Promise.reject(reasonOf(signal));
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(reasonOf(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work, aborted]).finally(() => {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  });
};

const reasonOf = (signal: AbortSignal): Error =>
  signal.reason instanceof Error ? signal.reason : new RunCanceled('canceled');

const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const withDefaults = new WeakMap<DefinitionNode, JsonObject>();
const parametersOf = (node: DefinitionNode): JsonObject => {
  let params = withDefaults.get(node);
  if (!params) {
    params = { ...defaultParameters(node.type), ...node.parameters };
    withDefaults.set(node, params);
  }
  return params;
};

/** Item with the error added, as n8n hands failed items on. */
const withError = (item: Item | undefined, message: string): Item => ({
  json: { ...(item?.json ?? {}), error: message },
});

export const runWorkflow = async (options: RunOptions): Promise<RunResult> => {
  const graph: WorkflowGraph = buildGraph(options.definition);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  const emit = options.onEvent ?? (() => undefined);
  // Nothing runs forever: without a setting, the default limit applies (0 turns it off).
  const timeoutSeconds = options.definition.settings.timeoutSeconds ?? defaultSettings.timeoutSeconds;
  const workflowTimer =
    timeoutSeconds > 0
      ? setTimeout(
          () => controller.abort(new RunCanceled(`the workflow ran longer than its ${timeoutSeconds} s limit`)),
          timeoutSeconds * 1000,
        )
      : undefined;

  const runs: NodeRun[] = [];
  const runCount = new Map<string, number>();
  const lastOutputs = new Map<string, Item[]>();
  let lastOutput: Item[] = [];
  let response: WebhookResponse | undefined;

  for (const g of graph.byId.values()) emit({ nodeId: g.node.id, name: g.node.name, status: 'queued', runIndex: 0 });

  // Pending input per node, and the order in which nodes are due.
  const pending = new Map<string, Map<string, Item[]>>();
  const stack: string[] = [];
  const waiting: string[] = [];

  const starts = options.startNodeId
    ? [options.startNodeId]
    : [...graph.byId.values()]
        .filter((g) => isTrigger(g.node) && g.connectedInputs.size === 0)
        .sort((a, b) => a.node.position.x - b.node.position.x || a.node.position.y - b.node.position.y)
        .map((g) => g.node.id);
  if (starts.length === 0 || starts.some((id) => !graph.byId.has(id))) {
    clearTimeout(workflowTimer);
    return { status: 'failed', error: 'The workflow has no trigger node to start from', runs, lastOutput };
  }
  for (const id of [...starts].reverse()) {
    pending.set(id, new Map([[MAIN, options.triggerItems ?? [{ json: {} }]]]));
    stack.push(id);
  }

  const ready = (g: GraphNode): boolean => {
    const input = pending.get(g.node.id);
    if (!input) return false;
    if (g.connectedInputs.size <= 1) return true;
    return [...g.connectedInputs].every((h) => (input.get(h)?.length ?? 0) > 0);
  };

  const deliver = (from: GraphNode, output: NodeOutput): void => {
    const due: string[] = [];
    for (const handle of from.outputs) {
      const items = output[handle] ?? [];
      if (items.length === 0) continue;
      for (const c of from.outgoing.get(handle) ?? []) {
        let input = pending.get(c.target);
        if (!input) {
          input = new Map();
          pending.set(c.target, input);
        }
        const had = input.get(c.targetHandle);
        input.set(c.targetHandle, had ? had.concat(items) : items);
        if (!due.includes(c.target)) due.push(c.target);
      }
    }
    // Depth first: the first target runs next, its branch before the second target's.
    for (const id of due.reverse()) {
      const target = graph.byId.get(id);
      if (!target) continue;
      if (ready(target)) {
        if (!stack.includes(id)) stack.push(id);
      } else if (!waiting.includes(id)) waiting.push(id);
    }
  };

  const runNode = async (g: GraphNode): Promise<'ok' | 'stop'> => {
    const { node } = g;
    const input = Object.fromEntries(pending.get(node.id) ?? new Map<string, Item[]>());
    pending.delete(node.id);
    const runIndex = runCount.get(node.id) ?? 0;
    runCount.set(node.id, runIndex + 1);
    const items = input[MAIN] ?? Object.values(input)[0] ?? [];
    const itemsIn = Object.values(input).reduce((n, list) => n + list.length, 0);
    const startedAt = now();
    emit({ nodeId: node.id, name: node.name, status: 'running', runIndex, startedAt });

    const finish = (status: 'succeeded' | 'failed', output: NodeOutput, attempts: number, error?: string) => {
      const finishedAt = now();
      runs.push({
        nodeId: node.id,
        name: node.name,
        runIndex,
        status,
        input,
        output,
        attempts,
        startedAt,
        finishedAt,
        ...(error ? { error } : {}),
      });
      emit({
        nodeId: node.id,
        name: node.name,
        status,
        runIndex,
        itemsIn,
        itemsOut: Object.fromEntries(Object.entries(output).map(([h, list]) => [h, list.length])),
        startedAt,
        durationMs: finishedAt - startedAt,
        attempts,
        ...(error ? { error } : {}),
        ...(node.disabled ? { disabled: true } : {}),
      });
    };

    if (node.disabled) {
      // A disabled node passes its items on through its first output.
      const output: NodeOutput = { [g.outputs[0] ?? MAIN]: items };
      finish('succeeded', output, 0);
      lastOutputs.set(node.name, items);
      deliver(g, output);
      return 'ok';
    }

    const executor = options.executors.get(node.type);
    const maxTries = node.retryOnFail ? (node.maxTries ?? 3) : 1;
    let attempts = 0;
    let failure: unknown;
    for (;;) {
      attempts++;
      // A node timer (and its own signal) only when the node has a time limit: most do not.
      let nodeSignal = signal;
      let nodeTimer: ReturnType<typeof setTimeout> | undefined;
      if (node.timeoutSeconds && node.timeoutSeconds > 0) {
        const nodeController = new AbortController();
        nodeSignal = AbortSignal.any([signal, nodeController.signal]);
        nodeTimer = setTimeout(
          () => nodeController.abort(new Error(`the node ran longer than its ${node.timeoutSeconds} s limit`)),
          node.timeoutSeconds * 1000,
        );
      }
      try {
        if (!executor) throw new Error(`Weft cannot run "${node.type}" nodes (an unsupported node type)`);
        const meta: ExpressionMeta = { ...options.meta, now: now() };
        let resolved: JsonObject[] | undefined;
        const ctx: NodeContext = {
          node,
          inputs: input,
          items,
          params: () =>
            (resolved ??= options.resolver.resolve(node.name, parametersOf(node), items, meta, (n) =>
              lastOutputs.get(n),
            )),
          nodeParams: () => ctx.params()[0] ?? parametersOf(node),
          ...(options.triggerItems ? { triggerItems: options.triggerItems } : {}),
          signal: nodeSignal,
          meta,
          sandbox: options.sandbox,
          resolver: options.resolver,
          outputOf: (n) => lastOutputs.get(n),
          credential: (id) =>
            options.credential
              ? options.credential(id)
              : Promise.reject(new Error('no credentials are available here')),
          respond: (r) => {
            response = r;
          },
        };
        const result = executor(ctx);
        // A node that ignores its signal still gives way when the run is canceled or times out.
        const output = result instanceof Promise ? await untilAborted(result, nodeSignal) : result;
        clearTimeout(nodeTimer);
        finish('succeeded', output, attempts);
        const first = output[g.outputs[0] ?? MAIN] ?? output[MAIN] ?? [];
        lastOutputs.set(node.name, first);
        lastOutput = first;
        deliver(g, output);
        return 'ok';
      } catch (e) {
        clearTimeout(nodeTimer);
        failure = e;
        if (signal.aborted) break;
        if (e instanceof ExpressionError || attempts >= maxTries) break;
        const wait = Math.min(MAX_BACKOFF_MS, (node.waitBetweenTries ?? 1000) * 2 ** (attempts - 1));
        try {
          await sleep(wait, signal);
        } catch {
          break;
        }
      }
    }

    if (signal.aborted) {
      finish('failed', {}, attempts, errorMessage(signal.reason));
      return 'stop';
    }
    const message = errorMessage(failure);
    const onError = node.onError ?? 'stopWorkflow';
    if (onError === 'stopWorkflow') {
      finish('failed', failure instanceof ItemErrors ? failure.output : {}, attempts, message);
      failedNode = node.name;
      failedMessage = `Node "${node.name}" failed: ${message}`;
      return 'stop';
    }
    // Continue: failed items go on with their error, on the error output or the regular one.
    let output: NodeOutput;
    if (failure instanceof ItemErrors) {
      const failedItems = failure.failed.map((f) => withError(items[f.index], f.message));
      const ok = failure.output[MAIN] ?? [];
      output =
        onError === 'continueErrorOutput'
          ? { ...failure.output, error: failedItems }
          : { [MAIN]: [...ok, ...failedItems] };
    } else {
      const failedItems = (items.length > 0 ? items : [{ json: {} }]).map((item) => withError(item, message));
      output = onError === 'continueErrorOutput' ? { error: failedItems } : { [g.outputs[0] ?? MAIN]: failedItems };
    }
    finish('succeeded', output, attempts, message);
    const first = output[g.outputs[0] ?? MAIN] ?? [];
    lastOutputs.set(node.name, first);
    if (first.length > 0) lastOutput = first;
    deliver(g, output);
    return 'ok';
  };

  let failedNode: string | undefined;
  let failedMessage: string | undefined;
  let outcome: 'ok' | 'stop' = 'ok';
  try {
    while (outcome === 'ok') {
      let id = stack.pop();
      if (id === undefined) {
        // Nothing else can run: nodes still waiting for an input run with what they have.
        id = waiting.shift();
        if (id === undefined) break;
      } else {
        const w = waiting.indexOf(id);
        if (w !== -1) waiting.splice(w, 1);
      }
      const g = graph.byId.get(id);
      if (!g || !pending.has(id)) continue;
      outcome = await runNode(g);
    }
  } finally {
    clearTimeout(workflowTimer);
  }

  for (const g of graph.byId.values()) {
    if (!runCount.has(g.node.id)) emit({ nodeId: g.node.id, name: g.node.name, status: 'skipped', runIndex: 0 });
  }
  if (signal.aborted) {
    const reason = signal.reason instanceof RunCanceled ? signal.reason.message : errorMessage(signal.reason);
    const canceled = options.signal?.aborted === true;
    return {
      status: canceled ? 'canceled' : 'failed',
      error: canceled ? 'Canceled' : reason,
      runs,
      lastOutput,
      ...(response ? { response } : {}),
    };
  }
  if (outcome === 'stop') {
    return {
      status: 'failed',
      error: failedMessage ?? 'failed',
      ...(failedNode ? { failedNode } : {}),
      runs,
      lastOutput,
      ...(response ? { response } : {}),
    };
  }
  return { status: 'succeeded', runs, lastOutput, ...(response ? { response } : {}) };
};

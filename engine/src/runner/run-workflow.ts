import { defaultParameters, getNodeDefinition } from '#shared/nodes/catalog.ts';
import { ERROR_OUTPUT, MAIN } from '#shared/nodes/types.ts';
import { defaultSettings, type DefinitionNode, type WorkflowDefinition } from '#shared/schema/definition.ts';
import { ExpressionError } from '#shared/expressions/errors.ts';
import { asN8nParameters } from '#shared/expressions/n8n-parameters.ts';
import type { ExpressionMeta, ParameterResolver } from '#shared/expressions/resolve.ts';
import type { Sandbox } from '#shared/sandbox/sandbox.ts';
import { CustomData, strictCustomData, type CustomDataValues } from '#shared/runs/custom-data.ts';
import {
  MAX_LOG_MESSAGE,
  type LogLevel,
  type LogLine,
  type PartialJob,
  type ReusedRun,
  type RunLimits,
} from '#shared/protocol/engine.ts';
import { defaultOutboundClient, type OutboundClient } from '../net/outbound-client.ts';
import { EMPTY_OUTPUT, PendingText, RunBudget, measureOutput, type Measured, type Part } from './budget.ts';
import { RunLog } from './run-log.ts';
import { abortableSleep, RunCanceled } from './sleep.ts';
import { graphOf, type Connection, type GraphNode, type WorkflowGraph } from './graph.ts';
import { fedBySeeds, parentsFirst, partialGraph, parseStoredOutput, willRun } from './partial.ts';
import { Schedule, type Execution } from './schedule.ts';
import { firstInput, loopInput, onlyFirstOutput, ScheduleV0, type Scheduler } from './schedule-v0.ts';
import { alwaysOutput, errorItemsToErrorOutput, executeOnceInput } from './node-settings.ts';
import { continuedOutput } from './continue-on-fail.ts';
import type { Item, JsonObject, NodeOutput, PairedLookup } from '#shared/runs/items.ts';
import { pairedWith, RunLineage, type InputSource, type NodeLineage } from './paired-items.ts';
import {
  ItemErrors,
  type Credential,
  type NodeContext,
  type NodeExecutor,
  type SubworkflowAnswer,
  type SubworkflowCaller,
  type SubworkflowRequest,
  type WebhookResponse,
} from './types.ts';

/**
 * Runs one workflow definition (always a saved snapshot's) the way n8n's v1
 * order does (schedule.ts): depth first, each delivery its own run of the
 * target (a node fed by both branches of an IF runs twice), targets due in
 * n8n's position order; a node with several inputs (Merge) waits until every
 * connected input has items, or until nothing else is left to run. A node
 * that receives no items does not run. Each run of a node is reported as it
 * happens (queued → running → succeeded / failed; skipped at the end for
 * nodes that never ran).
 *
 * A run shares its engine with other users' runs: it gives the event loop a
 * turn every few milliseconds of work (heartbeats, other runs, cancels), and
 * stops at its budgets (node runs, items, bytes; see budget.ts) and at its
 * time limit, which also bounds every sandbox call it makes.
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
  /** Set when the node did not run: a partial run reused its base run's output, or its pin stood in for it. */
  origin?: 'reused' | 'pinned';
}

/** How a node run's output came about: it ran, a partial run took it from its base run, or its pin stood in. */
export type NodeRunOrigin = 'ran' | 'reused' | 'pinned';

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
  /** `input` and `output` as the JSON text the engine sends (runs with `encodeItems`). */
  inputJson?: string;
  outputJson?: string;
  /** Set on every run the runner records; 'ran' when a caller's own record leaves it out. */
  origin?: NodeRunOrigin;
  /** Each output item's sources and each input's producers (encodePaired), for runs with `encodeItems`. */
  paired?: string;
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
  /** What the run saved about itself (shared/src/runs/custom-data.ts), when it saved anything. */
  customData?: CustomDataValues;
  /** Retries, failures and what Code nodes printed, in order. */
  logs: LogLine[];
}

export interface RunOptions {
  definition: WorkflowDefinition;
  /**
   * Keep each node run's paired items readable afterwards (pairedItemsOfRun: tests, the differential harness).
   * A run needs them only while it runs; recording them costs a weak-map entry per node run.
   */
  recordPairedItems?: boolean;
  executors: ReadonlyMap<string, NodeExecutor>;
  sandbox: Sandbox;
  resolver: ParameterResolver;
  meta: Omit<ExpressionMeta, 'now' | 'timezone'>;
  /** The node the run starts at (a trigger); by default every trigger without inputs, in canvas order. */
  startNodeId?: string;
  triggerItems?: Item[];
  /**
   * Pinned first outputs by node id (manual and test runs): such a node does not run, its pin is its output,
   * recorded with origin 'pinned' (docs/plans/n8n-daily.md §2.4). A disabled node passes its input on as usual.
   */
  pins?: Readonly<Record<string, readonly JsonObject[]>>;
  /**
   * A partial run (docs/plans/n8n-daily.md §3.3): only `subgraph` is scheduled (with `destination`, only it
   * and its ancestors), each reused run is seeded as this run's own with origin 'reused', and the start nodes
   * get their inputs from their reused and pinned parents. Left out, a whole run.
   */
  partial?: PartialJob;
  /** Aborting it cancels the run. */
  signal?: AbortSignal;
  credential?: (id: string) => Promise<Credential>;
  onEvent?: (event: NodeEvent) => void;
  now?: () => number;
  /** Retry waits (tests make them short). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Budgets of this execution; defaultRunLimits for what is left out. */
  limits?: Partial<RunLimits>;
  /** The server's zone, for a workflow whose settings name none (n8n's "DEFAULT"); UTC when left out. */
  defaultTimezone?: string;
  /** The time limit of a workflow that sets none (the server's instance settings); unset: defaultSettings'. */
  defaultTimeoutSeconds?: number;
  /** How HTTP Request reaches out (the network policy); the default, blocking one when left out. */
  outbound?: OutboundClient;
  /**
   * Encode each node run's items as JSON text as they are made (`inputJson`,
   * `outputJson`), and hold the run to its byte budgets, which are measured
   * on that text. The engine, which sends the text, sets it; an in-process
   * caller that only reads the items can leave it off and skip the cost.
   */
  encodeItems?: boolean;
  /** How Execute Workflow runs another workflow (the engine asks its server); without it the node fails. */
  subworkflow?: SubworkflowCaller;
  /** The folder Read/Write Files is confined to (WEFT_FILES_DIR, absolute); without it the node fails. */
  filesDir?: string;
}

/** Longest wait between two tries, however many there are. */
const MAX_BACKOFF_MS = 60_000;

/**
 * Work a run does before it lets the event loop take a turn. Nodes whose
 * work is all synchronous never give way otherwise, and a loop of them would
 * starve the engine's heartbeats and every other run. Small runs finish
 * within one slice and never pay for a turn.
 */
const SLICE_MS = 10;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Error text kept in events, node runs and the result: code decides how long its messages are. */
const MAX_ERROR = MAX_LOG_MESSAGE - 200;

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

const errorMessage = (e: unknown): string => {
  const message = e instanceof Error ? e.message : String(e);
  return message.length > MAX_ERROR ? `${message.slice(0, MAX_ERROR - 1)}…` : message;
};

const withDefaults = new WeakMap<DefinitionNode, JsonObject>();
const parametersOf = (node: DefinitionNode): JsonObject => {
  let params = withDefaults.get(node);
  if (!params) {
    params = { ...defaultParameters(node.type), ...node.parameters };
    withDefaults.set(node, params);
  }
  return params;
};

/** Every node type upstream of a node, through any input (a graph never changes: worked out once per node). */
const upstream = new WeakMap<WorkflowGraph, Map<string, ReadonlySet<string>>>();
const upstreamTypesOf = (graph: WorkflowGraph, id: string): ReadonlySet<string> => {
  let byNode = upstream.get(graph);
  if (!byNode) upstream.set(graph, (byNode = new Map<string, ReadonlySet<string>>()));
  let types = byNode.get(id);
  if (!types) {
    const found = new Set<string>();
    const seen = new Set<string>([id]);
    const queue = [...(graph.byId.get(id)?.parents ?? [])];
    for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
      if (seen.has(next)) continue;
      seen.add(next);
      const g = graph.byId.get(next);
      if (!g) continue;
      found.add(g.node.type);
      queue.push(...g.parents);
    }
    types = found;
    byNode.set(id, types);
  }
  return types;
};

const countsOf = (output: NodeOutput): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const handle in output) counts[handle] = (output[handle] as Item[]).length;
  return counts;
};

const noCredentials = (): Promise<Credential> => Promise.reject(new Error('no credentials are available here'));

/** What one node run sees; methods on a prototype, not closures, because a run makes one per node. */
class RunContext implements NodeContext {
  private resolved: JsonObject[] | undefined;
  readonly triggerItems?: Item[];

  constructor(
    private readonly run: WorkflowRun,
    readonly node: DefinitionNode,
    readonly inputs: Record<string, Item[]>,
    readonly items: Item[],
    private readonly nodeSignal: AbortSignal | undefined,
    readonly meta: ExpressionMeta,
    private readonly lineage: NodeLineage,
  ) {
    if (run.options.triggerItems) this.triggerItems = run.options.triggerItems;
  }

  get signal(): AbortSignal {
    return this.nodeSignal ?? this.run.signal;
  }

  get sandbox(): Sandbox {
    return this.run.options.sandbox;
  }

  get resolver(): ParameterResolver {
    return this.run.options.resolver;
  }

  params(): JsonObject[] {
    return (this.resolved ??= this.run.withinTime(() =>
      this.run.options.resolver.resolve(
        this.node.name,
        parametersOf(this.node),
        this.items,
        this.meta,
        this.run.outputOf,
        (name) => this.pairedItems(name),
      ),
    ));
  }

  paramsOf(parameters: JsonObject): JsonObject[] {
    return this.run.withinTime(() =>
      this.run.options.resolver.resolve(this.node.name, parameters, this.items, this.meta, this.run.outputOf, (name) =>
        this.pairedItems(name),
      ),
    );
  }

  upstreamTypes(): ReadonlySet<string> {
    return upstreamTypesOf(this.run.graph, this.node.id);
  }

  pairedItems(name: string): PairedLookup[] {
    // `inputs` is the input "Execute Once" cut down; the lineage keeps the whole one.
    const handle =
      this.lineage.inputHandles.find((h) => this.lineage.input[h] === this.items || this.inputs[h] === this.items) ??
      MAIN;
    return this.run.lineage.pairedFrom(this.lineage, handle, name, this.run.graph);
  }

  nodeParams(): JsonObject {
    return this.params()[0] ?? parametersOf(this.node);
  }

  nodeState(): Record<string, unknown> {
    return this.run.stateOf(this.node.id);
  }

  inputSource(handle: string): InputSource | undefined {
    return this.lineage.inputSource(handle);
  }

  pairToSource(source: InputSource): number {
    return this.lineage.pairToSource(source);
  }

  outputOf(name: string): readonly Item[] | undefined {
    return this.run.outputOf(name);
  }

  credential(id: string): Promise<Credential> {
    return (this.run.options.credential ?? noCredentials)(id);
  }

  respond(response: WebhookResponse): void {
    this.run.response = response;
  }

  log(level: LogLevel, message: string): void {
    this.run.log.print(level, message, this.node.name);
  }

  logDropped(count: number): void {
    this.run.log.drop(count);
  }

  get outbound(): OutboundClient {
    return this.run.options.outbound ?? defaultOutboundClient();
  }

  get maxOutputBytes(): number {
    return this.run.budget.limits.maxBytesPerNode;
  }

  get filesDir(): string | undefined {
    return this.run.options.filesDir;
  }

  get subworkflow(): ((request: SubworkflowRequest) => Promise<SubworkflowAnswer>) | undefined {
    const caller = this.run.options.subworkflow;
    return caller ? (request) => caller(this.node.id, request, this.signal) : undefined;
  }
}

/** What a node run carries from its start to its end. */
/**
 * Gives a node's output lists that are one of its input lists (No-Op, a disabled node, anything that hands a list
 * on unchanged), or that it put out twice, a copy of their own; gives back what `first` is now. Paired items know a
 * list's producer by the list itself: a list two nodes put out would name whichever ran last as the producer for
 * both (in v0, a No-Op beside a loop became the source of the loop's later batches).
 */
const ownLists = (output: NodeOutput, input: Readonly<Record<string, Item[]>>, first: Item[]): Item[] => {
  const seen = new Set<Item[]>(Object.values(input));
  for (const handle in output) {
    const list = output[handle];
    if (!list) continue;
    if (seen.has(list)) {
      const copy = list.slice();
      if (first === list) first = copy;
      output[handle] = copy;
    } else seen.add(list);
  }
  return first;
};

interface RunStart {
  runIndex: number;
  input: Record<string, Item[]>;
  /** The input as JSON text, when the run encodes. */
  inputText: Part | undefined;
  itemsIn: number;
  startedAt: number;
  /** What paired items know of this run (paired-items.ts). */
  lineage: NodeLineage;
  /** Set when the node's pin stood in for it. */
  origin?: 'pinned';
}

/** A node a partial run seeded (reused or pinned without running): what it hands on. */
interface Seeded {
  runIndex: number;
  lineage: NodeLineage;
  output: NodeOutput;
  measured: Measured;
}

/** A seeded node's outgoing edges cut down to the nodes that will run: reused ones must not be scheduled. */
const towards = (g: GraphNode, targets: ReadonlySet<string>): GraphNode => {
  const outgoing = new Map<string, Connection[]>();
  for (const [handle, list] of g.outgoing)
    outgoing.set(
      handle,
      list.filter((c) => targets.has(c.target)),
    );
  return { ...g, outgoing };
};

/** One execution's state; `schedule` decides which node runs next, with which items. */
/** The input a node reads in v0: its first, or a later one a loop came round into (schedule-v0.ts's loopInput). */
const v0InputHandle = (graph: WorkflowGraph, g: GraphNode, execution: Execution): string => {
  const first = firstInput(g);
  if (execution.input[first]?.length || g.node.disabled) return first;
  return loopInput(graph, g, execution) ?? first;
};

class WorkflowRun {
  readonly graph: WorkflowGraph;
  /** Made when first needed: most runs end without anyone waiting on their signal. */
  private controller: AbortController | undefined;
  readonly runs: NodeRun[] = [];
  /** The lineage of each of `runs`, in step: its paired items are encoded once, at the end (encodeItems only). */
  private readonly runLineages: NodeLineage[] = [];
  response: WebhookResponse | undefined;
  readonly log: RunLog;
  readonly budget: RunBudget;
  private readonly now: () => number;
  /** The workflow's time zone setting: expressions and Code make their DateTimes in it. */
  private readonly timezone: string;
  private startedAt = 0;
  /** Date.now() past which the run stops (Infinity without a time limit). */
  private deadline = Number.POSITIVE_INFINITY;
  private timeoutSeconds = 0;
  /** Date.now() at which the run next lets the event loop take a turn. */
  private yieldAt = 0;
  private readonly emit: (event: NodeEvent) => void;
  /** Whether anyone reads the node events: without a listener (in-process callers) none is built. */
  private readonly listening: boolean;
  private readonly runCount = new Map<string, number>();
  /** A node's parameters by its name, for `$node["Name"].parameter` and `$('Name').params` in expressions. */
  private readonly parametersByName = (name: string): JsonObject | undefined => {
    const g = this.graph.byName.get(name);
    return g ? asN8nParameters(g.node.type, parametersOf(g.node)) : undefined;
  };
  private nodeRuns = 0;
  /** Node name → the index of its last recorded run (n8n's `$node["Name"].runIndex`: its runData length - 1). */
  private readonly lastRuns = new Map<string, number>();
  /** -1 for a node that has not run yet, as n8n answers; undefined for a name no node has. */
  private readonly lastRunOf = (name: string): number | undefined =>
    this.lastRuns.get(name) ?? (this.graph.byName.has(name) ? -1 : undefined);
  private readonly lastOutputs = new Map<string, Item[]>();
  private lastOutput: Item[] = [];
  /** What the run saves about itself (Execution Data, `$execution.customData`); goes with its result. */
  private readonly customData: CustomData;
  private readonly pendingText = new PendingText();
  private readonly encode: boolean;
  readonly lineage = new RunLineage();
  private readonly schedule: Scheduler;
  /** n8n's legacy execution order (schedule-v0.ts): a node whose first input is empty does not run. */
  private readonly v0: boolean;
  private failedNode: string | undefined;
  private failedMessage: string | undefined;
  /** options.pins as a map (empty without pins: one lookup per node run is all they cost). */
  private readonly pins: ReadonlyMap<string, readonly JsonObject[]>;
  /** Node id → what the node keeps across its runs in this execution (NodeContext.nodeState); made when first asked. */
  private nodeStates: Map<string, Record<string, unknown>> | undefined;

  constructor(readonly options: RunOptions) {
    this.pins = new Map(options.pins ? Object.entries(options.pins) : []);
    // A partial run walks its subgraph only; one check is all a whole run pays.
    this.graph =
      options.partial === undefined ? graphOf(options.definition) : partialGraph(options.definition, options.partial);
    this.now = options.now ?? Date.now;
    this.timezone = options.definition.settings.timezone ?? options.defaultTimezone ?? defaultSettings.timezone;
    this.log = new RunLog(this.now);
    this.budget = new RunBudget(options.limits);
    this.customData = new CustomData(strictCustomData(options.meta.execution.mode));
    this.encode = options.encodeItems === true;
    this.emit = options.onEvent ?? (() => undefined);
    this.listening = options.onEvent !== undefined;
    const text = this.encode ? this.pendingText : undefined;
    this.v0 = options.definition.settings.executionOrder === 'v0';
    this.schedule = this.v0 ? new ScheduleV0(this.graph, text) : new Schedule(this.graph, text, parametersOf);
  }

  get signal(): AbortSignal {
    return (this.controller ??= new AbortController()).signal;
  }

  private get aborted(): boolean {
    return this.controller?.signal.aborted === true;
  }

  private abort(reason: unknown): void {
    (this.controller ??= new AbortController()).abort(reason);
  }

  /** A node's state for this execution (n8n's getContext('node')): never shared with another execution. */
  stateOf(nodeId: string): Record<string, unknown> {
    this.nodeStates ??= new Map();
    let state = this.nodeStates.get(nodeId);
    if (!state) this.nodeStates.set(nodeId, (state = Object.create(null) as Record<string, unknown>));
    return state;
  }

  /** `$('Node')` and later nodes read the first output of the node's last run. */
  readonly outputOf = (name: string): Item[] | undefined => this.lastOutputs.get(name);

  /** Runs synchronous work with every sandbox call in it bounded by the run's deadline. */
  withinTime<T>(work: () => T): T {
    return this.deadline === Number.POSITIVE_INFINITY ? work() : this.options.sandbox.within(this.deadline, work);
  }

  /** Stops the run once it is past its time limit; the timer cannot fire while work is synchronous. */
  private checkDeadline(now = Date.now()): void {
    if (now >= this.deadline && !this.aborted) {
      this.abort(new RunCanceled(`the workflow ran longer than its ${this.timeoutSeconds} s limit`));
    }
  }

  async run(): Promise<RunResult> {
    const { options, graph } = this;
    this.startedAt = this.now();
    // Canceling from outside aborts the run's own signal, which the timeout below shares.
    const outer = options.signal;
    const onCancel = () => this.abort(outer?.reason);
    if (outer?.aborted) onCancel();
    else outer?.addEventListener('abort', onCancel, { once: true });
    // Nothing runs forever: without a setting, the default limit applies (0 turns it off).
    const timeoutSeconds =
      options.definition.settings.timeoutSeconds ?? options.defaultTimeoutSeconds ?? defaultSettings.timeoutSeconds;
    this.timeoutSeconds = timeoutSeconds;
    const clock = Date.now();
    this.yieldAt = clock + SLICE_MS;
    if (timeoutSeconds > 0) this.deadline = clock + timeoutSeconds * 1000;
    const workflowTimer =
      timeoutSeconds > 0
        ? // The timer is the limit for work that waits; the wall clock may lag it by a millisecond.
          setTimeout(() => this.checkDeadline(Number.POSITIVE_INFINITY), timeoutSeconds * 1000)
        : undefined;
    try {
      for (const g of graph.byId.values()) {
        if (this.listening) this.emit({ nodeId: g.node.id, name: g.node.name, status: 'queued', runIndex: 0 });
      }
      const triggerItems = options.triggerItems ?? [{ json: {} }];
      const triggerText = this.encode ? JSON.stringify(triggerItems) : '';
      const triggerPart = { text: triggerText, bytes: Buffer.byteLength(triggerText) };
      if (options.partial !== undefined) {
        const seeded = this.startPartial(options.partial, triggerItems, this.encode ? triggerPart : undefined);
        return this.result(seeded === 'stop' ? 'stop' : await this.walk());
      }
      const starts = options.startNodeId ? [options.startNodeId] : graph.defaultStarts;
      if (starts.length === 0 || starts.some((id) => !graph.byId.has(id))) {
        const error = 'The workflow has no trigger node to start from';
        this.log.add('error', error);
        return { status: 'failed', error, runs: [], lastOutput: [], logs: this.log.done() };
      }
      for (const id of starts) this.schedule.start(id, triggerItems, this.encode ? triggerPart : undefined);
      const outcome = await this.walk();
      return this.result(outcome);
    } finally {
      clearTimeout(workflowTimer);
      outer?.removeEventListener('abort', onCancel);
    }
  }

  /**
   * A partial run's start: every reused run is seeded as this run's own (its output, run index, lineage and
   * `$('Node')` output), every pinned node that will not run puts out its pin on its seeded parents' items,
   * and each of them hands its items to the nodes that will run — so a start node gets its inputs by edge and
   * handle, and a Merge with one seeded parent and one that runs again waits for the second, as n8n's
   * recreate-node-execution-stack does. Start nodes nothing feeds in the subgraph start with the trigger items.
   */
  private startPartial(partial: PartialJob, triggerItems: Item[], triggerPart: Part | undefined): 'ok' | 'stop' {
    const { graph } = this;
    const starts = partial.startNodeIds.filter((id) => graph.byId.has(id));
    const running = willRun(graph, [...starts, ...fedBySeeds(graph, partial, this.pins)]);
    const reused = new Map<string, ReusedRun>();
    for (const r of partial.reuse) {
      if (graph.byId.has(r.nodeId) && !running.has(r.nodeId) && !reused.has(r.nodeId)) reused.set(r.nodeId, r);
    }
    const pinned = partial.subgraph.filter((id) => {
      const g = graph.byId.get(id);
      return g !== undefined && !running.has(id) && !reused.has(id) && !g.node.disabled && this.pins.has(id);
    });
    const seeded = new Map<string, NodeLineage>();
    const lineageOf = (nodeId: string, runIndex: number) => seeded.get(`${nodeId}\u0000${runIndex}`);
    const outputs = new Map<string, { output: NodeOutput; measured: Measured }>();
    const at = this.now();
    for (const id of parentsFirst(graph, [...reused.keys(), ...pinned])) {
      const g = graph.byId.get(id) as GraphNode;
      const r = reused.get(id);
      const done = r ? this.seedReused(g, r, at, lineageOf) : this.seedPinned(g, outputs);
      if (done === 'stop') return 'stop';
      if (done === undefined) continue;
      seeded.set(`${id}\u0000${done.runIndex}`, done.lineage);
      outputs.set(id, done);
    }
    // In the order the base ran them (the job's reuse order, parents first), as they delivered in the base: v1's
    // stack then runs the deliveries of the seed that ran last first, v0's queue the first first, and v0 knows a
    // seed's parents delivered before it looks for inputs to force.
    for (const [id, { output, measured }] of outputs) {
      this.schedule.deliver(towards(graph.byId.get(id) as GraphNode, running), output, measured);
    }
    for (const id of starts) {
      if ((graph.byId.get(id)?.parents.size ?? 0) === 0) this.schedule.start(id, triggerItems, triggerPart);
    }
    // A Merge fed only by seeds and by a node that will put nothing out runs with what it has, as it would have
    // once the run's last node ran (a walk releases waiting nodes only after a node runs).
    this.schedule.releaseWaiting();
    return 'ok';
  }

  /** A reused run as this run's own: its stored text unchanged, its run index, its lineage. */
  private seedReused(
    g: GraphNode,
    reused: ReusedRun,
    at: number,
    seeded: (nodeId: string, runIndex: number) => NodeLineage | undefined,
  ): Seeded | 'stop' | undefined {
    const output = parseStoredOutput(reused.output);
    if (!output) {
      this.log.add('warn', 'Its output in the base run could not be read: not reused', g.node.name);
      return undefined;
    }
    const measured = this.budget.take(output, 2, this.encode);
    if (typeof measured === 'string') {
      this.log.add('error', `Stopped: its reused output does not fit: ${measured}`, g.node.name);
      this.failedNode = g.node.name;
      this.failedMessage = `Node "${g.node.name}" failed: ${measured}`;
      return 'stop';
    }
    const { runIndex } = reused;
    const record: NodeRun = {
      nodeId: g.node.id,
      name: g.node.name,
      runIndex,
      status: 'succeeded',
      input: {},
      output,
      attempts: 0,
      startedAt: at,
      finishedAt: at,
      // The text as the base stored it: the new execution is whole without its base.
      ...(this.encode ? { inputJson: '{}', outputJson: reused.output } : {}),
      origin: 'reused',
    };
    const lineage = this.lineage.restore(
      {
        node: g.node,
        runIndex,
        output,
        outputs: g.outputs,
        ...(reused.paired === undefined ? {} : { paired: reused.paired }),
      },
      seeded,
      this.options.recordPairedItems ? record : undefined,
    );
    this.runs.push(record);
    if (this.encode) this.runLineages.push(lineage);
    this.runCount.set(g.node.id, runIndex + 1);
    this.lastRuns.set(g.node.name, runIndex);
    this.lastOutputs.set(g.node.name, output[g.firstOutput] ?? []);
    if (this.listening)
      this.emit({
        nodeId: g.node.id,
        name: g.node.name,
        status: 'succeeded',
        runIndex,
        itemsIn: 0,
        itemsOut: countsOf(output),
        startedAt: at,
        durationMs: 0,
        attempts: 0,
        origin: 'reused',
      });
    return { runIndex, lineage, output, measured };
  }

  /** A pinned node that will not run: its pin, paired by index with what its seeded parents hand it. */
  private seedPinned(g: GraphNode, seededOutputs: ReadonlyMap<string, { output: NodeOutput }>): Seeded | 'stop' {
    const input = Object.create(null) as Record<string, Item[]>;
    for (const [parent, parentGraph] of [...g.parents].map((p) => [p, this.graph.byId.get(p)] as const)) {
      const from = seededOutputs.get(parent);
      if (!from || !parentGraph) continue;
      for (const [handle, list] of parentGraph.outgoing) {
        const items = from.output[handle];
        if (!items) continue;
        // One list per input, as delivered: a second parent on the same input is left out (its lineage unknown).
        for (const c of list) if (c.target === g.node.id) input[c.targetHandle] ??= items;
      }
    }
    const first = input[firstInput(g)] ?? [];
    const lineage = this.lineage.start(g.node, input, 0);
    const inputText = this.encode ? JSON.stringify(input) : '';
    const run: RunStart = {
      runIndex: 0,
      input,
      inputText: this.encode ? { text: inputText, bytes: Buffer.byteLength(inputText) } : undefined,
      itemsIn: first.length,
      startedAt: this.now(),
      lineage,
      origin: 'pinned',
    };
    this.runCount.set(g.node.id, 1);
    const output = { [g.firstOutput]: this.pinnedItems(this.pins.get(g.node.id) ?? [], first) };
    const measured = this.budget.take(output, run.inputText?.bytes ?? 0, this.encode);
    if (typeof measured === 'string') {
      this.log.add('error', `Stopped: ${measured}`, g.node.name);
      this.finish(g, run, 'failed', {}, EMPTY_OUTPUT, 0, measured);
      this.failedNode = g.node.name;
      this.failedMessage = `Node "${g.node.name}" failed: ${measured}`;
      return 'stop';
    }
    this.finish(g, run, 'succeeded', output, measured, 0);
    this.lastOutputs.set(g.node.name, output[g.firstOutput] ?? []);
    return { runIndex: 0, lineage, output, measured };
  }

  private async walk(): Promise<'ok' | 'stop'> {
    const { schedule, graph } = this;
    for (;;) {
      const now = Date.now();
      this.checkDeadline(now);
      if (this.aborted) return 'stop';
      if (now >= this.yieldAt) {
        await nextTurn();
        this.yieldAt = Date.now() + SLICE_MS;
        continue;
      }
      const execution = schedule.next();
      if (execution === undefined) return 'ok';
      const g = graph.byId.get(execution.nodeId);
      if (!g) continue;
      if (this.nodeRuns >= this.budget.limits.maxNodeRuns) return this.tooManyRuns();
      const outcome = await this.runNode(g, execution);
      if (outcome === 'stop') return 'stop';
      // n8n's loop `continue`s past a node that did not run, so waiting nodes are not released then (v0 only).
      if (outcome === 'ok') schedule.releaseWaiting();
    }
  }

  private tooManyRuns(): 'stop' {
    const byName = new Map<string, number>();
    for (const [id, n] of this.runCount) byName.set(this.graph.byId.get(id)?.node.name ?? id, n);
    const message = this.budget.tooManyRuns(byName);
    this.log.add('error', message);
    this.failedMessage = message;
    return 'stop';
  }

  private result(outcome: 'ok' | 'stop'): RunResult {
    const { runs, lastOutput, response, options, log } = this;
    for (const g of this.graph.byId.values()) {
      if (!this.runCount.has(g.node.id)) {
        if (this.listening) this.emit({ nodeId: g.node.id, name: g.node.name, status: 'skipped', runIndex: 0 });
      }
    }
    const took = `${this.now() - this.startedAt} ms`;
    const nodeRuns = `${runs.length} node run${runs.length === 1 ? '' : 's'}`;
    let end: Pick<RunResult, 'status' | 'error' | 'failedNode'>;
    if (this.aborted) {
      const canceled = options.signal?.aborted === true;
      const reason: unknown = this.signal.reason;
      const message = reason instanceof RunCanceled ? reason.message : errorMessage(reason);
      end = canceled ? { status: 'canceled', error: 'Canceled' } : { status: 'failed', error: message };
      log.add(
        canceled ? 'warn' : 'error',
        canceled ? `Canceled after ${took} (${nodeRuns})` : `Failed after ${took}: ${message}`,
      );
    } else if (outcome === 'stop') {
      const { failedNode } = this;
      end = { status: 'failed', error: this.failedMessage ?? 'failed', ...(failedNode ? { failedNode } : {}) };
      log.add('error', `Failed after ${took} (${nodeRuns})`);
    } else {
      end = { status: 'succeeded' };
      log.add('info', `Succeeded in ${took} (${nodeRuns})`);
    }
    if (this.encode) {
      // At the end, not as each node finishes: a pairing is worked out once, from the whole output.
      this.runLineages.forEach((lineage, i) => {
        const r = runs[i];
        if (r) r.paired = lineage.encoded();
      });
    }
    // Fields set one by one (a spread of `end`, whose shape varies, cost more than the rest of a small run's end).
    const result: RunResult = { status: end.status, runs, lastOutput, logs: log.done() };
    if (this.customData.size > 0) result.customData = this.customData.getAll();
    if (end.error !== undefined) result.error = end.error;
    if (end.failedNode !== undefined) result.failedNode = end.failedNode;
    if (response) result.response = response;
    return result;
  }

  private finish(
    g: GraphNode,
    run: RunStart,
    status: 'succeeded' | 'failed',
    output: NodeOutput,
    measured: Measured,
    attempts: number,
    error?: string,
  ): void {
    const { node } = g;
    const finishedAt = this.now();
    const { runIndex, input, startedAt } = run;
    const failure = error ? { error } : {};
    this.lastRuns.set(node.name, runIndex);
    this.runs.push({
      nodeId: node.id,
      name: node.name,
      runIndex,
      status,
      input,
      output,
      attempts,
      startedAt,
      finishedAt,
      ...(run.inputText ? { inputJson: run.inputText.text } : {}),
      ...(measured.text !== undefined ? { outputJson: measured.text } : {}),
      ...failure,
      origin: run.origin ?? 'ran',
    });
    if (this.encode) this.runLineages.push(run.lineage);
    this.lineage.finished(
      run.lineage,
      output,
      g.outputs,
      this.options.recordPairedItems ? this.runs[this.runs.length - 1] : undefined,
    );
    if (this.listening)
      this.emit({
        nodeId: node.id,
        name: node.name,
        status,
        runIndex,
        itemsIn: run.itemsIn,
        itemsOut: countsOf(output),
        startedAt,
        durationMs: finishedAt - startedAt,
        attempts,
        ...failure,
        ...(node.disabled ? { disabled: true } : {}),
        ...(run.origin ? { origin: run.origin } : {}),
      });
  }

  /**
   * Records a node's successful (or continued) run and hands its output on;
   * its first output is what later nodes (and the webhook) read. A run past
   * a budget stops the execution instead, whatever the node's on-error says.
   */
  private succeeded(
    g: GraphNode,
    run: RunStart,
    output: NodeOutput,
    attempts: number,
    first: Item[],
    isLast: boolean,
    error?: string,
  ): 'ok' | 'stop' {
    first = ownLists(output, run.input, first);
    const measured = this.budget.take(output, run.inputText?.bytes ?? 0, this.encode);
    if (typeof measured === 'string') {
      this.log.add('error', `Stopped: ${measured}`, g.node.name);
      this.finish(g, run, 'failed', {}, EMPTY_OUTPUT, attempts, measured);
      this.failedNode = g.node.name;
      this.failedMessage = `Node "${g.node.name}" failed: ${measured}`;
      return 'stop';
    }
    this.finish(g, run, 'succeeded', output, measured, attempts, error);
    this.lastOutputs.set(g.node.name, first);
    if (isLast) this.lastOutput = first;
    this.schedule.deliver(g, output, measured);
    return 'ok';
  }

  /** A failed run's output (items that failed), kept only when it is small enough to store. */
  private failedOutput(output: NodeOutput): { output: NodeOutput; measured: Measured } {
    if (!this.encode) return { output, measured: { items: 0, bytes: 0 } };
    try {
      const measured = measureOutput(output);
      if (measured.bytes <= this.budget.limits.maxBytesPerNode) return { output, measured };
    } catch {
      // Too large to encode: not kept.
    }
    return { output: {}, measured: EMPTY_OUTPUT };
  }

  /**
   * A pin as this run's output: new items each time (a node in a loop puts its pin out on every pass), item i
   * paired with input item i, or with item 0 when the input is shorter (§2.4), with nothing when there is none.
   */
  private pinnedItems(pin: readonly JsonObject[], input: readonly Item[]): Item[] {
    return pin.map((json, i) =>
      pairedWith({ json: structuredClone(json) }, input.length === 0 ? [] : { item: i < input.length ? i : 0 }),
    );
  }

  private async runNode(g: GraphNode, execution: Execution): Promise<'ok' | 'stop' | 'not run'> {
    const { node } = g;
    const { options } = this;
    const { input } = execution;
    const inputText = this.encode ? this.pendingText.take(execution.key) : undefined;
    // v0 reads the first input only (n8n's connectionInputData); empty, the node does not run — or only puts out its
    // empty item — unless a loop came round into a later input (schedule-v0.ts).
    const v0Handle = this.v0 ? v0InputHandle(this.graph, g, execution) : undefined;
    const firstEmpty = v0Handle !== undefined && !node.disabled && !input[v0Handle]?.length;
    // n8n takes a pin before it asks whether the node has input to run on (processRunExecutionData).
    const pin = node.disabled ? undefined : this.pins.get(node.id);
    if (firstEmpty && !node.alwaysOutputData && !pin) return 'not run';
    const runIndex = this.runCount.get(node.id) ?? 0;
    this.runCount.set(node.id, runIndex + 1);
    this.nodeRuns++;
    // The items a node reads by default: its first input with items (n8n v1's connection input data), v0 its first input.
    let items: Item[] | undefined;
    let itemsHandle: string | undefined;
    let itemsIn = 0;
    const once = node.executeOnce && !node.disabled ? executeOnceInput(input) : input;
    for (const handle in once) {
      const list = once[handle] as Item[];
      if (!items?.length) {
        items = list;
        itemsHandle = handle;
      }
      itemsIn += (input[handle] as Item[]).length;
    }
    if (v0Handle !== undefined) {
      itemsHandle = v0Handle;
      items = once[itemsHandle];
    }
    items ??= [];
    // Execute Once: the node gets its first item, while its expressions' $input still reads the whole input (n8n
    // takes connectionInputData before handleExecuteOnce cuts the node's input).
    const wholeInput = once !== input && itemsHandle !== undefined ? input[itemsHandle] : undefined;
    const startedAt = this.now();
    const run: RunStart = {
      runIndex,
      input,
      inputText,
      itemsIn,
      startedAt,
      lineage: this.lineage.start(node, input, runIndex),
    };
    if (this.listening) this.emit({ nodeId: node.id, name: node.name, status: 'running', runIndex, startedAt });

    // n8n's error output handling, then Always Output Data (which sees the input as the first left it).
    const settle = (produced: NodeOutput): NodeOutput => {
      const moved = errorItemsToErrorOutput(g, input, produced);
      return node.alwaysOutputData ? alwaysOutput(g, moved.input, moved.output) : moved.output;
    };
    const always = (output: NodeOutput): NodeOutput =>
      node.alwaysOutputData ? alwaysOutput(g, input, output) : output;
    if (node.disabled) {
      // A disabled node passes its first input's items (n8n's `main[0]`, even when empty) on through its first output
      // (and, with an error output, its error-only items through that one).
      const output = settle({ [g.firstOutput]: input[firstInput(g)] ?? [] });
      // n8n's disabled node has its first output only — unless the error output handling gave it that one too.
      if (output[ERROR_OUTPUT] === undefined) onlyFirstOutput(output);
      return this.succeeded(g, run, output, 0, output[g.firstOutput] ?? [], false);
    }
    if (pin) {
      run.origin = 'pinned';
      const output = { [g.firstOutput]: this.pinnedItems(pin, items) };
      return this.succeeded(g, run, output, 0, output[g.firstOutput] ?? [], true);
    }
    if (firstEmpty) {
      const output = onlyFirstOutput(always({}));
      return this.succeeded(g, run, output, 0, output[g.firstOutput] ?? [], true);
    }

    const executor = options.executors.get(node.type);
    const maxTries = node.retryOnFail ? (node.maxTries ?? 3) : 1;
    let attempts = 0;
    let failure: unknown;
    for (;;) {
      attempts++;
      // A node timer (and its own signal) only when the node has a time limit: most do not.
      let nodeSignal: AbortSignal | undefined;
      let nodeTimer: ReturnType<typeof setTimeout> | undefined;
      if (node.timeoutSeconds && node.timeoutSeconds > 0) {
        const nodeController = new AbortController();
        nodeSignal = AbortSignal.any([this.signal, nodeController.signal]);
        nodeTimer = setTimeout(
          () => nodeController.abort(new Error(`the node ran longer than its ${node.timeoutSeconds} s limit`)),
          node.timeoutSeconds * 1000,
        );
      }
      try {
        if (!executor) throw new Error(`Weft cannot run "${node.type}" nodes (an unsupported node type)`);
        // One shape for every node run (a spread of options.meta here cost more than the node itself).
        const meta: ExpressionMeta = {
          workflow: options.meta.workflow,
          execution: options.meta.execution,
          customData: this.customData,
          now: this.now(),
          timezone: this.timezone,
          runIndex,
          parametersOf: this.parametersByName,
          lastRunOf: this.lastRunOf,
          ...(wholeInput ? { input: wholeInput } : {}),
        };
        const ctx = new RunContext(this, node, once, items, nodeSignal, meta, run.lineage);
        const result = this.withinTime(() => executor(ctx));
        // A node that ignores its signal still gives way when the run is canceled or times out.
        const output = settle(
          result instanceof Promise ? await untilAborted(result, nodeSignal ?? this.signal) : result,
        );
        clearTimeout(nodeTimer);
        return this.succeeded(g, run, output, attempts, output[g.firstOutput] ?? output[MAIN] ?? [], true);
      } catch (e) {
        clearTimeout(nodeTimer);
        failure = e;
        // A sandbox call cut short by the run's deadline fails its node; the run's limit is the reason.
        this.checkDeadline();
        if (this.aborted) break;
        if (e instanceof ExpressionError || attempts >= maxTries) break;
        const wait = Math.min(MAX_BACKOFF_MS, (node.waitBetweenTries ?? 1000) * 2 ** (attempts - 1));
        this.log.add(
          'warn',
          `Try ${attempts} of ${maxTries} failed: ${errorMessage(e)}; trying again in ${wait} ms`,
          node.name,
        );
        try {
          await (options.sleep ?? abortableSleep)(wait, this.signal);
        } catch {
          break;
        }
      }
    }

    if (this.aborted) {
      const reason = errorMessage(this.signal.reason);
      this.log.add('error', `Stopped: ${reason}`, node.name);
      this.finish(g, run, 'failed', {}, EMPTY_OUTPUT, attempts, reason);
      return 'stop';
    }
    const message = errorMessage(failure);
    // A node with no outputs of its own (Stop and Error) ends the run whatever its setting, as in n8n: there its
    // failure stays the run's error, since no node runs after it to clear it (docs/n8n-compatibility.md).
    const outputless = getNodeDefinition(node.type)?.outputs.length === 0;
    const onError = outputless ? 'stopWorkflow' : (node.onError ?? 'stopWorkflow');
    const tries = attempts > 1 ? ` (after ${attempts} tries)` : '';
    if (onError === 'stopWorkflow') {
      this.log.add('error', `Failed${tries}: ${message}`, node.name);
      // n8n's run data of such a node set to continue shows its input handed on, though nothing runs after it.
      const handedOn =
        outputless && (node.onError ?? 'stopWorkflow') !== 'stopWorkflow' ? { [g.firstOutput]: items } : {};
      const kept = this.failedOutput(failure instanceof ItemErrors ? failure.output : handedOn);
      this.finish(g, run, 'failed', kept.output, kept.measured, attempts, message);
      this.failedNode = node.name;
      this.failedMessage = `Node "${node.name}" failed: ${message}`;
      return 'stop';
    }
    // Continue: failed items go on with their error, on the error output or the regular one.
    this.log.add(
      'warn',
      `Failed${tries}: ${message}; the items go on ${onError === 'continueErrorOutput' ? 'through the error output' : 'with the error'}`,
      node.name,
    );
    // A node that handled its items' failures itself (n8n's nodes with continueOnFail) still always outputs data.
    const continued = continuedOutput(failure, message, items, onError, g.firstOutput);
    const output = failure instanceof ItemErrors ? always(continued) : continued;
    const first = output[g.firstOutput] ?? [];
    return this.succeeded(g, run, output, attempts, first, first.length > 0, message);
  }
}

export const runWorkflow = (options: RunOptions): Promise<RunResult> => new WorkflowRun(options).run();

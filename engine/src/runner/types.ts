import type { JobCredential, LogLevel } from '#shared/protocol/engine.ts';
import type { DefinitionNode } from '#shared/schema/definition.ts';
import type { OutboundClient } from '../net/outbound-client.ts';
import type { InputSource } from './paired-items.ts';
import type { ExpressionMeta, ParameterResolver } from '#shared/expressions/resolve.ts';
import type { Sandbox } from '#shared/sandbox/sandbox.ts';
import type { Item, JsonObject, NodeOutput, PairedLookup } from '#shared/runs/items.ts';

/** What a node's implementation gets for one run. */
export interface NodeContext {
  node: DefinitionNode;
  /** Items by input handle; `main` for single-input nodes. */
  inputs: Record<string, Item[]>;
  /** The items on `main` (or the first connected input). */
  items: Item[];
  /** Parameters (defaults filled in) resolved for each item, one object when there are no items. */
  params(): JsonObject[];
  /** Parameters resolved for no item in particular (the first item's view): node-level settings. */
  nodeParams(): JsonObject;
  /**
   * Another form of the node's parameters (defaults filled in by the caller), resolved per item as
   * params() resolves the node's own: for a node that needs more from an expression than its JSON
   * value (Date & Time tells a Luxon DateTime and `undefined` apart). The same object each run keeps
   * its compiled expressions.
   */
  paramsOf?(parameters: JsonObject): JsonObject[];
  /** Items the start of the run hands to a trigger node (the webhook request, the schedule tick). */
  triggerItems?: Item[];
  signal: AbortSignal;
  meta: ExpressionMeta;
  sandbox: Sandbox;
  resolver: ParameterResolver;
  /** Output of nodes that ran earlier in this execution, by name. */
  outputOf(name: string): readonly Item[] | undefined;
  /** For each of `items`, the item of the named node it descends from (`$('Name').item`; paired-items.ts). */
  pairedItems?(name: string): PairedLookup[];
  /** What this node keeps across its runs in one execution (n8n's getContext('node')): Loop Over Items' queue. */
  nodeState?(): Record<string, unknown>;
  /** Where this run's items on `handle` came from, to pair items to it in a later run (n8n's sourceOverwrite). */
  inputSource?(handle: string): InputSource | undefined;
  /** The `input` index that pairs this run's items to `source`'s output: `pairedWith(item, { item, input })`. */
  pairToSource?(source: InputSource): number;
  /** Secrets of a credential, by id; throws when it does not exist. */
  credential(id: string): Promise<Credential>;
  /** The types of every node upstream of this one (n8n's getParentNodes), for nodes that check what feeds them. */
  upstreamTypes?(): ReadonlySet<string>;
  /** Respond to Webhook hands the HTTP answer to the trigger. */
  respond(response: WebhookResponse): void;
  /** A line in the execution's log, about this node. */
  log(level: LogLevel, message: string): void;
  /** Lines the node did not keep (past the log's limit): counted in the log's last line. */
  logDropped(count: number): void;
  /** HTTP as the server's network policy allows it (HTTP Request's only way out). */
  outbound: OutboundClient;
  /** JSON bytes this node run may put out (its share of the run's budget); nodes that fetch data stop reading past it. */
  maxOutputBytes?: number;
  /** The folder Read/Write Files may use (WEFT_FILES_DIR); absent where none was configured. */
  readonly filesDir?: string | undefined;
  /** Runs another workflow through the server (Execute Workflow); absent where there is no server. */
  readonly subworkflow?: ((request: SubworkflowRequest) => Promise<SubworkflowAnswer>) | undefined;
}

export type SubworkflowVersion = 'published' | 'named' | 'draft';

export interface SubworkflowRequest {
  workflowId: string;
  version: SubworkflowVersion;
  versionName?: string;
  items: Item[];
  /** Wait for the child's end (it runs inline, in this process) or only for its start. */
  wait: boolean;
}

export interface SubworkflowAnswer {
  executionId: string;
  /** With wait: every output of the child's last executed node, by index. */
  outputs?: Item[][];
  /** For each of `outputs`' items, the caller's item it descends from through the child's paired items, if known. */
  pairedTo?: (number | undefined)[][];
}

/** What the run's owner provides for Execute Workflow: the node's id goes with each request. */
export type SubworkflowCaller = (
  nodeId: string,
  request: SubworkflowRequest,
  signal: AbortSignal,
) => Promise<SubworkflowAnswer>;

/** A credential's secret as its job carries it. */
export type Credential = JobCredential;

export interface WebhookResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export type NodeExecutor = (ctx: NodeContext) => Promise<NodeOutput> | NodeOutput;

/** A node failure for some items only (Code once per item): the others succeeded. */
export class ItemErrors extends Error {
  constructor(
    readonly output: NodeOutput,
    readonly failed: { index: number; message: string }[],
  ) {
    super(failed[0]?.message ?? 'an item failed');
    this.name = 'ItemErrors';
  }
}

/** A clear, user-facing node failure (bad parameter, HTTP error): no stack needed. */
export class NodeError extends Error {
  constructor(
    message: string,
    readonly description?: string,
  ) {
    super(message);
    this.name = 'NodeError';
  }
}

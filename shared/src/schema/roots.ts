import * as Y from 'yjs';

/**
 * The shape of a workflow Y.Doc (ARCHITECTURE.md §2). Only shared/src/schema
 * touches these roots; every other part goes through the typed API.
 *
 * meta:  Y.Map  schemaVersion (number), name (string), description (Y.Text),
 *               settings (Y.Map: timezone, timeoutSeconds, executionOrder,
 *               onEngineLoss, errorWorkflow, errorWorkflowOnManual, minutesSavedPerRun)
 * nodes: Y.Map<nodeId, Y.Map>  one nested map per node, see NodeKey
 * edges: Y.Map<edgeId, EdgeValue>  edgeId is derived from the endpoints; `order`
 *        ranks the edges by when they were made (the definition's edge order)
 * pins:  Y.Map<nodeId, PinRecord>  one atomic JSON value per pinned node (pins.ts);
 *        not part of the definition. No layout version bump came with it: an
 *        older client leaves a root it does not know alone.
 */
export const ROOT_META = 'meta';
export const ROOT_NODES = 'nodes';
export const ROOT_EDGES = 'edges';
export const ROOT_PINS = 'pins';

export const MetaKey = {
  schemaVersion: 'schemaVersion',
  name: 'name',
  description: 'description',
  settings: 'settings',
} as const;

/**
 * Keys of a node's Y.Map. Each is its own key so concurrent edits of different
 * fields merge. `position` is one atomic {x, y} value so a concurrent move
 * never mixes x from one person with y from another.
 */
export const NodeKey = {
  type: 'type',
  typeVersion: 'typeVersion',
  name: 'name',
  position: 'position',
  disabled: 'disabled',
  notes: 'notes',
  parameters: 'parameters',
  credentials: 'credentials',
  retryOnFail: 'retryOnFail',
  maxTries: 'maxTries',
  waitBetweenTries: 'waitBetweenTries',
  onError: 'onError',
  timeoutSeconds: 'timeoutSeconds',
  alwaysOutputData: 'alwaysOutputData',
  executeOnce: 'executeOnce',
} as const;

export type NodeMap = Y.Map<unknown>;

export interface EdgeValue {
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
  /**
   * Where the edge stands in the definition's edge list (n8n's connection
   * order, which its v0 execution order runs children by): a new edge gets
   * 1 + the highest so far, as n8n's editor appends a new connection to the
   * end of the list; ties (two people connecting at once) go by edge id.
   * Edges stored without one come first, by id. See docs/decisions.md.
   */
  order?: number;
}

export const metaMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(ROOT_META);
export const nodesMap = (doc: Y.Doc): Y.Map<NodeMap> => doc.getMap(ROOT_NODES);
export const edgesMap = (doc: Y.Doc): Y.Map<EdgeValue> => doc.getMap(ROOT_EDGES);

/**
 * Edge ids are a function of the endpoints, so two people connecting the same
 * two handles at once write the same key and the merge holds one edge. Ids and
 * handle names never contain ':' or '>' (ID_PATTERN, HANDLE_PATTERN).
 */
export const edgeId = (e: EdgeValue): string => `${e.source}:${e.sourceHandle}>${e.target}:${e.targetHandle}`;

export const HANDLE_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { ExecutionDetailDto, ExecutionDto } from '#shared/api/executions.ts';
import { CloseCodes } from '#shared/protocol/close-codes.ts';
import { toDefinition } from '#shared/schema/to-definition.ts';
import { CliError, ExitCode } from './output.ts';
import { apiRoutes, type Remote } from './remote.ts';

/**
 * `weft run --wait` (and `executions retry --wait`): follows a run as it
 * happens. The server publishes each node's status in the workflow room's
 * awareness (sync-server/src/executions/live-status.ts), so this joins the
 * room like an editor does — the stock y-websocket client with the API token
 * as a Bearer header — *before* the run starts, and reports every change of
 * that execution's entry. The server keeps only the latest run of a workflow
 * there: if another run starts meanwhile, or the socket is lost, the REST
 * execution (polled every few seconds all along) still tells when it ended,
 * and the node runs it stored fill in what the stream missed.
 */

export type NodeStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped';
export type ExecutionStatus = ExecutionDto['status'];

export interface NodeEvent {
  event: 'node';
  executionId: string;
  nodeId: string;
  name: string;
  status: NodeStatus;
  runs: number;
  itemsOut?: Record<string, number>;
  durationMs?: number;
  error?: string;
}

export interface ExecutionEvent {
  event: 'execution';
  executionId: string;
  status: ExecutionStatus;
  error?: string;
}

export type RunEvent = NodeEvent | ExecutionEvent;

const ENDED = new Set<ExecutionStatus>(['succeeded', 'failed', 'canceled']);
const NODE_STATUSES = new Set<string>(['queued', 'running', 'succeeded', 'failed', 'skipped']);
const EXECUTION_STATUSES = new Set<string>(['queued', 'running', 'succeeded', 'failed', 'canceled']);
/** How long joining the room may take before the run is followed by polling alone. */
const JOIN_TIMEOUT_MS = 10_000;
/** The REST check that catches what the stream cannot see. */
const POLL_INTERVAL_MS = 2_000;
/** After the REST execution has ended, the stream's last statuses may still be on their way. */
const SETTLE_MS = 300;

const record = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** `ws` sending the token as a header: it stays out of URLs, which land in proxies' logs. */
const bearerSocket = (token: string): typeof WebSocket =>
  class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers: { authorization: `Bearer ${token}` } });
    }
  } as typeof WebSocket;

const wsUrlOf = (baseUrl: string): string => `${baseUrl.replace(/^http/, 'ws')}/sync`;

interface Room {
  provider: WebsocketProvider;
  doc: Y.Doc;
  destroy(): void;
}

/** Joins the workflow's room; resolves once synced, or undefined (with a note) when it cannot. */
const joinRoom = async (
  remote: Remote,
  workflowId: string,
  note: (line: string) => void,
): Promise<Room | undefined> => {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(wsUrlOf(remote.baseUrl), workflowId, doc, {
    WebSocketPolyfill: bearerSocket(remote.token) as never,
    disableBc: true,
    maxBackoffTime: 2_000,
  });
  // Not a person: nothing to show in the editors' presence.
  provider.awareness.setLocalState(null);
  const destroy = () => {
    provider.destroy();
    doc.destroy();
  };
  const joined = await new Promise<boolean | number>((resolve) => {
    const timer = setTimeout(() => resolve(false), JOIN_TIMEOUT_MS);
    provider.on('sync', (synced: boolean) => {
      if (!synced) return;
      clearTimeout(timer);
      resolve(true);
    });
    provider.on('closed', (event: { code: number }) => {
      clearTimeout(timer);
      resolve(event.code);
    });
  });
  if (joined === true) return { provider, doc, destroy };
  destroy();
  if (joined === CloseCodes.unauthorized) {
    throw new CliError(ExitCode.authRefused, 'unauthorized', 'the server refused the token on its socket');
  }
  if (joined === CloseCodes.forbidden || joined === CloseCodes.notFound) {
    throw new CliError(ExitCode.notFound, 'not_found', `workflow ${workflowId} cannot be opened with this token`);
  }
  note(`live status unavailable (${joined === false ? 'no sync' : `closed ${joined}`}); following the run by polling`);
  return undefined;
};

/** Node names by id, from the synced document (the stream carries ids only). */
const nodeNames = (doc: Y.Doc): Map<string, string> => {
  try {
    return new Map(toDefinition(doc).nodes.map((n) => [n.id, n.name]));
  } catch {
    return new Map();
  }
};

/** The server's entry for this execution in the room's awareness, read defensively. */
const liveEntry = (
  provider: WebsocketProvider,
  executionId: string,
): { status: ExecutionStatus; error?: string; nodes: Record<string, unknown> } | undefined => {
  for (const state of provider.awareness.getStates().values()) {
    const s = record(state);
    if (s?.server !== true) continue;
    const execution = record(s.execution);
    if (execution?.id !== executionId) continue;
    if (typeof execution.status !== 'string' || !EXECUTION_STATUSES.has(execution.status)) continue;
    return {
      status: execution.status as ExecutionStatus,
      ...(typeof execution.error === 'string' ? { error: execution.error } : {}),
      nodes: record(execution.nodes) ?? {},
    };
  }
  return undefined;
};

const nodeEvent = (executionId: string, nodeId: string, name: string, raw: unknown): NodeEvent | undefined => {
  const n = record(raw);
  if (!n || typeof n.status !== 'string' || !NODE_STATUSES.has(n.status)) return undefined;
  const itemsOut = record(n.itemsOut);
  return {
    event: 'node',
    executionId,
    nodeId,
    name,
    status: n.status as NodeStatus,
    runs: typeof n.runs === 'number' ? n.runs : 0,
    ...(itemsOut
      ? {
          itemsOut: Object.fromEntries(
            Object.entries(itemsOut).filter((e): e is [string, number] => typeof e[1] === 'number'),
          ),
        }
      : {}),
    ...(typeof n.durationMs === 'number' ? { durationMs: n.durationMs } : {}),
    ...(typeof n.error === 'string' ? { error: n.error } : {}),
  };
};

export interface WatchOptions {
  remote: Remote;
  workflowId: string;
  /** Starts the run, once the room is joined (so no status is missed). */
  start: () => Promise<ExecutionDto>;
  onEvent: (event: RunEvent) => void;
  note: (line: string) => void;
  /** Give up waiting after this long (the run goes on). */
  timeoutMs?: number | undefined;
}

/** Starts a run and reports it until it ends; answers the execution as the server stored it. */
export const startAndWatch = async (options: WatchOptions): Promise<ExecutionDetailDto> => {
  const { remote, workflowId, onEvent } = options;
  const room = await joinRoom(remote, workflowId, options.note);
  try {
    const names = room ? nodeNames(room.doc) : new Map<string, string>();
    const started = await options.start();
    const executionId = started.id;
    const seen = new Map<string, string>();
    // The REST answer and the room may tell the same change in either order: a status only moves forward.
    let reported = { rank: -1, error: '' };
    const emitExecution = (status: ExecutionStatus, error?: string) => {
      const rank = ENDED.has(status) ? 2 : status === 'running' ? 1 : 0;
      if (rank < reported.rank || (rank === reported.rank && (rank < 2 || (error ?? '') === reported.error))) return;
      reported = { rank, error: error ?? '' };
      onEvent({ event: 'execution', executionId, status, ...(error ? { error } : {}) });
    };
    emitExecution(started.status);

    // Set from the awareness handler; an object so the loop below reads it fresh.
    const stream = { ended: false };
    const fromStream = () => {
      if (!room) return;
      const entry = liveEntry(room.provider, executionId);
      if (!entry) return;
      for (const [nodeId, raw] of Object.entries(entry.nodes)) {
        const event = nodeEvent(executionId, nodeId, names.get(nodeId) ?? nodeId, raw);
        // Every node is announced as queued when the run starts: only what happens to it is news.
        if (!event || event.status === 'queued') continue;
        const key = `${event.status}:${event.runs}`;
        if (seen.get(nodeId) === key) continue;
        seen.set(nodeId, key);
        onEvent(event);
      }
      emitExecution(entry.status, entry.error);
      if (ENDED.has(entry.status)) stream.ended = true;
    };
    room?.provider.awareness.on('change', fromStream);
    fromStream();

    const deadline = options.timeoutMs !== undefined ? Date.now() + options.timeoutMs : Number.POSITIVE_INFINITY;
    let detail: ExecutionDetailDto | undefined;
    let nextPoll = 0;
    // Ends when the server has stored the end of the run (the stream may report it a moment earlier).
    for (;;) {
      const now = Date.now();
      if (now >= nextPoll || stream.ended) {
        detail = await remote.api.call(apiRoutes.getExecution, { params: { id: executionId } });
        nextPoll = now + POLL_INTERVAL_MS;
        if (ENDED.has(detail.status)) break;
      }
      if (now > deadline) {
        throw new CliError(
          ExitCode.failed,
          'timeout',
          `execution ${executionId} is still ${detail?.status ?? 'running'} after ${Math.round((options.timeoutMs ?? 0) / 1000)} s (it goes on; weft executions stop ${executionId} stops it)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, stream.ended ? 100 : 50));
    }
    if (!stream.ended && room) await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    room?.provider.awareness.off('change', fromStream);

    // What the stream did not show (it moved on to another run, or there was none), from the stored node runs.
    for (const run of detail.nodeRuns) {
      const last = seen.get(run.nodeId);
      if (last?.startsWith(run.status)) continue;
      seen.set(run.nodeId, `${run.status}:${run.runIndex + 1}`);
      onEvent({
        event: 'node',
        executionId,
        nodeId: run.nodeId,
        name: run.name,
        status: run.status,
        runs: run.runIndex + 1,
        durationMs: run.finishedAt - run.startedAt,
        ...(run.error ? { error: run.error } : {}),
      });
    }
    emitExecution(detail.status, detail.error ?? undefined);
    return detail;
  } finally {
    room?.destroy();
  }
};

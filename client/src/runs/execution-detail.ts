import { useEffect, useState, useSyncExternalStore } from 'react';
import { useAtomValue } from 'jotai';
import { api } from '../api/client.ts';
import type { ItemsSource } from '../inspector/io-panels/file-chips-text.ts';
import { useEditor } from '../editor/editor-context.tsx';
import { viewedExecutionAtom } from '../state/atoms.ts';

/** One execution with its node runs, as GET /api/executions/:id answers. */
export interface ExecutionDetail {
  id: string;
  status: string;
  mode: string;
  error: string | null;
  createdAt: number;
  finishedAt: number | null;
  /** Node id → fingerprint of the version it ran (what the next partial run compares with); null on older runs. */
  fingerprints?: Record<string, string> | null;
  nodeRuns: {
    nodeId: string;
    name: string;
    runIndex: number;
    status: 'succeeded' | 'failed';
    input: Record<string, { json: unknown }[]>;
    output: Record<string, { json: unknown }[]>;
    error: string | null;
    attempts: number;
    origin?: 'ran' | 'reused' | 'pinned';
    /** Each output item's sources, compact (shared/src/runs/paired.ts). */
    paired?: string | null;
    /** Items per handle in all: `input`/`output` hold the first page only (the rest through loadItemsPage). */
    inputCounts?: Record<string, number>;
    outputCounts?: Record<string, number>;
  }[];
  /** Runs it called with Execute Workflow, by the node that called them. */
  children?: { id: string; workflowId: string; parentNodeId: string | null; status: string }[];
}

/** Ended executions never change: the inspector, the panels and the run planner share one read of each. */
const ENDED_KEPT = 8;
const endedDetails = new Map<string, Promise<ExecutionDetail>>();

/**
 * Items of each handle the detail carries: one page of the panels. Opening a
 * run of 100,000 items downloads its first page of each node, not all of it;
 * the panels page on through loadItemsPage.
 */
export const DETAIL_ITEMS = 50;

/** GET /api/executions/:id, read once while the execution has ended (the last few kept). */
export const loadExecutionDetail = (id: string): Promise<ExecutionDetail> => {
  const kept = endedDetails.get(id);
  if (kept) return kept;
  const loading = api<ExecutionDetail>('GET', `/api/executions/${id}?items=${DETAIL_ITEMS}`);
  endedDetails.set(id, loading);
  loading.then(
    (detail) => {
      if (detail.finishedAt === null) endedDetails.delete(id);
    },
    () => endedDetails.delete(id),
  );
  while (endedDetails.size > ENDED_KEPT) endedDetails.delete(endedDetails.keys().next().value as string);
  return loading;
};

/** GET /api/executions/:id/items: `limit` (at most 200) items of one handle of one node run from `offset`. */
export const loadItemsPage = async (
  source: ItemsSource,
  offset: number,
  limit: number,
): Promise<{ json: unknown; binary?: unknown }[]> => {
  const query = new URLSearchParams({
    node: source.nodeId,
    run: String(source.run),
    side: source.side,
    handle: source.handle,
    offset: String(offset),
    limit: String(limit),
  });
  const page = await api<{ items: { json: unknown; binary?: unknown }[] }>(
    'GET',
    `/api/executions/${encodeURIComponent(source.executionId)}/items?${query.toString()}`,
  );
  return page.items;
};

export const ended = (status: string | undefined) =>
  status === 'succeeded' || status === 'failed' || status === 'canceled';

/**
 * The execution the inspector shows items of: the one picked in the
 * executions panel, else the room's latest once it has ended (its items are
 * in SQLite only then).
 */
export const useExecutionDetail = (): ExecutionDetail | undefined => {
  const { runs } = useEditor();
  const live = useSyncExternalStore(runs.subscribe, runs.getExecution);
  const viewed = useAtomValue(viewedExecutionAtom);
  const id = viewed ?? (live && ended(live.status) ? live.id : undefined);
  const [detail, setDetail] = useState<ExecutionDetail>();
  useEffect(() => {
    if (!id) return;
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A run still going (a sub-execution opened from its caller) is read again every second until it ends.
    const load = () =>
      loadExecutionDetail(id).then(
        (d) => {
          if (!current) return;
          setDetail(d);
          if (!ended(d.status)) timer = setTimeout(load, 1000);
        },
        () => undefined,
      );
    void load();
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [id]);
  return id && detail?.id === id ? detail : undefined;
};

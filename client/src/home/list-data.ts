import { useCallback, useEffect, useRef, useState } from 'react';
import type { WorkflowDto } from '#shared/api/index.ts';
import type { WorkflowSort } from '#shared/api/workflow-list.ts';
import { api, ApiError } from '../api/client.ts';

/** What the list shows: the server filters and sorts (docs/plans/home-insights.md §2). */
export interface ListFilter {
  q: string;
  sort: WorkflowSort;
  tags: readonly string[];
  /** A folder of the caller's, or undefined for every workflow. */
  folder: string | undefined;
}

/** Rows per page: enough to fill a screen twice; "Load more" reads the next with the cursor. */
export const PAGE_SIZE = 50;

export const errorText = (e: unknown): string => (e instanceof ApiError ? e.message : 'Could not reach the server');

export const listPath = (filter: ListFilter, cursor?: string): string => {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE), sort: filter.sort });
  if (filter.q.trim()) params.set('q', filter.q.trim());
  for (const tag of filter.tags) params.append('tag', tag);
  if (filter.folder) params.set('folder', filter.folder);
  if (cursor) params.set('cursor', cursor);
  return `/api/workflows?${params.toString()}`;
};

interface Page {
  workflows: WorkflowDto[];
  nextCursor?: string | null;
}

/**
 * The list's rows for a filter, a page at a time. A newer filter's answer replaces an older one's even when
 * the older arrives last (each request carries its generation).
 */
export const useWorkflowList = (filter: ListFilter, onError: (message: string) => void) => {
  const [rows, setRows] = useState<WorkflowDto[]>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const generation = useRef(0);
  const key = JSON.stringify(filter);
  // A reload asked for by an older render (a bulk action that ended after the filter changed) reads the
  // filter now shown, not the one of its render.
  const current = useRef(key);
  useEffect(() => {
    current.current = key;
  }, [key]);

  const load = useCallback(
    (after?: string) => {
      const mine = after === undefined ? ++generation.current : generation.current;
      api<Page>('GET', listPath(JSON.parse(current.current) as ListFilter, after)).then(
        (page) => {
          if (mine !== generation.current) return;
          setRows((before) => (after === undefined ? page.workflows : [...(before ?? []), ...page.workflows]));
          setCursor(page.nextCursor ?? null);
          setLoading(false);
        },
        (e: unknown) => {
          if (mine !== generation.current) return;
          setLoading(false);
          onError(errorText(e));
        },
      );
    },
    [onError],
  );

  useEffect(() => load(), [load, key]);

  const patchRow = useCallback((id: string, patch: Partial<WorkflowDto>) => {
    setRows((before) => before?.map((w) => (w.id === id ? { ...w, ...patch } : w)));
  }, []);

  /** Runs the live feed reported: a row's last run moves to the newest of them (its status as it changes). */
  const noteRuns = useCallback((runs: readonly { workflowId: string; status: string; createdAt: number }[]) => {
    setRows((before) => {
      if (!before) return before;
      const newest = new Map<string, { status: string; at: number }>();
      for (const run of runs) {
        const seen = newest.get(run.workflowId);
        if (!seen || run.createdAt >= seen.at) newest.set(run.workflowId, { status: run.status, at: run.createdAt });
      }
      const next = before.map((w) => {
        const run = newest.get(w.id);
        if (!run || (w.lastRun && w.lastRun.at > run.at)) return w;
        if (w.lastRun?.at === run.at && w.lastRun.status === run.status) return w;
        return { ...w, lastRun: run };
      });
      // The same array when nothing moved: the list does not render again for runs of other workflows.
      return next.some((w, i) => w !== before[i]) ? next : before;
    });
  }, []);

  return {
    rows,
    noteRuns,
    loading,
    hasMore: cursor !== null,
    loadMore: () => {
      if (!cursor) return;
      setLoading(true);
      load(cursor);
    },
    reload: () => load(),
    patchRow,
  };
};

/** Waits until typing pauses before the value moves on (the search asks the server). */
export const useDebounced = <T>(value: T, ms: number): T => {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
};

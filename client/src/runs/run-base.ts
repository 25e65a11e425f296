import { useEffect, useState, useSyncExternalStore } from 'react';
import { useAtomValue } from 'jotai';
import { itemsOutOf, planBaseOf } from '#shared/runs/plan-base.ts';
import { api } from '../api/client.ts';
import { useEditor } from '../editor/editor-context.tsx';
import { viewedExecutionAtom } from '../state/atoms.ts';
import { ended, loadExecutionDetail, type ExecutionDetail } from './execution-detail.ts';

const baseOf = (detail: ExecutionDetail) =>
  detail.fingerprints
    ? {
        id: detail.id,
        plan: planBaseOf(
          detail.fingerprints,
          detail.nodeRuns.map((r) => ({
            nodeId: r.nodeId,
            runIndex: r.runIndex,
            status: r.status,
            itemsOut: r.outputCounts ?? itemsOutOf(r.output),
          })),
        ),
      }
    : null;

/**
 * Keeps the planner's base on the run a person would build on: the one
 * picked in the executions panel, else the room's latest once it ended, else
 * (a page opened after the room forgot its run) the latest ended run on
 * record. While a run is in flight the previous base stays.
 */
export const useRunBaseSync = (workflowId: string): void => {
  const { runs, planner } = useEditor();
  const live = useSyncExternalStore(runs.subscribe, runs.getExecution);
  const viewed = useAtomValue(viewedExecutionAtom);
  const [latest, setLatest] = useState<string | null>();
  useEffect(() => {
    let current = true;
    api<{ executions: { id: string; finishedAt: number | null }[] }>(
      'GET',
      `/api/executions?workflowId=${encodeURIComponent(workflowId)}&limit=5`,
    ).then(
      (list) => {
        if (current) setLatest(list.executions.find((e) => e.finishedAt !== null)?.id ?? null);
      },
      () => {
        if (current) setLatest(null);
      },
    );
    return () => {
      current = false;
    };
  }, [workflowId]);
  const id = viewed ?? (live ? (ended(live.status) ? live.id : undefined) : latest);
  useEffect(() => {
    if (id === undefined) return;
    if (id === null) {
      planner.setBase(null);
      return;
    }
    let current = true;
    loadExecutionDetail(id).then(
      (detail) => {
        if (current) planner.setBase(baseOf(detail));
      },
      () => {
        if (current) planner.setBase(null);
      },
    );
    return () => {
      current = false;
    };
  }, [id, planner]);
};

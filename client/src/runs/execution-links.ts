import { useEffect } from 'react';
import { useSetAtom } from 'jotai';
import { isValidId } from '#shared/ids.ts';
import { viewedExecutionAtom } from '../state/atoms.ts';

/**
 * How a run is opened from elsewhere (the executions page, sub-execution and "called by" links): a URL,
 * and the editor's reading of it; apart from the panel, so the lazily loaded executions page does not carry it.
 */

/** Where a run of another workflow opens: that workflow's editor, showing that run. */
export const executionHref = (workflowId: string, executionId: string): string =>
  `/w/${encodeURIComponent(workflowId)}?execution=${encodeURIComponent(executionId)}`;

/**
 * `?execution=<id>` (Open sub-execution, "called by" links): the executions panel opens with that run picked,
 * and the inspector shows its items.
 */
export const useOpenExecutionFromUrl = (openPanel: (panel: 'executions') => void): void => {
  const setViewed = useSetAtom(viewedExecutionAtom);
  useEffect(() => {
    const id = new URLSearchParams(window.location.search).get('execution');
    if (!isValidId(id)) return;
    setViewed(id);
    openPanel('executions');
  }, [setViewed, openPanel]);
};

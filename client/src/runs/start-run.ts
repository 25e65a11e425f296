import { useSetAtom } from 'jotai';
import type { RunScope } from '#shared/runs/partial-plan.ts';
import { api, ApiError } from '../api/client.ts';
import { useEditor } from '../editor/editor-context.tsx';
import { toastAtom, viewedExecutionAtom } from '../state/atoms.ts';

export interface RunRequest {
  scope: RunScope;
  /** The node for "Execute step" and "Run to here". */
  destination?: string;
  /** Build on nothing: every node runs ("Run everything fresh"). */
  fresh?: boolean;
}

const message = (e: unknown): string => (e instanceof ApiError ? e.message : 'Could not reach the server');

/**
 * Starts a run of the open workflow from the document as it is now, built on
 * the run the planner holds (its unchanged nodes' outputs are reused), and
 * follows it in the room. Failures become a toast; resolves whether it started.
 */
export const useStartRun = (): ((request: RunRequest) => Promise<boolean>) => {
  const { session, planner } = useEditor();
  const setViewed = useSetAtom(viewedExecutionAtom);
  const setToast = useSetAtom(toastAtom);
  return async ({ scope, destination, fresh }) => {
    const base = fresh ? null : planner.getBase();
    try {
      await api('POST', `/api/workflows/${session.provider.roomname}/run`, {
        scope,
        ...(destination === undefined ? {} : { destination }),
        ...(base ? { base: base.id } : {}),
      });
      setViewed(null);
      return true;
    } catch (e) {
      const issues = e instanceof ApiError ? e.issues.map((i) => i.message) : [];
      setToast({ text: [message(e), ...issues.slice(0, 3)].join('\n'), kind: 'error' });
      return false;
    }
  };
};

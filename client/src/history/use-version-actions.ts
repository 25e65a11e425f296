import { useCallback, useEffect, useRef } from 'react';
import { useSetAtom } from 'jotai';
import { useEditor } from '../editor/editor-context.tsx';
import { getVersion } from './history-api.ts';
import { openedVersionAtom } from './opened-version.ts';

/**
 * Comparing a version with now and opening it read-only, by history entry id
 * or by content hash (a run's `versionHash`): the history panel and the
 * executions panel share them, so a version looks the same from either.
 * The comparison and the opened version belong to the panel that showed them:
 * when it closes, the live canvas comes back as it was.
 */
export const useVersionActions = (workflowId: string) => {
  const { diff, binding } = useEditor();
  const setOpened = useSetAtom(openedVersionAtom);

  // A version that arrives after the panel closed must not be drawn: nothing would be left to take it away.
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      diff.clear();
      setOpened(null);
    };
  }, [diff, setOpened]);

  const compare = useCallback(
    async (ref: string) => {
      const version = await getVersion(workflowId, ref);
      if (!mounted.current) return;
      diff.show(version);
      setOpened(null);
    },
    [diff, setOpened, workflowId],
  );

  const open = useCallback(
    async (ref: string) => {
      const version = await getVersion(workflowId, ref);
      if (!mounted.current) return;
      diff.clear();
      // The inspector edits the live workflow; next to a past version it would read as that version's.
      binding.select([]);
      setOpened(version);
    },
    [binding, diff, setOpened, workflowId],
  );

  return { compare, open };
};

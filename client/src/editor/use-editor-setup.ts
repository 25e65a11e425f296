import { useEffect, useMemo, useState } from 'react';
import type { TestWebhookListenDto } from '#shared/api/access.ts';
import { api } from '../api/client.ts';
import { FlowBinding } from '../canvas/flow-binding.ts';
import { VersionDiff } from '../history/version-diff.ts';
import type { WorkflowSession } from '../doc/session.ts';
import { Presence, presenceUser } from '../presence/presence.ts';
import { RunPlanner } from '../runs/run-planner.ts';
import { RunStatus } from '../runs/run-status.ts';
import { createWorkflowUndo, type WorkflowUndo } from '../undo/undo.ts';
import type { EditorContextValue } from './editor-context.tsx';
import { TestListen } from './test-listen.ts';

interface Parts {
  session: WorkflowSession;
  undo: WorkflowUndo;
  binding: FlowBinding;
  presence: Presence;
  runs: RunStatus;
  planner: RunPlanner;
  testListen: TestListen;
  diff: VersionDiff;
}

/**
 * Builds the editor's per-workflow parts (canvas binding, presence, undo) in
 * an effect, so each set is torn down exactly once, StrictMode included.
 * Null until they exist.
 */
export const useEditorSetup = (
  session: WorkflowSession,
  user: { id: string; name: string },
  rights: Pick<
    EditorContextValue,
    'canEdit' | 'canRun' | 'canComment' | 'canModerate' | 'discussion' | 'mode' | 'heldChanges'
  >,
): EditorContextValue | null => {
  const { canEdit, canRun, canComment, canModerate, discussion, mode, heldChanges } = rights;
  const [parts, setParts] = useState<Parts | null>(null);
  const { id, name } = user;
  useEffect(() => {
    const undo = createWorkflowUndo(session.doc);
    const binding = new FlowBinding(session.doc, { onDragBoundary: undo.boundary });
    const presence = new Presence(session.provider.awareness, presenceUser({ id, name }));
    const runs = new RunStatus(session.provider.awareness);
    const planner = new RunPlanner(session.doc);
    const testListen = new TestListen(session.provider.awareness, session.provider.roomname, (method, path) =>
      api<TestWebhookListenDto | undefined>(method, path),
    );
    const diff = new VersionDiff(session.doc);
    // The parts subscribe to the document and awareness, so they are made (and unmade) by the effect.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setParts({ session, undo, binding, presence, runs, planner, testListen, diff });
    return () => {
      diff.destroy();
      testListen.destroy();
      planner.destroy();
      runs.destroy();
      binding.destroy();
      presence.destroy();
      undo.destroy();
    };
  }, [session, id, name]);
  return useMemo(
    () =>
      parts && parts.session === session
        ? { ...parts, canEdit, canRun, canComment, canModerate, discussion, mode, heldChanges }
        : null,
    [parts, session, canEdit, canRun, canComment, canModerate, discussion, mode, heldChanges],
  );
};

import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { toDefinition, type WorkflowDefinition } from '#shared/schema/index.ts';
import { getSession, retainSession } from './session-registry.ts';
import type { SessionStatus, WorkflowSession } from './session.ts';

/** The workflow's live session, held open while the component is mounted. */
export const useWorkflowSession = (workflowId: string): WorkflowSession => {
  const session = useMemo(() => getSession(workflowId), [workflowId]);
  useEffect(() => retainSession(workflowId), [workflowId]);
  return session;
};

export const useSessionStatus = (session: WorkflowSession): SessionStatus =>
  useSyncExternalStore(
    (notify) => session.onStatus(notify),
    () => session.status(),
  );

/** The workflow definition, re-derived after every change of the document. */
export const useDefinition = (session: WorkflowSession): WorkflowDefinition => {
  const [state, setState] = useState(() => ({ session, definition: toDefinition(session.doc) }));
  useEffect(() => {
    const update = () => setState({ session, definition: toDefinition(session.doc) });
    session.doc.on('update', update);
    return () => session.doc.off('update', update);
  }, [session]);
  // A new session (another workflow) derives at once instead of showing the old definition.
  return state.session === session ? state.definition : toDefinition(session.doc);
};

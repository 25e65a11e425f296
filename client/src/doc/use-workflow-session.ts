import { useEffect, useState, useSyncExternalStore } from 'react';
import { toDefinition, type WorkflowDefinition } from '#shared/schema/index.ts';
import { openWorkflowSession, type SessionStatus, type WorkflowSession } from './session.ts';

/** Opens a session for the workflow while the component is mounted. */
export const useWorkflowSession = (workflowId: string): WorkflowSession | undefined => {
  const [session, setSession] = useState<WorkflowSession>();
  useEffect(() => {
    const s = openWorkflowSession(workflowId);
    setSession(s);
    return () => s.destroy();
  }, [workflowId]);
  return session;
};

export const useSessionStatus = (session: WorkflowSession | undefined): SessionStatus =>
  useSyncExternalStore(
    (notify) => session?.onStatus(notify) ?? (() => {}),
    () => session?.status() ?? 'connecting',
  );

/** The workflow definition, re-derived after every change of the document. */
export const useDefinition = (session: WorkflowSession | undefined): WorkflowDefinition | undefined => {
  const [definition, setDefinition] = useState<WorkflowDefinition>();
  useEffect(() => {
    if (!session) return;
    const update = () => setDefinition(toDefinition(session.doc));
    update();
    session.doc.on('update', update);
    return () => session.doc.off('update', update);
  }, [session]);
  return definition;
};

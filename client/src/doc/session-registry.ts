import { openWorkflowSession, type WorkflowSession } from './session.ts';

/**
 * One live session per workflow, shared by every component that shows it.
 * Components retain it while mounted; the last release closes it after a short
 * grace period, so a remount (React StrictMode, quick navigation) reuses it.
 */
const CLOSE_AFTER_MS = 1000;

interface Entry {
  session: WorkflowSession;
  holders: number;
  closeTimer: ReturnType<typeof setTimeout> | undefined;
}

const entries = new Map<string, Entry>();

const entry = (workflowId: string): Entry => {
  let e = entries.get(workflowId);
  if (!e) {
    e = { session: openWorkflowSession(workflowId), holders: 0, closeTimer: undefined };
    entries.set(workflowId, e);
  }
  return e;
};

/** The session for a workflow, opened on first use. */
export const getSession = (workflowId: string): WorkflowSession => entry(workflowId).session;

/** Keeps the session open until the returned release is called. */
export const retainSession = (workflowId: string): (() => void) => {
  const e = entry(workflowId);
  e.holders += 1;
  clearTimeout(e.closeTimer);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    e.holders -= 1;
    if (e.holders > 0) return;
    e.closeTimer = setTimeout(() => {
      if (e.holders > 0 || entries.get(workflowId) !== e) return;
      entries.delete(workflowId);
      e.session.destroy();
    }, CLOSE_AFTER_MS);
  };
};

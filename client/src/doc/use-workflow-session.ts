import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';
import { NodeKey } from '#shared/schema/roots.ts';
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

/** Whether a transaction only moved nodes (a drag writes one every 50 ms). */
export const movesOnly = (transaction: Y.Transaction): boolean => {
  for (const keys of transaction.changed.values()) for (const key of keys) if (key !== NodeKey.position) return false;
  return true;
};

/**
 * One derived definition per document, shared by every reader (the
 * inspector's expression fields, completions and run data each read it):
 * derived at most once per change, and not for moves, which no reader looks
 * at. Deriving 1,000 nodes costs more than a frame, and a drag writes a move
 * every 50 ms while the inspector is open.
 */
class DefinitionCache {
  private definition: WorkflowDefinition | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly doc: Y.Doc) {
    doc.on('afterTransaction', (transaction: Y.Transaction) => {
      if (this.definition === undefined || movesOnly(transaction)) return;
      this.definition = undefined;
      for (const listener of this.listeners) listener();
    });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get = (): WorkflowDefinition => (this.definition ??= toDefinition(this.doc));
}

const caches = new WeakMap<Y.Doc, DefinitionCache>();

export const definitionCache = (doc: Y.Doc): DefinitionCache => {
  let cache = caches.get(doc);
  if (!cache) {
    cache = new DefinitionCache(doc);
    caches.set(doc, cache);
  }
  return cache;
};

/**
 * The workflow definition, current with every change of the document except
 * moves: its node positions may be older than the canvas's.
 */
export const useDefinition = (session: WorkflowSession): WorkflowDefinition => {
  const cache = definitionCache(session.doc);
  return useSyncExternalStore(cache.subscribe, cache.get);
};

import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { isPermanentClose } from '#shared/protocol/close-codes.ts';

export type SessionStatus = 'connecting' | 'syncing' | 'synced' | 'offline' | 'closed';

export interface WorkflowSession {
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
  status(): SessionStatus;
  /** Resolves once this device's stored copy (IndexedDB) is loaded into the document. */
  readonly localLoaded: Promise<void>;
  /** Why the server closed the connection for good (no access, deleted), if it did. */
  closedReason(): string | undefined;
  onStatus(listener: (status: SessionStatus) => void): () => void;
  /**
   * Forgets this device's copy: the socket closes (nothing more is sent) and
   * the stored copy is deleted. The document is then unusable; opening the
   * workflow again loads it from the server alone.
   */
  discardLocalCopy(): Promise<void>;
  destroy(): void;
}

/** The IndexedDB database that keeps a workflow on this device. */
export const localDbName = (workflowId: string): string => `weft-workflow-${workflowId}`;

/**
 * One workflow document, kept on this device with y-indexeddb and connected
 * to the relay with the stock y-websocket provider: it opens offline from the
 * local copy, and edits made offline merge when the socket is back.
 * Framework-free: React components subscribe, they do not own it.
 */
export const openWorkflowSession = (workflowId: string, location: Location = window.location): WorkflowSession => {
  const doc = new Y.Doc();
  const local = new IndexeddbPersistence(localDbName(workflowId), doc);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const provider = new WebsocketProvider(`${scheme}://${location.host}/sync`, workflowId, doc);
  let status: SessionStatus = 'connecting';
  let closedReason: string | undefined;
  const listeners = new Set<(s: SessionStatus) => void>();
  const set = (next: SessionStatus): void => {
    // Closed is final: the provider still reports the socket's end afterwards ("sync" false, then
    // "disconnected"), which would otherwise turn a revoked session into an Offline one that keeps editing.
    if (next === status || status === 'closed') return;
    status = next;
    for (const l of listeners) l(next);
  };
  provider.on('status', ({ status: s }) => {
    if (s === 'connected') set(provider.synced ? 'synced' : 'syncing');
    else if (s === 'disconnected') set(status === 'closed' ? 'closed' : 'offline');
    // Retrying while the server is out of reach is still Offline, not a flicker back to Connecting.
    else if (status !== 'offline') set('connecting');
  });
  provider.on('sync', (synced: boolean) => set(synced ? 'synced' : 'syncing'));
  provider.on('connection-close', (event) => {
    if (event && isPermanentClose(event.code)) {
      closedReason = event.reason || `closed (${event.code})`;
      set('closed');
    } else if (status === 'connecting') {
      // An attempt that never connected: the server is out of reach, whatever navigator.onLine says
      // (it is true on a network that reaches nothing, and browsers do not always update it).
      set('offline');
    }
  });
  // The browser knows about a lost network long before a socket times out: go offline at once,
  // and reconnect the moment the network is back instead of waiting out the provider's backoff.
  const goOffline = () => {
    provider.disconnect();
    // The provider reports 'disconnected' only for a socket that had connected.
    if (status !== 'closed') set('offline');
  };
  const goOnline = () => {
    if (status !== 'closed') provider.connect();
  };
  window.addEventListener('offline', goOffline);
  window.addEventListener('online', goOnline);
  if (!navigator.onLine) goOffline();
  return {
    doc,
    provider,
    status: () => status,
    localLoaded: local.whenSynced.then(() => undefined),
    closedReason: () => closedReason,
    onStatus: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    discardLocalCopy: async () => {
      window.removeEventListener('offline', goOffline);
      window.removeEventListener('online', goOnline);
      provider.disconnect();
      await local.clearData();
    },
    destroy: () => {
      window.removeEventListener('offline', goOffline);
      window.removeEventListener('online', goOnline);
      listeners.clear();
      provider.destroy();
      void local.destroy();
      doc.destroy();
    },
  };
};

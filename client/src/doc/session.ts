import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { isPermanentClose } from '#shared/protocol/close-codes.ts';

export type SessionStatus = 'connecting' | 'syncing' | 'synced' | 'offline' | 'closed';

export interface WorkflowSession {
  readonly doc: Y.Doc;
  readonly provider: WebsocketProvider;
  status(): SessionStatus;
  /** Why the server closed the connection for good (no access, deleted), if it did. */
  closedReason(): string | undefined;
  onStatus(listener: (status: SessionStatus) => void): () => void;
  destroy(): void;
}

/**
 * One workflow document connected to the relay with the stock y-websocket
 * provider. Framework-free: React components subscribe, they do not own it.
 */
export const openWorkflowSession = (workflowId: string, location: Location = window.location): WorkflowSession => {
  const doc = new Y.Doc();
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const provider = new WebsocketProvider(`${scheme}://${location.host}/sync`, workflowId, doc);
  let status: SessionStatus = 'connecting';
  let closedReason: string | undefined;
  const listeners = new Set<(s: SessionStatus) => void>();
  const set = (next: SessionStatus): void => {
    if (next === status) return;
    status = next;
    for (const l of listeners) l(next);
  };
  provider.on('status', ({ status: s }) => {
    if (s === 'connected') set(provider.synced ? 'synced' : 'syncing');
    else if (s === 'disconnected') set(status === 'closed' ? 'closed' : 'offline');
    else set('connecting');
  });
  provider.on('sync', (synced: boolean) => set(synced ? 'synced' : 'syncing'));
  provider.on('connection-close', (event) => {
    if (event && isPermanentClose(event.code)) {
      closedReason = event.reason || `closed (${event.code})`;
      set('closed');
    }
  });
  return {
    doc,
    provider,
    status: () => status,
    closedReason: () => closedReason,
    onStatus: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    destroy: () => {
      listeners.clear();
      provider.destroy();
      doc.destroy();
    },
  };
};

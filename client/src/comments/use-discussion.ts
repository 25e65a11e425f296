import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { MemberDto } from '#shared/api/index.ts';
import type { ThreadView } from '#shared/discussion/index.ts';
import { discussionRoom } from '#shared/protocol/rooms.ts';
import { api } from '../api/client.ts';
import { getSession, retainSession } from '../doc/session-registry.ts';
import type { WorkflowSession } from '../doc/session.ts';
import { DiscussionStore } from './discussion-store.ts';
import { refreshUnread } from './use-unread.ts';

const stores = new WeakMap<WorkflowSession, DiscussionStore>();
const INBOX_DELAY_MS = 1000;

/**
 * The workflow's discussion (room `<id>/discussion`), kept on this device
 * and synced like the workflow itself, held open while the editor is.
 */
export const useDiscussion = (workflowId: string, userId: string): DiscussionStore => {
  const room = discussionRoom(workflowId);
  const session = useMemo(() => getSession(room), [room]);
  useEffect(() => retainSession(room), [room]);
  let store = stores.get(session);
  if (!store) {
    // The server writes the inbox right after it commits the comment: ask a moment later.
    store = new DiscussionStore(session.doc, userId, () => setTimeout(refreshUnread, INBOX_DELAY_MS));
    stores.set(session, store);
  }
  return store;
};

export const useThreads = (store: DiscussionStore): ThreadView[] =>
  useSyncExternalStore(store.subscribe, store.threads);

export const useOpenThreadsOnNode = (store: DiscussionStore, nodeId: string): number =>
  useSyncExternalStore(store.subscribe, () => store.openOnNode(nodeId));

export const useOpenThreadsOnEdge = (store: DiscussionStore, edgeId: string): number =>
  useSyncExternalStore(store.subscribe, () => store.openOnEdge(edgeId));

/**
 * The workflow's members, for names and @mentions: read once per workflow
 * and again on `reloadKey` changes. Offline, it stays empty and names fall
 * back to "someone"; nothing here blocks commenting.
 */
export const useMembers = (workflowId: string, reloadKey: unknown = 0): MemberDto[] => {
  const [members, setMembers] = useState<MemberDto[]>([]);
  useEffect(() => {
    let live = true;
    api<{ members: MemberDto[] }>('GET', `/api/workflows/${workflowId}/members`).then(
      (r) => {
        if (live) setMembers(r.members);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [workflowId, reloadKey]);
  return members;
};

import { isValidId } from '../ids.ts';

/**
 * A workflow has two Yjs documents, each its own room on `/sync`: the
 * workflow itself (room `<workflowId>`) and its discussion (room
 * `<workflowId>/discussion`: threads and comments, where commenters may
 * write). The room name is also the document's id in storage, its bus
 * channel and, prefixed, its IndexedDB name, so no layer translates names.
 * The stock y-websocket client appends the room name to the URL unencoded:
 * `new WebsocketProvider(url + '/sync', id + '/discussion', doc)` opens
 * `/sync/<id>/discussion`.
 */
export type RoomKind = 'workflow' | 'discussion';

const DISCUSSION_SUFFIX = '/discussion';

export const discussionRoom = (workflowId: string): string => `${workflowId}${DISCUSSION_SUFFIX}`;

/** The room's workflow and kind, or undefined for a name that is neither form. */
export const parseRoomName = (name: string): { workflowId: string; kind: RoomKind } | undefined => {
  if (name.endsWith(DISCUSSION_SUFFIX)) {
    const workflowId = name.slice(0, -DISCUSSION_SUFFIX.length);
    return isValidId(workflowId) ? { workflowId, kind: 'discussion' } : undefined;
  }
  return isValidId(name) ? { workflowId: name, kind: 'workflow' } : undefined;
};

/** Every document a workflow owns, for deleting or evicting all of them. */
export const roomsOf = (workflowId: string): readonly string[] => [workflowId, discussionRoom(workflowId)];

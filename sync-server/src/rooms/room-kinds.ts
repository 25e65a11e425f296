import { parseRoomName, type RoomKind } from '#shared/protocol/rooms.ts';
import type { RoomHooks } from './room.ts';

/**
 * The hooks of each room by the kind of document it holds (shared/protocol/rooms.ts).
 * A name of no kind gets hooks that let nobody write: the endpoint never opens
 * such a room, and if some caller did, it must not become a writable document.
 */
export const roomHooks =
  (byKind: Record<RoomKind, RoomHooks>) =>
  (docId: string): RoomHooks => {
    const kind = parseRoomName(docId)?.kind;
    return kind ? byKind[kind] : { mayWrite: () => false };
  };

import type { RoomHooks } from '../rooms/room.ts';
import { can } from '../workflows/access.ts';

/**
 * What rooms do for a workflow's discussion document (`<id>/discussion`):
 * commenters and above write there, viewers only read. It is never migrated
 * or repaired as a workflow, and its commits touch no listing.
 */
export const discussionRoomHooks = (): RoomHooks => ({
  mayWrite: (_docId, ctx) => can(ctx.role, 'comment'),
});

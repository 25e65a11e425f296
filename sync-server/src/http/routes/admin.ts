import { getHeapStatistics } from 'node:v8';
import { Hono } from 'hono';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { RoomManager } from '../../rooms/room-manager.ts';
import { requireUser, type AppEnv } from '../auth.ts';

export interface AdminRouteDeps {
  rooms: RoomManager;
  sockets: () => number;
  startedAt: number;
}

/** Instance health for the admin: loaded rooms, sockets and memory. */
export const adminRoutes = ({ rooms, sockets, startedAt }: AdminRouteDeps) =>
  new Hono<AppEnv>().get('/metrics', (c) => {
    if (!requireUser(c).isAdmin) throw new UserError(ErrorCodes.forbidden, 'Only the instance admin can read metrics');
    const memory = process.memoryUsage();
    const heap = getHeapStatistics();
    return c.json({
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      rooms: rooms.loadedCount,
      sockets: sockets(),
      memory: {
        rss: memory.rss,
        heapUsed: memory.heapUsed,
        heapTotal: memory.heapTotal,
        external: memory.external,
        arrayBuffers: memory.arrayBuffers,
        mallocedMemory: heap.malloced_memory,
      },
    });
  });

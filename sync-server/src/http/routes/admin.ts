import { getHeapStatistics } from 'node:v8';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { AccountStore, User } from '../../accounts/account-store.ts';
import type { RoomManager } from '../../rooms/room-manager.ts';
import { requireUser, type AppEnv, type SocketRevalidator } from '../auth.ts';

export interface AdminRouteDeps {
  rooms: RoomManager;
  sockets: () => number;
  startedAt: number;
  accounts: AccountStore;
  revalidate: SocketRevalidator;
}

const requireAdmin = (c: Context<AppEnv>, what: string): User => {
  const user = requireUser(c);
  if (!user.isAdmin) throw new UserError(ErrorCodes.forbidden, `Only the instance admin can ${what}`);
  return user;
};

/** The instance admin's pages: health (loaded rooms, sockets, memory) and the accounts, which they can disable. */
export const adminRoutes = ({ rooms, sockets, startedAt, accounts, revalidate }: AdminRouteDeps) => {
  const setDisabled = (c: Context<AppEnv>, disabled: boolean): Response => {
    const admin = requireAdmin(c, 'disable or enable accounts');
    const id = c.req.param('id') ?? '';
    if (id === admin.id) throw new UserError(ErrorCodes.conflict, 'You cannot disable or enable your own account');
    if (!accounts.setDisabled(id, disabled)) throw new UserError(ErrorCodes.notFound, 'No such account');
    // Its sockets close now (4401); its sessions are gone and its tokens stop working until it is enabled.
    if (disabled) revalidate({ userId: id });
    const user = accounts.listUsers().find((u) => u.id === id);
    return c.json({ user });
  };
  return new Hono<AppEnv>()
    .get('/users', (c) => {
      requireAdmin(c, 'list accounts');
      return c.json({ users: accounts.listUsers() });
    })
    .post('/users/:id/disable', (c) => setDisabled(c, true))
    .post('/users/:id/enable', (c) => setDisabled(c, false))
    .get('/metrics', (c) => {
      requireAdmin(c, 'read metrics');
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
};

import { getHeapStatistics } from 'node:v8';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { AccountStore, User } from '../../accounts/account-store.ts';
import type { RoomManager } from '../../rooms/room-manager.ts';
import { requireUser, type AppEnv, type SocketRevalidator } from '../auth.ts';
import { signupRequest } from '#shared/api/index.ts';
import { hashPassword } from '../../accounts/passwords.ts';
import { readJson } from '../errors.ts';

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

/** The instance admin's pages: health (loaded rooms, sockets, memory) and the accounts, which they can create and disable. */
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
  return (
    new Hono<AppEnv>()
      .get('/users', (c) => {
        requireAdmin(c, 'list accounts');
        return c.json({ users: accounts.listUsers() });
      })
      // With sign-up closed, this is how people get an account: the admin makes it and tells them the password.
      .post('/users', async (c) => {
        requireAdmin(c, 'create accounts');
        const body = await readJson(c, signupRequest);
        const created = accounts.createUser({
          email: body.email,
          name: body.name,
          passwordHash: await hashPassword(body.password),
        });
        return c.json({ user: accounts.listUsers().find((u) => u.id === created.id) }, 201);
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
      })
  );
};

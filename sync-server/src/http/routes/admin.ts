import { getHeapStatistics } from 'node:v8';
import * as routes from '#shared/api/routes/admin.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { AccountStore, User } from '../../accounts/account-store.ts';
import type { RoomManager } from '../../rooms/room-manager.ts';
import type { Context } from 'hono';
import type { AppEnv, SocketRevalidator } from '../auth.ts';
import { hashPassword } from '../../accounts/passwords.ts';
import { audit } from '../audit-actor.ts';
import { contractRoutes, implement } from './contract-routes.ts';

export interface AdminRouteDeps {
  rooms: RoomManager;
  sockets: () => number;
  startedAt: number;
  accounts: AccountStore;
  revalidate: SocketRevalidator;
}

const requireAdmin = (user: User, what: string): User => {
  if (!user.isAdmin) throw new UserError(ErrorCodes.forbidden, `Only the instance admin can ${what}`);
  return user;
};

/** The instance admin's pages: health (loaded rooms, sockets, memory) and the accounts, which they can create and disable. */
export const adminRoutes = ({ rooms, sockets, startedAt, accounts, revalidate }: AdminRouteDeps) => {
  const setDisabled = async (c: Context<AppEnv>, user: User, id: string, disabled: boolean) => {
    const admin = requireAdmin(user, 'disable or enable accounts');
    if (id === admin.id) throw new UserError(ErrorCodes.conflict, 'You cannot disable or enable your own account');
    if (!(await accounts.setDisabled(id, disabled))) throw new UserError(ErrorCodes.notFound, 'No such account');
    // Its sockets close now (4401); its sessions are gone and its tokens stop working until it is enabled.
    if (disabled) await revalidate({ userId: id });
    await audit(c, user, { action: disabled ? 'user.disabled' : 'user.enabled', target: { type: 'user', id } });
    return accountOf(id);
  };
  const setAdmin = async (c: Context<AppEnv>, user: User, id: string, isAdmin: boolean) => {
    const admin = requireAdmin(user, 'make or remove admins');
    if (id === admin.id) throw new UserError(ErrorCodes.conflict, 'You cannot change your own admin role');
    const outcome = await accounts.setAdmin(id, isAdmin);
    if (outcome === 'notFound') throw new UserError(ErrorCodes.notFound, 'No such account');
    if (outcome === 'lastAdmin')
      throw new UserError(ErrorCodes.conflict, 'This is the last enabled admin: make someone else an admin first');
    // An admin is an owner of every workflow: its open sockets reconnect with the role it has now (or close).
    await revalidate({ userId: id });
    await audit(c, user, { action: isAdmin ? 'user.made_admin' : 'user.admin_removed', target: { type: 'user', id } });
    return accountOf(id);
  };
  const accountOf = async (id: string) => {
    const account = (await accounts.listUsers()).find((u) => u.id === id);
    if (!account) throw new UserError(ErrorCodes.notFound, 'No such account');
    return account;
  };
  return contractRoutes('/api/admin', [
    implement(routes.listUsers, async (_c, { user }, reply) => {
      requireAdmin(user, 'list accounts');
      return reply(200, { users: await accounts.listUsers() });
    }),
    // With sign-up closed, this is how people get an account: the admin makes it and tells them the password.
    implement(routes.createUser, async (_c, { user, body }, reply) => {
      requireAdmin(user, 'create accounts');
      const request = await body();
      const created = await accounts.createUser({
        email: request.email,
        name: request.name,
        passwordHash: await hashPassword(request.password),
      });
      return reply(201, { user: await accountOf(created.id) });
    }),
    implement(routes.disableUser, async (c, { user, params }, reply) =>
      reply(200, { user: await setDisabled(c, user, params.id, true) }),
    ),
    implement(routes.enableUser, async (c, { user, params }, reply) =>
      reply(200, { user: await setDisabled(c, user, params.id, false) }),
    ),
    implement(routes.makeAdmin, async (c, { user, params }, reply) =>
      reply(200, { user: await setAdmin(c, user, params.id, true) }),
    ),
    implement(routes.removeAdmin, async (c, { user, params }, reply) =>
      reply(200, { user: await setAdmin(c, user, params.id, false) }),
    ),
    implement(routes.getMetrics, (_c, { user }, reply) => {
      requireAdmin(user, 'read metrics');
      const memory = process.memoryUsage();
      const heap = getHeapStatistics();
      return reply(200, {
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
    }),
  ]);
};

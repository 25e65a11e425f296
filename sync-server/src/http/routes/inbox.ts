import * as routes from '#shared/api/routes/inbox.ts';
import type { InboxStore } from '../../discussion/inbox-store.ts';
import { contractRoutes, implement } from './contract-routes.ts';

/** The signed-in person's inbox: mentions of them and replies in their threads (discussion/inbox-notifier.ts). */
export const inboxRoutes = ({ inbox, now = Date.now }: { inbox: InboxStore; now?: () => number }) =>
  contractRoutes('/api/me', [
    implement(routes.listInbox, async (_c, { user, query }, reply) => {
      const [at, id] = query.cursor ? query.cursor.split(':') : [];
      const items = await inbox.list(user.id, {
        limit: query.limit,
        ...(at && id ? { after: { createdAt: Number(at), id } } : {}),
        unreadOnly: query.unread === 'true',
      });
      const last = items.length === query.limit ? items.at(-1) : undefined;
      return reply(200, {
        items,
        nextCursor: last ? `${last.createdAt}:${last.id}` : null,
        unread: await inbox.unread(user.id),
      });
    }),
    implement(routes.countUnreadInbox, async (_c, { user }, reply) =>
      reply(200, { unread: await inbox.unread(user.id) }),
    ),
    implement(routes.markInboxRead, async (_c, { user, body }, reply) => {
      await inbox.markRead(user.id, await body(), now());
      return reply(204);
    }),
  ]);

import { useCallback, useEffect, useState } from 'react';
import { Link, useLocation } from 'wouter';
import type { InboxItemDto, InboxPageDto } from '#shared/api/inbox.ts';
import type { UserDto } from '#shared/api/index.ts';
import { api, ApiError } from '../api/client.ts';
import { refreshUnread } from '../comments/use-unread.ts';
import { TopBar } from './topbar.tsx';

const when = (ms: number): string => new Date(ms).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

/**
 * The person's inbox: mentions of them and replies in threads they wrote in,
 * newest first. Opening one marks it read and shows the thread in its workflow.
 */
export const InboxPage = ({ user, onSignOut }: { user: UserDto; onSignOut: () => void }) => {
  const [items, setItems] = useState<InboxItemDto[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [error, setError] = useState<string>();
  const [, navigate] = useLocation();

  const load = useCallback(
    (cursor: string | null) => {
      const query = new URLSearchParams({ limit: '30', ...(unreadOnly ? { unread: 'true' } : {}) });
      if (cursor) query.set('cursor', cursor);
      api<InboxPageDto>('GET', `/api/me/inbox?${query.toString()}`).then(
        (page) => {
          setItems((before) => (cursor ? [...before, ...page.items] : page.items));
          setNext(page.nextCursor);
          setError(undefined);
        },
        (e: unknown) => setError(e instanceof ApiError ? e.message : 'Could not load the inbox'),
      );
    },
    [unreadOnly],
  );
  useEffect(() => load(null), [load]);

  const open = async (item: InboxItemDto) => {
    if (item.readAt === null) {
      await api('POST', '/api/me/inbox/read', { ids: [item.id] }).catch(() => undefined);
      refreshUnread();
    }
    navigate(`/w/${item.workflowId}?thread=${encodeURIComponent(item.threadId)}`);
  };

  const markAll = async () => {
    await api('POST', '/api/me/inbox/read', { all: true });
    refreshUnread();
    load(null);
  };

  return (
    <div className="shell">
      <TopBar user={user} onSignOut={onSignOut} />
      <main className="inbox-page">
        <header className="inbox-head">
          <h1>Inbox</h1>
          <label className="check">
            <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} /> Unread only
          </label>
          <button type="button" onClick={() => void markAll()} disabled={items.every((i) => i.readAt !== null)}>
            Mark all read
          </button>
        </header>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {items.length === 0 && !error && (
          <p className="muted">Nothing here yet. When someone mentions you or replies to you, it shows up here.</p>
        )}
        <ul className="inbox-list" aria-label="Inbox">
          {items.map((item) => (
            <li key={item.id} className={item.readAt === null ? 'unread' : undefined}>
              <button type="button" className="inbox-item" onClick={() => void open(item)}>
                <span className="inbox-what">
                  <strong>{item.actor?.name ?? 'Someone'}</strong>{' '}
                  {item.kind === 'mention' ? 'mentioned you' : 'replied'} in <strong>{item.workflowName}</strong>
                  {item.readAt === null && <span className="badge">new</span>}
                </span>
                <span className="inbox-excerpt">{item.excerpt}</span>
                <span className="muted inbox-when">{when(item.createdAt)}</span>
              </button>
            </li>
          ))}
        </ul>
        {next && (
          <button type="button" onClick={() => load(next)}>
            Show older
          </button>
        )}
        <p>
          <Link href="/">Back to workflows</Link>
        </p>
      </main>
    </div>
  );
};

import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';

const POLL_MS = 30_000;
const listeners = new Set<() => void>();

/** Asks every unread badge to read the count again now (after marking items read). */
export const refreshUnread = (): void => {
  for (const listener of listeners) listener();
};

/**
 * The signed-in person's unread inbox count: read at once, every 30 s, when
 * the window regains focus, and when asked (refreshUnread). Offline it keeps
 * the last count.
 */
export const useUnreadCount = (): number => {
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    let live = true;
    const read = () => {
      api<{ unread: number }>('GET', '/api/me/inbox/unread').then(
        (r) => {
          if (live) setUnread(r.unread);
        },
        () => undefined,
      );
    };
    read();
    const timer = setInterval(read, POLL_MS);
    window.addEventListener('focus', read);
    listeners.add(read);
    return () => {
      live = false;
      clearInterval(timer);
      window.removeEventListener('focus', read);
      listeners.delete(read);
    };
  }, []);
  return unread;
};

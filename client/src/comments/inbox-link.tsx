import { Inbox } from 'lucide-react';
import './comments.css';
import { Link } from 'wouter';
import { appRoutes } from '../app-routes.ts';
import { useUnreadCount } from './use-unread.ts';

/** The top bar's way to the inbox, with the unread count. */
export const InboxLink = () => {
  const unread = useUnreadCount();
  return (
    <Link
      href={appRoutes.inbox}
      className="inbox-link"
      aria-label={unread > 0 ? `Inbox, ${unread} unread` : 'Inbox'}
      title="Mentions and replies"
    >
      <Inbox size={16} aria-hidden="true" />
      {unread > 0 && (
        <span className="inbox-count" data-testid="inbox-count">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </Link>
  );
};

import type { ReactNode } from 'react';
import { Link } from 'wouter';
import type { UserDto } from '#shared/api/index.ts';
import { appRoutes } from '../app-routes.ts';
import { InboxLink } from '../comments/inbox-link.tsx';

/**
 * The bar on every signed-in page. The person's name opens their account
 * (sessions, deleting it); the admin also gets the accounts list, outside the
 * editor, whose bar is full.
 */
export const TopBar = ({
  user,
  onSignOut,
  children,
}: {
  user: UserDto;
  onSignOut: () => void;
  children?: ReactNode;
}) => (
  <header className="topbar">
    <Link href="/" className="brand">
      Weft
    </Link>
    {children}
    <span className="spacer" />
    {!children && <Link href={appRoutes.insights}>Insights</Link>}
    {user.isAdmin && !children && <Link href={appRoutes.adminUsers}>Accounts</Link>}
    <InboxLink />
    <Link href={appRoutes.account} className="muted user-name" title={`Your account (${user.email})`}>
      {user.name}
      {user.isAdmin ? ' · admin' : ''}
    </Link>
    <button type="button" onClick={onSignOut} title={`Signed in as ${user.name} (${user.email})`}>
      Sign out
    </button>
  </header>
);

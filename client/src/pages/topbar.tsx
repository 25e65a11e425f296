import type { ReactNode } from 'react';
import { Link } from 'wouter';
import type { UserDto } from '#shared/api/index.ts';
import { appRoutes } from '../app-routes.ts';
import { InboxLink } from '../comments/inbox-link.tsx';

/**
 * The bar on every signed-in page. The person's name opens their account
 * (the Settings page's first tab); Settings (account, tokens, and for admins
 * the instance and its users) is linked outside the editor, whose bar is full.
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
    {!children && <Link href={appRoutes.executions}>Executions</Link>}
    {!children && <Link href={appRoutes.insights}>Insights</Link>}
    {!children && <Link href={appRoutes.settings}>Settings</Link>}
    <InboxLink />
    <Link href={appRoutes.settings} className="muted user-name" title={`Your account (${user.email})`}>
      {user.name}
      {user.isAdmin ? ' · admin' : ''}
    </Link>
    <button type="button" onClick={onSignOut} title={`Signed in as ${user.name} (${user.email})`}>
      Sign out
    </button>
  </header>
);

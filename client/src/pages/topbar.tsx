import type { ReactNode } from 'react';
import { Link } from 'wouter';
import type { UserDto } from '#shared/api/index.ts';

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
    <span className="muted user-name" title={user.email}>
      {user.name}
      {user.isAdmin ? ' · admin' : ''}
    </span>
    <button type="button" onClick={onSignOut} title={`Signed in as ${user.name} (${user.email})`}>
      Sign out
    </button>
  </header>
);

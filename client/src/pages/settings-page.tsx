import { useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import type { UserDto } from '#shared/api/index.ts';
import { AccountSection } from './account-section.tsx';
import { InstanceSection } from './instance-section.tsx';
import { TokensSection } from './tokens-section.tsx';
import { TopBar } from './topbar.tsx';
import { UsersSection } from './users-section.tsx';
import './settings.css';

const TABS = [
  { id: 'account', label: 'Account', admin: false },
  { id: 'tokens', label: 'API tokens', admin: false },
  { id: 'instance', label: 'Instance', admin: true },
  { id: 'users', label: 'Users', admin: true },
] as const;
type Tab = (typeof TABS)[number]['id'];

/** Which tab `?tab=` names, if the person may see it; else the first. */
export const tabOf = (search: string, isAdmin: boolean): Tab => {
  const wanted = new URLSearchParams(search).get('tab');
  return TABS.find((t) => t.id === wanted && (isAdmin || !t.admin))?.id ?? 'account';
};

/**
 * `/settings`: one page for one's account and API tokens, and for admins the
 * instance settings and the users. The tab is in the URL (`?tab=`), so the
 * old pages (/account, /admin/users) redirect to theirs.
 */
export const SettingsPage = ({
  user,
  onSignOut,
  onUserChanged,
}: {
  user: UserDto;
  onSignOut: () => void;
  onUserChanged: (user: UserDto) => void;
}) => {
  const search = useSearch();
  const [, navigate] = useLocation();
  const [tab, setTab] = useState<Tab>(() => tabOf(search, user.isAdmin));
  const choose = (next: Tab) => {
    setTab(next);
    navigate(`/settings?tab=${next}`, { replace: true });
  };
  const tabs = TABS.filter((t) => user.isAdmin || !t.admin);
  return (
    <div className="shell settings-page">
      <TopBar user={user} onSignOut={onSignOut} />
      <h1 style={{ fontSize: 22, margin: '0 0 12px' }}>Settings</h1>
      <div role="tablist" aria-label="Settings" className="settings-tabs">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`settings-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`settings-panel-${t.id}`}
            onClick={() => choose(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <section role="tabpanel" id={`settings-panel-${tab}`} aria-labelledby={`settings-tab-${tab}`}>
        {tab === 'account' && <AccountSection user={user} onSignOut={onSignOut} onRenamed={onUserChanged} />}
        {tab === 'tokens' && <TokensSection />}
        {tab === 'instance' && user.isAdmin && <InstanceSection />}
        {tab === 'users' && user.isAdmin && <UsersSection user={user} />}
      </section>
    </div>
  );
};

import { lazy, Suspense, useEffect, useState } from 'react';
import { useAtomValue } from 'jotai';
import { Redirect, Route, Switch } from 'wouter';
import type { UserDto } from '#shared/api/index.ts';
import { api } from './api/client.ts';
import { InboxPage } from './pages/inbox-page.tsx';
import { appRoutes } from './app-routes.ts';
import { AuthPage } from './pages/auth-page.tsx';
import { JoinPage } from './pages/join-page.tsx';
import { forgetLocalData } from './offline/service-worker.ts';
import { themeAtom } from './state/atoms.ts';
import { EditorPage } from './editor/editor-page.tsx';
import { WorkflowsPage } from './pages/workflows-page.tsx';
import { TemplatesPage } from './pages/templates-page.tsx';
import { LazyExecutionsPage } from './pages/lazy-executions-page.tsx';

// Loaded when opened: a page people visit seldom, kept out of the start bundle's budget.
const SettingsPage = lazy(() => import('./pages/settings-page.tsx').then((m) => ({ default: m.SettingsPage })));
import { LazyInsightsPage } from './insights/lazy-insights-page.tsx';

type Me = { state: 'loading' } | { state: 'anonymous' } | { state: 'user'; user: UserDto };

export const App = () => {
  const [me, setMe] = useState<Me>({ state: 'loading' });
  const theme = useAtomValue(themeAtom);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  useEffect(() => {
    api<{ user: UserDto }>('GET', '/api/auth/me').then(
      ({ user }) => setMe({ state: 'user', user }),
      () => setMe({ state: 'anonymous' }),
    );
  }, []);

  if (me.state === 'loading') return <p className="shell muted">Loading…</p>;
  const signedIn = (user: UserDto) => setMe({ state: 'user', user });

  if (me.state === 'anonymous') {
    return (
      <Switch>
        <Route path={appRoutes.join}>{(params) => <JoinPage token={params.token} />}</Route>
        <Route path={appRoutes.signup}>
          <AuthPage mode="signup" onSignedIn={signedIn} />
        </Route>
        <Route>
          <AuthPage mode="login" onSignedIn={signedIn} />
        </Route>
      </Switch>
    );
  }

  const signOut = () => {
    void api('POST', '/api/auth/logout')
      .then(forgetLocalData)
      .finally(() => setMe({ state: 'anonymous' }));
  };
  return (
    <Switch>
      <Route path={appRoutes.editor}>
        {(params) => <EditorPage id={params.id} user={me.user} onSignOut={signOut} />}
      </Route>
      <Route path={appRoutes.join}>{(params) => <JoinPage token={params.token} user={me.user} />}</Route>
      <Route path={appRoutes.inbox}>
        <InboxPage user={me.user} onSignOut={signOut} />
      </Route>
      <Route path={appRoutes.settings}>
        <Suspense fallback={<p className="shell muted">Loading…</p>}>
          <SettingsPage user={me.user} onSignOut={signOut} onUserChanged={signedIn} />
        </Suspense>
      </Route>
      <Route path={appRoutes.account}>
        <Redirect to="/settings?tab=account" replace />
      </Route>
      <Route path={appRoutes.adminUsers}>
        <Redirect to="/settings?tab=users" replace />
      </Route>
      <Route path={appRoutes.templates}>
        <TemplatesPage user={me.user} onSignOut={signOut} />
      </Route>
      <Route path={appRoutes.executions}>
        <LazyExecutionsPage user={me.user} onSignOut={signOut} />
      </Route>
      <Route path={appRoutes.insights}>
        <LazyInsightsPage user={me.user} onSignOut={signOut} />
      </Route>
      <Route path={appRoutes.workflows}>
        <WorkflowsPage user={me.user} onSignOut={signOut} />
      </Route>
      <Route>
        <Redirect to="/" />
      </Route>
    </Switch>
  );
};

import { lazy, Suspense } from 'react';
import type { UserDto } from '#shared/api/index.ts';

/**
 * The executions page loads when it is opened: the app's start stays within its size budget
 * (scripts/bundle-budget.ts) however many pages there are.
 */
const Page = lazy(() => import('./executions-page.tsx').then((m) => ({ default: m.ExecutionsPage })));

export const LazyExecutionsPage = (props: { user: UserDto; onSignOut: () => void }) => (
  <Suspense fallback={<p className="shell muted">Loading…</p>}>
    <Page {...props} />
  </Suspense>
);

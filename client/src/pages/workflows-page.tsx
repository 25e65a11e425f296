import { lazy, Suspense } from 'react';
import type { UserDto } from '#shared/api/index.ts';

// The list, its rows, tags, folders and bulk actions load as their own chunk: the app's entry stays in its
// size budget (scripts/bundle-budget.ts), and the service worker keeps the chunk for offline use.
const HomePage = lazy(() => import('../home/home-page.tsx').then((m) => ({ default: m.HomePage })));

/** The home page: the workflow list (client/src/home). */
export const WorkflowsPage = (props: { user: UserDto; onSignOut: () => void }) => (
  <Suspense
    fallback={
      <div className="shell">
        <p className="muted">Loading…</p>
      </div>
    }
  >
    <HomePage {...props} />
  </Suspense>
);

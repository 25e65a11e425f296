import { lazy, Suspense } from 'react';
import type { UserDto } from '#shared/api/index.ts';

/**
 * Recharts (and d3 under it) is a third more code than the rest of the app's start: only this page needs it,
 * so it loads when the page opens. The service worker keeps its chunk with the rest of the app for offline use.
 */
const Page = lazy(() => import('./insights-page.tsx').then((m) => ({ default: m.InsightsPage })));

export const LazyInsightsPage = (props: { user: UserDto; onSignOut: () => void }) => (
  <Suspense fallback={<div className="page" aria-busy="true" />}>
    <Page {...props} />
  </Suspense>
);

/**
 * The client's own routes, in one place: app.tsx renders them, and the
 * service worker keeps the app's HTML for these paths and no other. Every
 * other path on the origin belongs to the server (`/healthz`, `/api/*`,
 * `/sync/*`, `/engine`, `/webhook/*`, `/webhook-test/*`, …), so a page opened
 * there must never be stored as, or answered with, the offline app.
 *
 * Patterns use wouter's syntax (`:name` is one path segment); add a route
 * here and both app.tsx and the service worker know it.
 */
export const appRoutes = {
  workflows: '/',
  editor: '/w/:id',
  signup: '/signup',
  login: '/login',
  account: '/account',
  inbox: '/inbox',
  adminUsers: '/admin/users',
  join: '/join/:token',
  templates: '/templates',
  executions: '/executions',
  settings: '/settings',
  insights: '/insights',
} as const;

export type AppRoute = (typeof appRoutes)[keyof typeof appRoutes];

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `/w/:id` → /^\/w\/[^/]+$/: a parameter is one non-empty segment; no trailing slash, exact case. */
const compile = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : escape(part)))
      .join('/')}$`,
  );

const compiled = Object.values(appRoutes).map(compile);

/** Whether a URL path (as the browser sends it, still percent-encoded) is one of the app's routes. */
export const isAppRoute = (pathname: string): boolean => compiled.some((re) => re.test(pathname));

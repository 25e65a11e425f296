import { parse } from 'regexparam';
import { describe, expect, it } from 'vitest';
import { matchRoute } from 'wouter';
import { appRoutes, isAppRoute } from './app-routes.ts';

/** The server's own paths: none of them is the app, whatever follows them. */
const serverPaths = [
  '/healthz',
  '/api',
  '/api/auth/me',
  '/api/workflows/abc',
  '/sync/abc',
  '/engine',
  '/webhook/orders',
  '/webhook-test/orders',
  '/webhook/w/abc',
  '/sw.js',
  '/asset-manifest.json',
  '/assets/index-abc.js',
];

const clientPaths = [
  '/',
  '/executions',
  '/w/abc',
  '/w/Z_9-x',
  '/signup',
  '/login',
  '/account',
  '/admin/users',
  '/join/abc_DEF-1',
];

describe('app routes', () => {
  it('counts the client routes and nothing the server answers', () => {
    for (const path of clientPaths) expect(isAppRoute(path), path).toBe(true);
    for (const path of serverPaths) expect(isAppRoute(path), path).toBe(false);
  });

  it('does not stretch a parameter over segments, or a route over a longer path', () => {
    for (const path of ['/w/', '/w/a/b', '/w', '//', '/signup/x', '/loginx', '/join/', '/join/a/b', '', '/%2f']) {
      expect(isAppRoute(path), path).toBe(false);
    }
  });

  it('every path it counts is one wouter renders with the same pattern in app.tsx', () => {
    for (const path of clientPaths) {
      const patterns = Object.values(appRoutes).filter((p) => matchRoute(parse, p, path)[0]);
      expect(patterns.length, path).toBeGreaterThan(0);
    }
  });
});

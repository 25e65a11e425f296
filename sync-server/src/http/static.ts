import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import type { AppEnv } from './auth.ts';

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Weft</title>
<p>The Weft web app has not been built. Run <code>npm run build</code> (or start with <code>npm start</code>, which builds it).</p>`;

/**
 * Serves the built web app. Hashed files under /assets are cached for a year;
 * every other path that is not a file gets index.html, so client-side routes
 * (/w/<id>) load the app.
 */
export const staticRoutes = (clientDir: string) => {
  const indexFile = join(clientDir, 'index.html');
  const app = new Hono<AppEnv>();
  if (existsSync(clientDir)) {
    app.use(
      '/*',
      serveStatic({
        root: clientDir,
        onFound: (path, c) => {
          c.header('Cache-Control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      }),
    );
  }
  app.get('*', (c) => {
    if (!existsSync(indexFile)) return c.html(NOT_BUILT, 503);
    c.header('Cache-Control', 'no-cache');
    return c.html(readFileSync(indexFile, 'utf8'));
  });
  return app;
};

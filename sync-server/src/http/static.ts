import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';
import { getMimeType } from 'hono/utils/mime';
import { z } from 'zod';
import { BINARY_ASSETS, clientAssetKey } from '#shared/binary-assets.ts';
import { embeddedBytes, embeddedText } from '../binary/assets.ts';
import { installRoot } from '../paths.ts';
import type { AppEnv } from './auth.ts';

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Weft</title>
<p>The Weft web app has not been built. Run <code>npm run build</code> (or start with <code>npm start</code>, which builds it).</p>`;

/** Hashed files under /assets never change under their name; everything else is checked each time. */
const cacheControl = (path: string): string =>
  path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';

/**
 * The web app the `weft` binary carries: its files by URL path, served from
 * the executable's memory (GET and HEAD; anything not listed falls through).
 */
const embeddedClient = (): { serve: MiddlewareHandler<AppEnv>; index: () => string | undefined } | undefined => {
  const list = embeddedText(BINARY_ASSETS.clientFiles);
  if (list === undefined) return undefined;
  const files = new Set(z.array(z.string()).parse(JSON.parse(list)));
  const serve: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const path = c.req.path.endsWith('/') ? `${c.req.path}index.html` : c.req.path;
    const body = files.has(path) ? embeddedBytes(clientAssetKey(path)) : undefined;
    if (!body) return next();
    c.header('Content-Type', getMimeType(path) ?? 'application/octet-stream');
    c.header('Content-Length', String(body.length));
    c.header('Cache-Control', cacheControl(path));
    return c.req.method === 'HEAD' ? c.body(null, 200) : c.body(body, 200);
  };
  const indexBytes = files.has('/index.html') ? embeddedBytes(clientAssetKey('/index.html')) : undefined;
  const indexHtml = indexBytes && new TextDecoder().decode(indexBytes);
  return { serve, index: () => indexHtml };
};

/** The built web app in a folder: `clientDir`, else dist/client of this source tree. */
const folderClient = (clientDir: string): { serve: MiddlewareHandler<AppEnv>; index: () => string | undefined } => {
  const indexFile = join(clientDir, 'index.html');
  const serve: MiddlewareHandler<AppEnv> = existsSync(clientDir)
    ? serveStatic({
        root: clientDir,
        onFound: (path, c) => {
          c.header('Cache-Control', cacheControl(path));
        },
      })
    : (_c, next) => next();
  return { serve, index: () => (existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : undefined) };
};

/**
 * Serves the built web app: from `clientDir` when given (WEFT_CLIENT_DIR),
 * else the one this installation carries — embedded in the binary, or
 * dist/client in the source tree. Hashed files under /assets are cached for
 * a year; every other path that is not a file gets index.html, so
 * client-side routes (/w/<id>) load the app.
 */
export const staticRoutes = (clientDir: string | undefined) => {
  const client =
    (clientDir === undefined ? embeddedClient() : undefined) ??
    folderClient(clientDir ?? join(installRoot(), 'dist/client'));
  const app = new Hono<AppEnv>();
  app.use('/*', client.serve);
  app.get('*', (c) => {
    const html = client.index();
    if (html === undefined) return c.html(NOT_BUILT, 503);
    c.header('Cache-Control', 'no-cache');
    return c.html(html);
  });
  return app;
};

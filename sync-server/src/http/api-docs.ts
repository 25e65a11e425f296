import type { Hono } from 'hono';
import packageJson from '../../../package.json' with { type: 'json' };
import { API_DOCS_ASSETS } from '#shared/api/docs-assets.ts';
import { buildOpenApiDocument } from '#shared/api/openapi.ts';
import { getOpenApiDocument } from '#shared/api/routes/meta.ts';
import type { AppEnv } from './auth.ts';
import { contractRoutes, implement } from './routes/contract-routes.ts';

/**
 * The API's description: `GET /api/openapi.json` (generated from the route
 * contracts) and `GET /api/docs`, a page that shows it with Swagger UI from
 * Weft's own files (shared/src/api/docs-assets.ts), never a CDN.
 */

/** Paths under /api that are pages for people, not REST routes (the conformance test knows them). */
export const API_DOCS_PAGES = ['/api/docs', '/api/docs/init.js'] as const;

const assets = `/${API_DOCS_ASSETS.dir}`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Weft REST API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assets}/${API_DOCS_ASSETS.stylesheet}">
</head>
<body>
<main id="docs"><noscript>The docs page needs JavaScript. The document itself is at <a href="/api/openapi.json">/api/openapi.json</a>.</noscript></main>
<p id="docs-missing" hidden>The docs page's files are part of the web app's build, which this server does not have (run <code>npm run build</code>). The document itself is at <a href="/api/openapi.json">/api/openapi.json</a>.</p>
<script src="${assets}/${API_DOCS_ASSETS.script}"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
`;

/**
 * Swagger UI's settings: the document from this server only (no `?url=`,
 * no external validator badge), and requests made with the page's own
 * session cookie, from its own origin.
 */
const INIT = `'use strict';
if (typeof window.SwaggerUIBundle !== 'function') {
  document.getElementById('docs-missing').hidden = false;
} else {
  window.SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#docs',
    deepLinking: true,
    queryConfigEnabled: false,
    validatorUrl: null,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
  });
}
`;

/**
 * Only this origin's scripts and styles; Swagger UI sets styles from its
 * scripts and draws icons from data: URLs.
 */
const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The description routes, registered on the /api sub-app. */
export const apiDocsRoutes = (): Hono<AppEnv> => {
  let document: Record<string, unknown> | undefined;
  const app = contractRoutes('/api', [
    implement(getOpenApiDocument, (_c, _input, reply) => {
      document ??= buildOpenApiDocument({ version: packageJson.version });
      return reply(200, document);
    }),
  ]);
  app.get('/docs', (c) => {
    c.header('Content-Security-Policy', PAGE_CSP);
    c.header('Cache-Control', 'no-cache');
    return c.html(PAGE);
  });
  app.get('/docs/init.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'no-cache');
    return c.body(INIT);
  });
  return app;
};
